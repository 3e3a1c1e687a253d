package com.synthscope.udfs.augment;

import java.util.Objects;

/**
 * Quality control of one generated pair (METHODS.md 3.7): the fraction vector achieved by the
 * generated mask, its L1 distance to the requested vector, and whether that control error is within
 * the tolerance.
 */
public record QualityCheck(float[] requested, float[] achieved, float l1, boolean pass) {

  /**
   * @param maxError tolerance on the L1 error; a sample passes when {@code l1 <= maxError}
   */
  public static QualityCheck of(float[] requested, byte[] mask, int classes, float maxError) {
    Objects.requireNonNull(requested, "requested");
    if (requested.length != classes) {
      throw new IllegalArgumentException(
          "requested has " + requested.length + " fractions, expected " + classes);
    }
    if (!(maxError >= 0)) {
      throw new IllegalArgumentException("maxError must be >= 0, got " + maxError);
    }
    float[] achieved = PhaseFractions.of(mask, classes);
    float l1 = PhaseFractions.l1(requested, achieved);
    return new QualityCheck(requested.clone(), achieved, l1, l1 <= maxError);
  }
}
