package com.synthscope.udfs.train;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Unconditional training batches of whole small RGB photographs in [-1, 1] (the photo DNF backbone
 * on real CIFAKE images), each flipped left-right with probability 1/2.
 */
public final class PhotoBatches implements DiffusionBatches {

  private final List<float[]> images;
  private final int size;

  /**
   * @param images flat {@code [3, size, size]} samples in [-1, 1]
   */
  public PhotoBatches(List<float[]> images, int size) {
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no images to train on");
    }
    for (float[] x : images) {
      if (x.length != 3 * size * size) {
        throw new IllegalArgumentException("every image must be [3, " + size + ", " + size + "]");
      }
    }
    this.images = List.copyOf(images);
    this.size = size;
  }

  @Override
  public Batch next(SplittableRandom rng, int batchSize) {
    int per = 3 * size * size;
    float[] x0 = new float[batchSize * per];
    for (int i = 0; i < batchSize; i++) {
      float[] x = images.get(rng.nextInt(images.size()));
      if (rng.nextBoolean()) {
        for (int row = 0; row < 3 * size; row++) {
          for (int col = 0; col < size; col++) {
            x0[i * per + row * size + col] = x[row * size + size - 1 - col];
          }
        }
      } else {
        System.arraycopy(x, 0, x0, i * per, per);
      }
    }
    return new Batch(x0, batchSize, new float[0]);
  }

  @Override
  public int channels() {
    return 3;
  }

  @Override
  public int conditionDim() {
    return 0;
  }
}
