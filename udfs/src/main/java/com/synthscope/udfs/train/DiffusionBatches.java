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
   */
  record Batch(float[] x0, int n, float[] conditions) {}
}
