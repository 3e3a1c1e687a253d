package com.synthscope.udfs.detect;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A detector's operating point (METHODS.md section 4), fitted on held-out <b>real</b> images: the lowest
 * probability threshold at which at most {@code targetFpr} of them are flagged, with the true-positive rate it gave
 * on held-out generated images. Stored in the artifact under {@code preprocessing.calibration}.
 *
 * @param targetFpr the false-positive rate aimed at, e.g. 0.01
 * @param threshold flagged = p >= threshold
 * @param fpr the false-positive rate it gave on the real images it was fitted on
 * @param tpr the true-positive rate it gave on the generated images (NaN without any)
 * @param real real images it was fitted on
 * @param fake generated images the TPR was measured on
 * @param data where they came from (for people)
 */
public record Calibration(double targetFpr, double threshold, double fpr, double tpr, int real, int fake,
    String data) implements Serializable {

  public static final String KEY = "calibration";
  public static final double DEFAULT_TARGET_FPR = 0.01;

  /**
   * Fits the threshold: with {@code k = floor(target * n)} real images allowed above it, the threshold lies just
   * above the (k+1)-th highest real probability, so ties never push the rate over the target.
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
    double t = Math.min(1, Math.nextUp(r[r.length - 1 - k]));
    return new Calibration(targetFpr, t, rate(realP, t), fakeP.length == 0 ? Double.NaN : rate(fakeP, t),
        realP.length, fakeP.length, data);
  }

  /** Share of {@code p >= threshold}. */
  public static double rate(double[] p, double threshold) {
    long n = Arrays.stream(p).filter(v -> v >= threshold).count();
    return p.length == 0 ? Double.NaN : (double) n / p.length;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target_fpr", targetFpr);
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
    return new Calibration(num(m, "target_fpr"), num(m, "threshold"), num(m, "fpr"),
        tpr == null ? Double.NaN : ((Number) tpr).doubleValue(), (int) num(m, "real"), (int) num(m, "fake"),
        String.valueOf(m.get("data")));
  }

  /** e.g. {@code threshold 0.83 for 1 % FPR (0.9 % on 96 real; TPR 97.1 % on 288 generated)}. */
  public String describe() {
    return String.format(Locale.ROOT, "threshold %.4f for %.1f %% FPR (%.1f %% on %d real; TPR %s on %d generated)",
        threshold, 100 * targetFpr, 100 * fpr, real, Double.isNaN(tpr) ? "n/a"
            : String.format(Locale.ROOT, "%.1f %%", 100 * tpr), fake);
  }

  private static double num(Map<?, ?> m, String k) {
    Object v = m.get(k);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException("calibration." + k + " must be a number");
    }
    return n.doubleValue();
  }
}
