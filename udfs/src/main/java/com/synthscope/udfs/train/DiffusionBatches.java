package com.synthscope.udfs.train;

import java.util.SplittableRandom;

/** Where a diffusion trainer gets its clean samples from. */
public interface DiffusionBatches {

  /**
   * One batch of clean samples x0 in [-1, 1], NCHW, and their condition vectors.
   *
   * @param rng this step's random source: batches depend only on it, so a resumed run sees the same
   *     data
   */
  Batch next(SplittableRandom rng, int batchSize);

  /** Channels of a sample. */
  int channels();

  /** Length of the condition vector, 0 when unconditional. */
  int conditionDim();

  /**
   * @param conditions n * conditionDim values, or an empty array when unconditional
   * @param firstChannelPixelWeights loss weights of channel 0's pixels, n * h * w values, or an
   *     empty array: every pixel weighs 1
   */
  record Batch(float[] x0, int n, float[] conditions, float[] firstChannelPixelWeights) {

    /** A batch whose pixels all weigh the same. */
    public Batch(float[] x0, int n, float[] conditions) {
      this(x0, n, conditions, new float[0]);
    }
  }
}
