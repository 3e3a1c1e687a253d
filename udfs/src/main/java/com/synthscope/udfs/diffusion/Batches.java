package com.synthscope.udfs.diffusion;

/** Shape checks and float/double conversions shared by the samplers. */
final class Batches {
  private Batches() {}

  /** Checks a flat batch of {@code n} equal-size samples and returns the sample size. */
  static int sampleSize(float[] data, int n, String what) {
    if (data == null) {
      throw new IllegalArgumentException(what + " is null");
    }
    if (n < 1) {
      throw new IllegalArgumentException("batch size n must be >= 1, got " + n);
    }
    if (data.length % n != 0) {
      throw new IllegalArgumentException(
          what + " has " + data.length + " values, not a multiple of n = " + n);
    }
    return data.length / n;
  }

  static void sameLength(float[] a, float[] b, String whatA, String whatB) {
    if (b == null) {
      throw new IllegalArgumentException(whatB + " is null");
    }
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          whatA + " has " + a.length + " values but " + whatB + " has " + b.length);
    }
  }

  static void timesteps(NoiseSchedule s, int[] t, int n) {
    if (t == null || t.length != n) {
      throw new IllegalArgumentException(
          "need one timestep per sample: n = " + n + ", got " + (t == null ? "null" : t.length));
    }
    for (int v : t) {
      if (v < 0 || v >= s.steps()) {
        throw new IllegalArgumentException(
            "timestep " + v + " outside [0, " + (s.steps() - 1) + "]");
      }
    }
  }

  static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /**
   * Calls the predictor on a copy of the state (so it cannot alter it) and checks the answer's
   * length.
   */
  static float[] predict(NoisePredictor eps, double[] x, int n, int t) {
    int[] ts = new int[n];
    java.util.Arrays.fill(ts, t);
    float[] out = eps.predictNoise(toFloat(x), n, ts);
    if (out == null || out.length != x.length) {
      throw new IllegalStateException(
          "noise predictor returned "
              + (out == null ? "null" : out.length + " values")
              + " for an input of "
              + x.length);
    }
    return out;
  }

  static void clip(double[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.max(-1.0, Math.min(1.0, x[i]));
    }
  }
}
