package com.synthscope.udfs.detect.dnf;

import java.util.Locale;

/** What is done to the predicted noise before it becomes the feature (METHODS.md, DNF step 3). */
public enum DnfPostprocess {

  /**
   * As the released code stores the feature (an 8-bit PNG written the way {@code
   * torchvision.utils.save_image} writes it): {@code v = clip(eps, 0, 1)}, {@code k = floor(255 v +
   * 0.5)} (float32 arithmetic, so 0.5 maps to 128), feature {@code k / 255}. Negative noise values
   * are lost, as in the paper's pipeline. Infinities clip to 0 or 1; a NaN is refused.
   */
  CLIP01_UINT8,

  /** The float eps, unchanged. */
  RAW;

  /** {@code "clip01-uint8"} (or {@code clip01_uint8}) or {@code "raw"}, case-insensitive. */
  public static DnfPostprocess parse(String text) {
    if (text != null) {
      switch (text.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
        case "clip01-uint8":
          return CLIP01_UINT8;
        case "raw":
          return RAW;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(
        "unknown DNF post-processing \"" + text + "\"; expected \"clip01-uint8\" or \"raw\"");
  }

  /** Applies the post-processing in place and returns the same array. */
  public float[] applyInPlace(float[] eps) {
    if (this == RAW) {
      return eps;
    }
    for (int i = 0; i < eps.length; i++) {
      eps[i] = quantise(eps[i], i);
    }
    return eps;
  }

  private static float quantise(float v, int index) {
    if (Float.isNaN(v)) {
      throw new IllegalArgumentException("the noise predictor returned NaN at index " + index);
    }
    float c = Math.max(0f, Math.min(1f, v));
    return (float) Math.floor(c * 255f + 0.5f) / 255f;
  }

  /** The canonical name, which {@link #parse} reads back. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
