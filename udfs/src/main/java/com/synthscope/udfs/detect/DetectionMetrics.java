package com.synthscope.udfs.detect;

import java.util.Arrays;
import java.util.Comparator;

/**
 * The detection papers' metrics for one test subset: accuracy at p = 0.5, average precision, area
 * under the ROC curve, accuracy on real and on generated images.
 *
 * <p>AP as scikit-learn's {@code average_precision_score}: {@code sum_n (R_n - R_{n-1}) P_n} over
 * the distinct score thresholds, highest first (tied scores enter together). Accuracies count
 * {@code p >= threshold} as "generated". AUROC as scikit-learn's {@code roc_auc_score}: the
 * probability that a generated image scores above a real one, ties counting one half (the
 * Mann-Whitney statistic). A subset without positives has AP NaN, one without either class AUROC
 * NaN; an empty class has accuracy NaN.
 */
public record DetectionMetrics(
    int real,
    int fake,
    double accuracy,
    double averagePrecision,
    double auroc,
    double realAccuracy,
    double fakeAccuracy) {

  /** At the papers' threshold 0.5. */
  public static DetectionMetrics of(double[] scores, int[] labels) {
    return of(scores, labels, 0.5);
  }

  public static DetectionMetrics of(double[] scores, int[] labels, double threshold) {
    if (scores.length != labels.length || scores.length == 0) {
      throw new IllegalArgumentException(
          "need as many labels as scores, at least one; got "
              + scores.length
              + " and "
              + labels.length);
    }
    int real = 0;
    int fake = 0;
    int realRight = 0;
    int fakeRight = 0;
    for (int i = 0; i < scores.length; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is NaN");
      }
      boolean flagged = scores[i] >= threshold;
      if (labels[i] == 1) {
        fake++;
        fakeRight += flagged ? 1 : 0;
      } else if (labels[i] == 0) {
        real++;
        realRight += flagged ? 0 : 1;
      } else {
        throw new IllegalArgumentException(
            "labels must be 0 (real) or 1 (generated), got " + labels[i]);
      }
    }
    return new DetectionMetrics(
        real,
        fake,
        (realRight + fakeRight) / (double) scores.length,
        averagePrecision(scores, labels),
        auroc(scores, labels),
        real == 0 ? Double.NaN : realRight / (double) real,
        fake == 0 ? Double.NaN : fakeRight / (double) fake);
  }

  /**
   * Area under the ROC curve of the positives (label 1) against the negatives: mid-ranks over the
   * sorted scores (tied scores share their mean rank), {@code (R+ - n+ (n+ + 1) / 2) / (n+ n-)}.
   */
  public static double auroc(double[] scores, int[] labels) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]));
    long positives = Arrays.stream(labels).filter(l -> l == 1).count();
    long negatives = scores.length - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    double rankSum = 0;
    for (int k = 0; k < order.length; ) {
      int end = k;
      while (end < order.length && scores[order[end]] == scores[order[k]]) {
        end++;
      }
      double midRank = (k + 1 + end) / 2.0; // ranks k+1..end share their mean
      for (int i = k; i < end; i++) {
        rankSum += labels[order[i]] == 1 ? midRank : 0;
      }
      k = end;
    }
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** Average precision of the positives (label 1). */
  public static double averagePrecision(double[] scores, int[] labels) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> scores[i]).reversed());
    long positives = Arrays.stream(labels).filter(l -> l == 1).count();
    if (positives == 0) {
      return Double.NaN;
    }
    double ap = 0;
    double lastRecall = 0;
    int truePositives = 0;
    int seen = 0;
    for (int k = 0; k < order.length; ) {
      double s = scores[order[k]];
      while (k < order.length
          && scores[order[k]] == s) { // a threshold admits all tied scores at once
        truePositives += labels[order[k]] == 1 ? 1 : 0;
        seen++;
        k++;
      }
      double recall = truePositives / (double) positives;
      ap += (recall - lastRecall) * (truePositives / (double) seen);
      lastRecall = recall;
    }
    return ap;
  }
}
