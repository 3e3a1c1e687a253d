package com.synthscope.udfs.detect;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether an image lies outside what a detector learned (METHODS.md section 4): the distance of its
 * encoder features from the features of the images the detector was calibrated on, {@code d =
 * sqrt(mean_i ((f_i - mu_i) / sigma_i)^2)} (a diagonal Mahalanobis distance per feature), against a
 * limit: {@value #LIMIT_FACTOR} times the {@value #QUANTILE} quantile of the calibration images'
 * own distances. Stored in the artifact under {@code preprocessing.domain}.
 */
public record DomainCheck(float[] mean, float[] std, double limit) implements Serializable {

  public static final String KEY = "domain";
  public static final double QUANTILE = 0.99;
  public static final double LIMIT_FACTOR = 1.5;

  public DomainCheck {
    if (mean.length != std.length || mean.length == 0) {
      throw new IllegalArgumentException("domain mean and std must have the same, non-zero length");
    }
  }

  /** Fits mean, std and limit on the features of the calibration images (real and generated). */
  public static DomainCheck fit(List<float[]> features) {
    int d = features.get(0).length;
    double[] s = new double[d];
    double[] s2 = new double[d];
    for (float[] f : features) {
      for (int i = 0; i < d; i++) {
        s[i] += f[i];
        s2[i] += (double) f[i] * f[i];
      }
    }
    float[] mean = new float[d];
    float[] std = new float[d];
    int n = features.size();
    for (int i = 0; i < d; i++) {
      double m = s[i] / n;
      mean[i] = (float) m;
      std[i] = (float) Math.max(1e-6, Math.sqrt(Math.max(0, s2[i] / n - m * m)));
    }
    DomainCheck unbounded = new DomainCheck(mean, std, Double.POSITIVE_INFINITY);
    double[] dist = features.stream().mapToDouble(unbounded::distance).sorted().toArray();
    double q = dist[Math.min(dist.length - 1, (int) Math.floor(QUANTILE * dist.length))];
    return new DomainCheck(mean, std, LIMIT_FACTOR * q);
  }

  public double distance(float[] f) {
    double sum = 0;
    for (int i = 0; i < mean.length; i++) {
      double z = (f[i] - mean[i]) / std[i];
      sum += z * z;
    }
    return Math.sqrt(sum / mean.length);
  }

  public boolean outside(double distance) {
    return distance > limit;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(
        "rule",
        "sqrt(mean(((f - mean) / std)^2)) > limit = "
            + LIMIT_FACTOR
            + " x the "
            + QUANTILE
            + " quantile of the calibration images' distances");
    m.put("limit", limit);
    m.put("mean", toList(mean));
    m.put("std", toList(std));
    return m;
  }

  public static DomainCheck fromMap(Map<?, ?> m) {
    return new DomainCheck(
        fromList(m.get("mean")), fromList(m.get("std")), ((Number) m.get("limit")).doubleValue());
  }

  private static List<Double> toList(float[] v) {
    Double[] d = new Double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = (double) v[i];
    }
    return Arrays.asList(d);
  }

  private static float[] fromList(Object o) {
    List<?> l = (List<?>) o;
    float[] v = new float[l.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = ((Number) l.get(i)).floatValue();
    }
    return v;
  }
}
