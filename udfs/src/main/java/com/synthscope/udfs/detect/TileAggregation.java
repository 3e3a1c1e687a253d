package com.synthscope.udfs.detect;

import java.util.Arrays;
import java.util.Locale;

/**
 * How the logits of an image's tiles become the image's logit (METHODS.md section 4). Measured on
 * validation data (docs/detectors.md, "Whole-image scoring"); {@link #MEAN_LOGIT} is the default.
 */
public enum TileAggregation {
  /** The mean of the tile logits: every tile has a say, one odd tile does not decide. */
  MEAN_LOGIT,
  /** The highest tile logit: any one tile that looks generated flags the image. */
  MAX,
  /** The mean of the highest quarter of the tile logits (at least one). */
  TOP_QUARTER_MEAN;

  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static TileAggregation parse(String s) {
    for (TileAggregation a : values()) {
      if (a.label().equals(String.valueOf(s).strip().toLowerCase(Locale.ROOT))) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "tile aggregation must be mean-logit, max or top-quarter-mean, got " + s);
  }

  /** The image logit of its tiles' logits (at least one). */
  public double aggregate(double[] logits) {
    if (logits.length == 0) {
      throw new IllegalArgumentException("no tile logits to aggregate");
    }
    return switch (this) {
      case MEAN_LOGIT -> Arrays.stream(logits).average().orElseThrow();
      case MAX -> Arrays.stream(logits).max().orElseThrow();
      case TOP_QUARTER_MEAN -> {
        double[] s = logits.clone();
        Arrays.sort(s);
        int k = Math.max(1, s.length / 4);
        double sum = 0;
        for (int i = s.length - k; i < s.length; i++) {
          sum += s[i];
        }
        yield sum / k;
      }
    };
  }

  public static double sigmoid(double logit) {
    return 1 / (1 + Math.exp(-logit));
  }
}
