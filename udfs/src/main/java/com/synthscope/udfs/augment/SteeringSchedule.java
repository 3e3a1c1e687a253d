package com.synthscope.udfs.augment;

import java.util.Arrays;
import java.util.Locale;

/**
 * How fraction steering's strength is spread over the denoising steps and mask classes: step t
 * moves mask class c's channel by {@code s * weight(abar_t, c)}, where {@code abar_t} is the share
 * of signal in x_t (0 at the first step, 1 at the last).
 *
 * <p>Why a choice: binding the mask from the first steps makes the image form around the requested
 * layout, so a segmenter finds the mask in the image (image-mask agreement), but it also hardens
 * the network's blurred early mask into crop-sized blobs that the image follows, which a classifier
 * tells from real crops (realism). Binding late keeps the network's own layout and realism, while
 * the image no longer follows the moved mask. Measured on the embedded model with {@code eval
 * pfdiffseg} (docs/pfdiffseg.md, "Steering schedules"): agreement 0.904 x and two-sample accuracy
 * 0.848 constant, 0.824 x and 0.754 sqrt-abar, 0.768 x and 0.72 abar. {@link #MINORITY_FIRST}, the
 * default, binds only the rare classes early and keeps both targets.
 */
public enum SteeringSchedule {
  /** The full strength at every step: version 3's behaviour before session 12. */
  CONSTANT("constant") {
    @Override
    public double weight(double abar, int maskClass) {
      return 1;
    }
  },
  /** {@code sqrt(abar_t)}: the signal's amplitude in x_t. */
  SQRT_ABAR("sqrt-abar") {
    @Override
    public double weight(double abar, int maskClass) {
      return Math.sqrt(abar);
    }
  },
  /** {@code abar_t}: the signal's share of the variance of x_t. */
  ABAR("abar") {
    @Override
    public double weight(double abar, int maskClass) {
      return abar;
    }
  },
  /**
   * The minority classes (MA, precipitate, defect: mask classes {@value #FIRST_MINORITY_CLASS} and
   * up) at the full strength at every step, matrix and austenite at {@code sqrt(abar_t)}: the rare
   * phases are laid out early, so the image forms around them, while the majority layout stays the
   * network's own. Measured (docs/pfdiffseg.md): two-sample accuracy 0.754 and agreement 0.909 x on
   * the mean of three seeds; its pairs lift segmentation over real only about as much as constant's
   * (docs/segmentation.md, session 12), so it is the default.
   */
  MINORITY_FIRST("minority-first") {
    @Override
    public double weight(double abar, int maskClass) {
      return maskClass >= FIRST_MINORITY_CLASS ? 1 : Math.sqrt(abar);
    }
  };

  /**
   * The first of the minority mask classes: PF-DiffSeg's mask channels are MetalDAM's classes in
   * order (matrix, austenite, MA, precipitate, defect), and issue 16 names classes 2-4 the
   * minority.
   */
  public static final int FIRST_MINORITY_CLASS = 2;

  /**
   * The schedule generation uses when none is named (augment, eval, demo): the only one that meets
   * both issue 16's realism and agreement targets.
   */
  public static final SteeringSchedule DEFAULT = MINORITY_FIRST;

  private final String label;

  SteeringSchedule(String label) {
    this.label = label;
  }

  /**
   * The factor in [0, 1] applied to the steering strength of one mask class's channel at a step
   * with this {@code abar}.
   */
  public abstract double weight(double abar, int maskClass);

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
