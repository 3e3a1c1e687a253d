package com.synthscope.udfs.augment;

import java.util.Arrays;
import java.util.Locale;

/**
 * How fraction steering's strength is spread over the denoising steps: step t moves the mask
 * estimate by {@code s * weight(abar_t)}, where {@code abar_t} is the share of signal in x_t (0 at
 * the first step, 1 at the last).
 *
 * <p>Why a choice: binding the mask from the first steps makes the image form around the requested
 * layout, so a segmenter finds the mask in the image (image-mask agreement), but it also hardens
 * the network's blurred early mask into crop-sized blobs that the image follows, which a classifier
 * tells from real crops (realism). Binding late keeps the network's own layout and realism, while
 * the image no longer follows the moved mask. Measured on the embedded model with {@code eval
 * pfdiffseg} (docs/pfdiffseg.md, "Steering schedules"): agreement 0.904 x and two-sample accuracy
 * 0.848 constant, 0.824 x and 0.754 sqrt-abar, 0.768 x and 0.72 abar.
 */
public enum SteeringSchedule {
  /** The full strength at every step. */
  CONSTANT("constant") {
    @Override
    public double weight(double abar) {
      return 1;
    }
  },
  /** {@code sqrt(abar_t)}: the signal's amplitude in x_t. */
  SQRT_ABAR("sqrt-abar") {
    @Override
    public double weight(double abar) {
      return Math.sqrt(abar);
    }
  },
  /** {@code abar_t}: the signal's share of the variance of x_t. */
  ABAR("abar") {
    @Override
    public double weight(double abar) {
      return abar;
    }
  };

  /** The schedule generation uses when none is named (augment, eval, demo). */
  public static final SteeringSchedule DEFAULT = CONSTANT;

  private final String label;

  SteeringSchedule(String label) {
    this.label = label;
  }

  /** The factor in [0, 1] applied to the steering strength at a step with this {@code abar}. */
  public abstract double weight(double abar);

  /** The name on the command line and in the sampler column. */
  public String label() {
    return label;
  }

  public static SteeringSchedule parse(String s) {
    String key = s.trim().toLowerCase(Locale.ROOT);
    for (SteeringSchedule v : values()) {
      if (v.label.equals(key)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown steering schedule '"
            + s
            + "'; expected one of "
            + Arrays.stream(values()).map(SteeringSchedule::label).toList());
  }
}
