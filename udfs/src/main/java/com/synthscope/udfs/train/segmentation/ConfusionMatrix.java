package com.synthscope.udfs.train.segmentation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pixel counts of (true class, predicted class) and the segmentation figures derived from them.
 *
 * <p>IoU of class k = TP / (TP + FP + FN), accumulated over all evaluated pixels (not averaged per
 * image), so that a rare class is scored on all of its pixels together. A class absent from both
 * truth and prediction has no IoU (NaN) and is left out of the mean: mIoU is the mean over the
 * classes that occur.
 */
public final class ConfusionMatrix {

  private final int classes;

  /** counts[truth * classes + predicted] */
  private final long[] counts;

  public ConfusionMatrix(int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be positive, got " + classes);
    }
    this.classes = classes;
    this.counts = new long[classes * classes];
  }

  public int classes() {
    return classes;
  }

  /** Adds pixels: {@code truth[i]} and {@code predicted[i]} are class indices of the same pixel. */
  public void add(byte[] truth, byte[] predicted) {
    if (truth.length != predicted.length) {
      throw new IllegalArgumentException(
          "truth has " + truth.length + " pixels, prediction " + predicted.length);
    }
    for (int i = 0; i < truth.length; i++) {
      int t = truth[i];
      int p = predicted[i];
      if (t < 0 || t >= classes || p < 0 || p >= classes) {
        throw new IllegalArgumentException(
            "class out of range at pixel " + i + ": truth " + t + ", predicted " + p);
      }
      counts[t * classes + p]++;
    }
  }

  /** Adds another matrix's counts. */
  public void add(ConfusionMatrix other) {
    if (other.classes != classes) {
      throw new IllegalArgumentException(other.classes + " classes, expected " + classes);
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] += other.counts[i];
    }
  }

  public long count(int truth, int predicted) {
    return counts[truth * classes + predicted];
  }

  public long total() {
    long s = 0;
    for (long c : counts) {
      s += c;
    }
    return s;
  }

  /**
   * Intersection over union of class k, NaN when the class occurs in neither truth nor prediction.
   */
  public double iou(int k) {
    long union = truthCount(k) + predictedCount(k) - count(k, k);
    return union == 0 ? Double.NaN : (double) count(k, k) / union;
  }

  /**
   * Share of the pixels predicted as class k that truly are k, NaN when none is predicted k. With
   * {@link #recall} it says whether a low IoU is spurious regions or missed ones.
   */
  public double precision(int k) {
    long predicted = predictedCount(k);
    return predicted == 0 ? Double.NaN : (double) count(k, k) / predicted;
  }

  /** Share of the pixels of true class k that are predicted k, NaN when the class is absent. */
  public double recall(int k) {
    long truth = truthCount(k);
    return truth == 0 ? Double.NaN : (double) count(k, k) / truth;
  }

  /** Pixels whose true class is k. */
  private long truthCount(int k) {
    long n = 0;
    for (int j = 0; j < classes; j++) {
      n += count(k, j);
    }
    return n;
  }

  /** Pixels predicted as class k. */
  private long predictedCount(int k) {
    long n = 0;
    for (int j = 0; j < classes; j++) {
      n += count(j, k);
    }
    return n;
  }

  /** Mean IoU over the classes that occur in truth or prediction; NaN for an empty matrix. */
  public double meanIou() {
    double s = 0;
    int n = 0;
    for (int k = 0; k < classes; k++) {
      double v = iou(k);
      if (!Double.isNaN(v)) {
        s += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /** Share of pixels whose predicted class is the true one; NaN for an empty matrix. */
  public double pixelAccuracy() {
    long correct = 0;
    for (int k = 0; k < classes; k++) {
      correct += count(k, k);
    }
    long total = total();
    return total == 0 ? Double.NaN : (double) correct / total;
  }

  /**
   * {@code iou}, {@code precision} and {@code recall} by class name, {@code miou}, {@code
   * pixel_accuracy}, rounded to 4 decimals (NaN stays NaN).
   */
  public Map<String, Object> toMap(List<String> names) {
    Map<String, Object> iou = new LinkedHashMap<>();
    Map<String, Object> precision = new LinkedHashMap<>();
    Map<String, Object> recall = new LinkedHashMap<>();
    for (int k = 0; k < classes; k++) {
      String name = k < names.size() ? names.get(k) : "class" + k;
      iou.put(name, round(iou(k)));
      precision.put(name, round(precision(k)));
      recall.put(name, round(recall(k)));
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("iou", iou);
    m.put("precision", precision);
    m.put("recall", recall);
    m.put("miou", round(meanIou()));
    m.put("pixel_accuracy", round(pixelAccuracy()));
    m.put("pixels", total());
    return m;
  }

  private static double round(double v) {
    return Double.isNaN(v) ? v : Math.round(v * 10000) / 10000.0;
  }
}
