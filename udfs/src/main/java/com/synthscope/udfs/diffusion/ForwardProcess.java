package com.synthscope.udfs.diffusion;

/**
 * The forward (noising) process {@code q(x_t | x_0)} and its inversion for a known noise;
 * arithmetic in double.
 */
public final class ForwardProcess {
  private ForwardProcess() {}

  /** {@code x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps}, with one timestep per sample. */
  public static float[] qSample(NoiseSchedule s, float[] x0, float[] eps, int n, int[] t) {
    int size = Batches.sampleSize(x0, n, "x0");
    Batches.sameLength(x0, eps, "x0", "eps");
    Batches.timesteps(s, t, n);
    float[] out = new float[x0.length];
    for (int i = 0; i < n; i++) {
      double a = s.alphaBar(t[i]);
      double cx = Math.sqrt(a);
      double ce = Math.sqrt(1.0 - a);
      for (int j = i * size, end = j + size; j < end; j++) {
        out[j] = (float) (cx * x0[j] + ce * eps[j]);
      }
    }
    return out;
  }

  /** {@code x0_hat = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)}, with one timestep per sample. */
  public static float[] predictX0(NoiseSchedule s, float[] xt, float[] eps, int n, int[] t) {
    int size = Batches.sampleSize(xt, n, "x_t");
    Batches.sameLength(xt, eps, "x_t", "eps");
    Batches.timesteps(s, t, n);
    float[] out = new float[xt.length];
    for (int i = 0; i < n; i++) {
      double a = s.alphaBar(t[i]);
      double sa = Math.sqrt(a);
      double se = Math.sqrt(1.0 - a);
      for (int j = i * size, end = j + size; j < end; j++) {
        out[j] = (float) ((xt[j] - se * eps[j]) / sa);
      }
    }
    return out;
  }
}
