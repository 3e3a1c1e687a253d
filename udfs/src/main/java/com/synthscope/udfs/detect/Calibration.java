package com.synthscope.udfs.detect;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A detector's operating point (METHODS.md section 4), fitted on held-out images. Rule {@value
 * #FPR_RULE} (the micrographs' default): the lowest probability threshold at which at most {@code
 * targetFpr} of the held-out <b>real</b> images are flagged, with the true-positive rate it gave on
 * held-out generated images. Rule {@value #BALANCED_RULE} (the photos' default, for balanced
 * benchmarks): the threshold of highest balanced accuracy ({@code (1 - FPR + TPR) / 2}) on held-out
 * real and generated images. Stored in the artifact under {@code preprocessing.calibration}.
 *
 * @param targetFpr the false-positive rate aimed at, e.g. 0.01; NaN under {@value #BALANCED_RULE}
 * @param threshold flagged = p >= threshold
 * @param fpr the false-positive rate it gave on the real images it was fitted on
 * @param tpr the true-positive rate it gave on the generated images (NaN without any)
 * @param real real images it was fitted on
 * @param fake generated images the TPR was measured on
 * @param data where they came from (for people)
 * @param rule {@value #FPR_RULE} or {@value #BALANCED_RULE}
 */
public record Calibration(
    double targetFpr,
    double threshold,
    double fpr,
    double tpr,
    int real,
    int fake,
    String data,
    String rule)
    implements Serializable {

  public static final String KEY = "calibration";
  public static final double DEFAULT_TARGET_FPR = 0.01;
  public static final String FPR_RULE = "fpr";
  public static final String BALANCED_RULE = "balanced-accuracy";

  public Calibration {
    if (!FPR_RULE.equals(rule) && !BALANCED_RULE.equals(rule)) {
      throw new IllegalArgumentException(
          "calibration rule must be " + FPR_RULE + " or " + BALANCED_RULE + ", got " + rule);
    }
  }

  /** A target-FPR operating point. */
  public Calibration(
      double targetFpr, double threshold, double fpr, double tpr, int real, int fake, String data) {
    this(targetFpr, threshold, fpr, tpr, real, fake, data, FPR_RULE);
  }

  /**
   * Fits the operating point by a rule: {@code fpr:R} (or a plain number R) for the target-FPR
   * threshold, {@code balanced} for the threshold of highest balanced accuracy.
   */
  public static Calibration fit(String rule, double[] realP, double[] fakeP, String data) {
    String r = rule.strip();
    if (r.equals("balanced") || r.equals(BALANCED_RULE)) {
      return fitBalanced(realP, fakeP, data);
    }
    String number = r.startsWith(FPR_RULE + ":") ? r.substring(FPR_RULE.length() + 1) : r;
    try {
      return fit(Double.parseDouble(number), realP, fakeP, data);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "operating point rule must be fpr:R or balanced, got '" + rule + "'", e);
    }
  }

  /**
   * The threshold of highest balanced accuracy on held-out real and generated images: over every
   * candidate (the midpoints between consecutive distinct probabilities), the one maximising {@code
   * TPR - FPR}; ties go to the candidate nearest 0.5, so a flat optimum keeps the uncalibrated
   * threshold.
   */
  public static Calibration fitBalanced(double[] realP, double[] fakeP, String data) {
    if (realP.length == 0 || fakeP.length == 0) {
      throw new IllegalArgumentException(
          "a balanced-accuracy threshold needs held-out real and generated images");
    }
    double[] all = new double[realP.length + fakeP.length];
    System.arraycopy(realP, 0, all, 0, realP.length);
    System.arraycopy(fakeP, 0, all, realP.length, fakeP.length);
    Arrays.sort(all);
    double[] r = realP.clone();
    double[] f = fakeP.clone();
    Arrays.sort(r);
    Arrays.sort(f);
    double best = 0.5;
    double bestJ = rate(fakeP, 0.5) - rate(realP, 0.5);
    for (int i = 0; i + 1 < all.length; i++) {
      if (all[i] == all[i + 1]) {
        continue;
      }
      double t = (all[i] + all[i + 1]) / 2;
      // share at or above t from the sorted arrays: n - (index of the first value >= t)
      double j = above(f, t) - above(r, t);
      if (j > bestJ + 1e-12
          || (Math.abs(j - bestJ) <= 1e-12 && Math.abs(t - 0.5) < Math.abs(best - 0.5))) {
        bestJ = j;
        best = t;
      }
    }
    return new Calibration(
        Double.NaN,
        best,
        rate(realP, best),
        rate(fakeP, best),
        realP.length,
        fakeP.length,
        data,
        BALANCED_RULE);
  }

  private static double above(double[] sorted, double t) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] >= t) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return (double) (sorted.length - lo) / sorted.length;
  }

  /**
   * Fits the threshold: with {@code k = floor(target * n)} real images allowed above it, the
   * threshold lies above the (k+1)-th highest real probability, so ties never push the rate over
   * the target; it sits in the middle of the gap up to the next higher probability (real or
   * generated, 1 without one), not just above the real one. The held-out images get the same rates
   * either way, but a threshold one ulp above a real image flags that very image when it is
   * rescored elsewhere (another CPU, another batch size moves the last bits of a CNN's output).
   */
  public static Calibration fit(double targetFpr, double[] realP, double[] fakeP, String data) {
    if (!(targetFpr >= 0 && targetFpr < 1)) {
      throw new IllegalArgumentException("target FPR must lie in [0, 1), got " + targetFpr);
    }
    if (realP.length == 0) {
      throw new IllegalArgumentException("calibration needs held-out real images");
    }
    double[] r = realP.clone();
    Arrays.sort(r);
    int k = (int) Math.floor(targetFpr * r.length + 1e-9);
    double highestKept = r[r.length - 1 - k];
    double middle = middleOfGapAbove(highestKept, realP, fakeP);
    double t = Math.min(1, middle > highestKept ? middle : Math.nextUp(highestKept));
    return new Calibration(
        targetFpr,
        t,
        rate(realP, t),
        fakeP.length == 0 ? Double.NaN : rate(fakeP, t),
        realP.length,
        fakeP.length,
        data);
  }

  /**
   * The middle between {@code p} and the lowest probability above it in either set (1 without one).
   */
  private static double middleOfGapAbove(double p, double[] realP, double[] fakeP) {
    double next = 1;
    for (double[] set : new double[][] {realP, fakeP}) {
      for (double v : set) {
        if (v > p && v < next) {
          next = v;
        }
      }
    }
    return p + (next - p) / 2;
  }

  /** Share of {@code p >= threshold}. */
  public static double rate(double[] p, double threshold) {
    long n = Arrays.stream(p).filter(v -> v >= threshold).count();
    return p.length == 0 ? Double.NaN : (double) n / p.length;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    if (BALANCED_RULE.equals(rule)) {
      m.put("rule", rule);
    } else {
      m.put("target_fpr", targetFpr);
    }
    m.put("threshold", threshold);
    m.put("fpr", fpr);
    m.put("tpr", Double.isNaN(tpr) ? null : tpr);
    m.put("real", real);
    m.put("fake", fake);
    m.put("data", data);
    return m;
  }

  public static Calibration fromMap(Map<?, ?> m) {
    Object tpr = m.get("tpr");
    String rule = m.get("rule") == null ? FPR_RULE : String.valueOf(m.get("rule"));
    return new Calibration(
        rule.equals(FPR_RULE) ? num(m, "target_fpr") : Double.NaN,
        num(m, "threshold"),
        num(m, "fpr"),
        tpr == null ? Double.NaN : ((Number) tpr).doubleValue(),
        (int) num(m, "real"),
        (int) num(m, "fake"),
        String.valueOf(m.get("data")),
        rule);
  }

  /** e.g. {@code threshold 0.83 for 1 % FPR (0.9 % on 96 real; TPR 97.1 % on 288 generated)}. */
  public String describe() {
    if (BALANCED_RULE.equals(rule)) {
      return String.format(
          Locale.ROOT,
          "threshold %.4f for the highest balanced accuracy (FPR %.1f %% on %d real;"
              + " TPR %.1f %% on %d generated)",
          threshold,
          100 * fpr,
          real,
          100 * tpr,
          fake);
    }
    return String.format(
        Locale.ROOT,
        "threshold %.4f for %.1f %% FPR (%.1f %% on %d real; TPR %s on %d generated)",
        threshold,
        100 * targetFpr,
        100 * fpr,
        real,
        Double.isNaN(tpr) ? "n/a" : String.format(Locale.ROOT, "%.1f %%", 100 * tpr),
        fake);
  }

  private static double num(Map<?, ?> m, String k) {
    Object v = m.get(k);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("calibration." + k + " must be a number");
    }
    return n.doubleValue();
  }
}
