package com.synthscope.udfs.detect;

import java.util.List;
import java.util.Map;

/**
 * How the detectors' probabilities become the one {@code score} of the audit table: <b>the mean of
 * the available detector probabilities</b>. One detector gives its own probability; a detector that
 * gave nothing for an image (null, or NaN) is left out rather than counted as 0 or 0.5; no
 * probability at all gives null.
 *
 * <p>The mean is the rule because the two detectors are calibrated separately on the same task and
 * neither is known to dominate; it keeps the fused score a probability in [0, 1], so one threshold
 * reads the same whichever detectors ran.
 */
public final class ScoreFusion {

  /** The rule in words, as the report and the summary state it. */
  public static final String RULE = "mean of the available detector probabilities";

  private ScoreFusion() {}

  /**
   * @param probabilities one entry per selected detector; null or NaN where a detector has no
   *     probability
   * @return the fused probability, or null when none is available
   * @throws IllegalArgumentException for a probability outside [0, 1] (a detector broke its
   *     contract)
   */
  public static Double fuse(Double... probabilities) {
    double sum = 0;
    int n = 0;
    for (Double p : probabilities) {
      if (p == null || p.isNaN()) {
        continue;
      }
      if (p < 0 || p > 1) {
        throw new IllegalArgumentException("a detector probability must lie in [0, 1], got " + p);
      }
      sum += p;
      n++;
    }
    return n == 0 ? null : sum / n;
  }

  /**
   * The fused score of one image's detector scores: the logistic fusion when one is given (fitted
   * on these detectors and models), else the mean of the probabilities.
   */
  public static Double fuse(
      LogisticFusion fusion, List<String> detectors, List<ImageScore> scores) {
    if (fusion != null) {
      Map<String, Double> logits = new java.util.HashMap<>();
      for (int k = 0; k < detectors.size(); k++) {
        logits.put(detectors.get(k), scores.get(k).logit());
      }
      return fusion.fuse(logits);
    }
    Double[] p = new Double[scores.size()];
    for (int k = 0; k < p.length; k++) {
      p[k] = scores.get(k).probability();
    }
    return fuse(p);
  }

  /** {@code score >= threshold}; null when there is no score. */
  public static Boolean flagged(Double score, double threshold) {
    return score == null ? null : score >= threshold;
  }
}
