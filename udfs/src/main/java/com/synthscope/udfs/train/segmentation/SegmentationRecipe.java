package com.synthscope.udfs.train.segmentation;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a segmentation network is trained and evaluated.
 *
 * @param size crop side at the training scale (and the sliding window's side)
 * @param scale downscaling of the micrographs, in (0, 1]
 * @param steps optimiser steps
 * @param batch crops per step
 * @param learningRate Adam's learning rate
 * @param seed weights' initialisation and every step's data
 * @param syntheticRatio share of each batch taken from generated pairs, in [0, 1)
 * @param evalEvery steps between validation passes (the best validation mIoU is kept); also at the
 *     last step
 * @param stride sliding-window stride at evaluation
 * @param classWeights cross-entropy weight per class, or null for equal weights
 */
public record SegmentationRecipe(
    int size,
    double scale,
    int steps,
    int batch,
    float learningRate,
    long seed,
    double syntheticRatio,
    int evalEvery,
    int stride,
    float[] classWeights) {

  public SegmentationRecipe {
    if (size < 8
        || !(scale > 0 && scale <= 1)
        || steps < 1
        || batch < 1
        || !(learningRate > 0)
        || !(syntheticRatio >= 0 && syntheticRatio < 1)
        || evalEvery < 1
        || stride < 1
        || stride > size) {
      throw new IllegalArgumentException(
          "invalid segmentation recipe: size "
              + size
              + ", scale "
              + scale
              + ", steps "
              + steps
              + ", batch "
              + batch
              + ", lr "
              + learningRate
              + ", synthetic ratio "
              + syntheticRatio
              + ", eval every "
              + evalEvery
              + ", stride "
              + stride);
    }
    if (classWeights != null) {
      classWeights = classWeights.clone();
      for (float w : classWeights) {
        if (!(w > 0)) {
          throw new IllegalArgumentException(
              "class weights must be positive: " + Arrays.toString(classWeights));
        }
      }
    }
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("size", size);
    m.put("scale", scale);
    m.put("steps", steps);
    m.put("batch", batch);
    m.put("lr", learningRate);
    m.put("seed", seed);
    m.put("synthetic_ratio", syntheticRatio);
    m.put("eval_every", evalEvery);
    m.put("stride", stride);
    m.put("class_weights", classWeights == null ? null : Arrays.toString(classWeights));
    return m;
  }
}
