package com.synthscope.job.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Score histograms, ROC curves and average precision from counts per distinct score, so a cluster
 * aggregates and the driver only sees one row per distinct (rounded) score.
 */
final class AuditCurves {

  /** Histogram bins over [0, 1]. */
  static final int BINS = 20;

  /**
   * Scores are rounded to this many decimals before the ROC is computed (ties within it share a
   * threshold).
   */
  static final int ROC_DECIMALS = 4;

  private AuditCurves() {}

  /** The histogram bin of a probability: [k/20, (k+1)/20), the last bin closed. */
  static int bin(double p) {
    return Math.max(0, Math.min(BINS - 1, (int) Math.floor(p * BINS)));
  }

  /**
   * A ROC curve and its summaries.
   *
   * @param points (false-positive rate, true-positive rate) from (0, 0) to (1, 1), one per distinct
   *     threshold
   * @param auc area under the ROC (trapezoids; 0.5 = chance)
   * @param averagePrecision sum over thresholds of (recall step) x precision, as scikit-learn's
   *     average_precision_score
   */
  record Roc(
      List<double[]> points, double auc, double averagePrecision, long positives, long negatives) {}

  /** Counts of positives and negatives at one score. */
  static final class Counts {
    long positives;
    long negatives;
  }

  /** Accumulates (score, label, count) rows. */
  static final class Builder {
    private final NavigableMap<Double, Counts> byScore = new TreeMap<>();

    Builder add(double score, int label, long count) {
      Counts c = byScore.computeIfAbsent(score, s -> new Counts());
      if (label == 1) {
        c.positives += count;
      } else {
        c.negatives += count;
      }
      return this;
    }

    /** The ROC, or null unless both classes are present. */
    Roc roc() {
      long pos = 0;
      long neg = 0;
      for (Counts c : byScore.values()) {
        pos += c.positives;
        neg += c.negatives;
      }
      if (pos == 0 || neg == 0) {
        return null;
      }
      List<double[]> points = new ArrayList<>();
      points.add(new double[] {0, 0});
      long tp = 0;
      long fp = 0;
      double auc = 0;
      double ap = 0;
      double prevFpr = 0;
      double prevTpr = 0;
      // thresholds from the highest score down: everything at or above a score is called generated
      for (Counts c : byScore.descendingMap().values()) {
        tp += c.positives;
        fp += c.negatives;
        double tpr = (double) tp / pos;
        double fpr = (double) fp / neg;
        auc += (fpr - prevFpr) * (tpr + prevTpr) / 2;
        ap += (tpr - prevTpr) * ((double) tp / (tp + fp));
        points.add(new double[] {fpr, tpr});
        prevFpr = fpr;
        prevTpr = tpr;
      }
      return new Roc(points, auc, ap, pos, neg);
    }
  }
}
