package com.synthscope.udfs.train;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Unconditional training batches of real micrograph crops, grey only, in [-1, 1] (the DNF diffusion
 * backbone).
 */
public final class GreyCropBatches implements DiffusionBatches {

  private final List<LabelledMicrograph> images;
  private final int size;

  public GreyCropBatches(List<LabelledMicrograph> images, int size) {
    this.images = List.copyOf(images);
    this.size = size;
  }

  @Override
  public Batch next(SplittableRandom rng, int batchSize) {
    PairCrops crops = new PairCrops(images, size, rng.nextLong());
    int per = size * size;
    float[] x0 = new float[batchSize * per];
    for (int i = 0; i < batchSize; i++) {
      float[] grey = crops.next().grey();
      for (int p = 0; p < per; p++) {
        x0[i * per + p] = grey[p] * 2f - 1f;
      }
    }
    return new Batch(x0, batchSize, new float[0]);
  }

  @Override
  public int channels() {
    return 1;
  }

  @Override
  public int conditionDim() {
    return 0;
  }
}
