package com.synthscope.udfs.diffusion;

/** Noise predictors with known answers, for the sampler tests. */
final class Oracles {
  private Oracles() {}

  /**
   * Knows x0: eps = (x_t - sqrt(abar_t) x0) / sqrt(1 - abar_t), so that x0_hat = x0 at every step.
   */
  static NoisePredictor oracle(NoiseSchedule s, float[] x0) {
    return (x, n, t) -> {
      int size = x.length / n;
      float[] e = new float[x.length];
      for (int i = 0; i < n; i++) {
        double a = s.alphaBar(t[i]);
        for (int j = i * size; j < (i + 1) * size; j++) {
          e[j] = (float) ((x[j] - Math.sqrt(a) * x0[j]) / Math.sqrt(1 - a));
        }
      }
      return e;
    };
  }

  /** eps = c * x. */
  static NoisePredictor linear(double c) {
    return (x, n, t) -> {
      float[] e = new float[x.length];
      for (int j = 0; j < x.length; j++) {
        e[j] = (float) (c * x[j]);
      }
      return e;
    };
  }

  /** eps = a fixed vector, independent of x and t (sample identity = position in the batch). */
  static NoisePredictor constant(float[] eps) {
    return (x, n, t) -> eps.clone();
  }
}
