package com.synthscope.udfs.train;

import com.synthscope.udfs.image.GreyRange;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training batches for PF-DiffSeg: random MetalDAM crops as (1 grey + K mask) channels, conditioned
 * on fractions.
 */
public final class PfDiffSegBatches implements DiffusionBatches {

  private final List<LabelledMicrograph> images;
  private final int size;
  private final GreyRange grey;

  /**
   * @param images the training micrographs, already at the training scale
   */
  public PfDiffSegBatches(List<LabelledMicrograph> images, int size) {
    this(images, size, GreyRange.PLAIN);
  }

  /**
   * @param grey the grey levels mapped to -1 and +1
   */
  public PfDiffSegBatches(List<LabelledMicrograph> images, int size, GreyRange grey) {
    this.images = List.copyOf(images);
    this.size = size;
    this.grey = grey;
  }

  @Override
  public Batch next(SplittableRandom rng, int batchSize) {
    PairCrops crops = new PairCrops(images, size, rng.nextLong());
    int per = channels() * size * size;
    float[] x0 = new float[batchSize * per];
    float[] conditions = new float[batchSize * conditionDim()];
    for (int i = 0; i < batchSize; i++) {
      Pair p = crops.next();
      System.arraycopy(PairCrops.toChannels(p, grey), 0, x0, i * per, per);
      System.arraycopy(p.fractions(), 0, conditions, i * conditionDim(), conditionDim());
    }
    return new Batch(x0, batchSize, conditions);
  }

  @Override
  public int channels() {
    return 1 + MetalDam.CLASSES;
  }

  @Override
  public int conditionDim() {
    return MetalDam.CLASSES;
  }
}
