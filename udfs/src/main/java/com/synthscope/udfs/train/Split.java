package com.synthscope.udfs.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The fixed split of the 42 MetalDAM micrographs (by micrograph number) that DATA.md defines, so
 * that results stay comparable: test 3, 9, 14, 20, 26, 31, 37, 41; validation 1, 6, 11, 17, 23, 29,
 * 34, 39; train the other 26.
 */
public enum Split {
  TRAIN,
  VALIDATION,
  TEST;

  /** Number of labelled micrographs (0..41). */
  public static final int MICROGRAPHS = 42;

  private static final int[] TEST_NUMBERS = {3, 9, 14, 20, 26, 31, 37, 41};
  private static final int[] VALIDATION_NUMBERS = {1, 6, 11, 17, 23, 29, 34, 39};

  /** Case-insensitive: "train", "validation" (or "val"), "test". */
  public static Split parse(String s) {
    if (s != null) {
      switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "train":
          return TRAIN;
        case "validation":
        case "val":
          return VALIDATION;
        case "test":
          return TEST;
        default:
          break;
      }
    }
    throw new IllegalArgumentException(
        "unknown split '" + s + "'; expected train, validation or test");
  }

  /**
   * Whether micrograph {@code micrographNumber} belongs to this split; false for numbers outside
   * 0..41.
   */
  public boolean contains(int micrographNumber) {
    if (micrographNumber < 0 || micrographNumber >= MICROGRAPHS) {
      return false;
    }
    boolean test = Arrays.stream(TEST_NUMBERS).anyMatch(n -> n == micrographNumber);
    boolean validation = Arrays.stream(VALIDATION_NUMBERS).anyMatch(n -> n == micrographNumber);
    return switch (this) {
      case TEST -> test;
      case VALIDATION -> validation;
      case TRAIN -> !test && !validation;
    };
  }

  /** The micrograph numbers of this split, ascending. */
  public int[] numbers() {
    return IntStream.range(0, MICROGRAPHS).filter(this::contains).toArray();
  }
}
