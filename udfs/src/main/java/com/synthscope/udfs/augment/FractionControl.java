package com.synthscope.udfs.augment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well generated masks follow the requested phase fractions, over a set of samples.
 *
 * @param samples how many pairs
 * @param meanL1 mean L1 distance between requested and achieved vectors
 * @param perClassError mean absolute error per class
 * @param passRate share of samples with L1 at most the tolerance
 * @param meanRequested mean requested vector
 * @param meanAchieved mean achieved vector
 * @param requestedCount per class, the samples whose request holds at least {@link
 *     #PRESENCE_REQUEST} of it
 * @param presentShare per class, the share of those samples whose mask holds the class at all (NaN
 *     when none asked for it): whether a minority phase appears when requested, which a mean error
 *     hides
 */
public record FractionControl(
    int samples,
    double meanL1,
    double[] perClassError,
    double passRate,
    double[] meanRequested,
    double[] meanAchieved,
    int[] requestedCount,
    double[] presentShare) {

  /** A class counts as requested from this fraction on (1 % of the pixels: 10 of a 32 px mask). */
  public static final float PRESENCE_REQUEST = 0.01f;

  public static FractionControl of(
      List<float[]> requested, List<float[]> achieved, float tolerance) {
    int n = requested.size();
    if (n == 0 || achieved.size() != n) {
      throw new IllegalArgumentException(
          "need as many achieved as requested vectors, and at least one");
    }
    int k = requested.get(0).length;
    double l1 = 0;
    double pass = 0;
    double[] err = new double[k];
    double[] req = new double[k];
    double[] ach = new double[k];
    int[] asked = new int[k];
    int[] present = new int[k];
    for (int i = 0; i < n; i++) {
      float[] r = requested.get(i);
      float[] a = achieved.get(i);
      float d = PhaseFractions.l1(r, a);
      l1 += d / n;
      pass += d <= tolerance ? 1.0 / n : 0;
      for (int c = 0; c < k; c++) {
        err[c] += Math.abs(r[c] - a[c]) / n;
        req[c] += r[c] / (double) n;
        ach[c] += a[c] / (double) n;
        if (r[c] >= PRESENCE_REQUEST) {
          asked[c]++;
          present[c] += a[c] > 0 ? 1 : 0;
        }
      }
    }
    double[] share = new double[k];
    for (int c = 0; c < k; c++) {
      share[c] = asked[c] == 0 ? Double.NaN : present[c] / (double) asked[c];
    }
    return new FractionControl(n, l1, err, pass, req, ach, asked, share);
  }

  /** As a JSON-ready map with class names. */
  public Map<String, Object> toMap(List<String> classNames) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("samples", samples);
    m.put("mean_l1", round(meanL1));
    m.put("qc_pass_rate", round(passRate));
    m.put("per_class_abs_error", byClass(classNames, perClassError));
    m.put("mean_requested", byClass(classNames, meanRequested));
    m.put("mean_achieved", byClass(classNames, meanAchieved));
    Map<String, Object> presence = new LinkedHashMap<>();
    for (int c = 0; c < requestedCount.length; c++) {
      if (requestedCount[c] > 0) {
        presence.put(
            classNames.get(c),
            Map.of("requested", requestedCount[c], "present", round(presentShare[c])));
      }
    }
    m.put("present_when_requested", presence);
    return m;
  }

  private static Map<String, Double> byClass(List<String> names, double[] v) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int c = 0; c < v.length; c++) {
      m.put(names.get(c), round(v[c]));
    }
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
