package com.synthscope.udfs.diffusion;

import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * DDPM ancestral sampling (Ho et al. 2020) over all T steps, epsilon prediction.
 *
 * <p>From {@code x_{T-1} = SampleNoise.gaussian(seeds, sampleSize, 0)}, for t = T-1 down to 0:
 *
 * <pre>
 *   eps    = eps_theta(x_t, t)
 *   x0_hat = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)          (clipped to [-1, 1] if clipX0)
 *   mean   = sqrt(abar_{t-1}) beta_t / (1 - abar_t) * x0_hat + sqrt(alpha_t) (1 - abar_{t-1}) / (1 - abar_t) * x_t
 *   x_{t-1} = mean + sqrt(beta_tilde_t) z,   z = SampleNoise.gaussian(seeds, sampleSize, t)
 * </pre>
 *
 * with {@code abar_{-1} = 1}. Variance choice: the posterior variance {@code beta_tilde_t = beta_t
 * (1 - abar_{t-1}) / (1 - abar_t)} (the "fixedsmall" option of the DDPM code), not {@code beta_t}.
 * At t = 0 no noise is added and the result is {@code x0_hat} itself (the formula's limit). The
 * state is kept in double between steps; the predictor sees and the caller gets floats.
 */
public final class DdpmSampler {
  private final NoiseSchedule schedule;

  public DdpmSampler(NoiseSchedule s) {
    this.schedule = Objects.requireNonNull(s, "schedule");
  }

  public NoiseSchedule schedule() {
    return schedule;
  }

  public float[] sample(NoisePredictor eps, long[] seeds, int sampleSize, boolean clipX0) {
    return sample(eps, seeds, sampleSize, clipX0, null);
  }

  /**
   * @param progress if not null, called after each step with the number of steps done (1 .. T)
   * @return the flat batch of {@code seeds.length} samples
   */
  public float[] sample(
      NoisePredictor eps, long[] seeds, int sampleSize, boolean clipX0, IntConsumer progress) {
    Objects.requireNonNull(eps, "noise predictor");
    if (seeds == null || seeds.length == 0) {
      throw new IllegalArgumentException("need at least one seed");
    }
    if (sampleSize < 1) {
      throw new IllegalArgumentException("sampleSize must be >= 1, got " + sampleSize);
    }
    int n = seeds.length;
    int steps = schedule.steps();
    double[] x = Batches.toDouble(SampleNoise.gaussian(seeds, sampleSize, 0));
    for (int t = steps - 1; t >= 0; t--) {
      float[] e = Batches.predict(eps, x, n, t);
      double abar = schedule.alphaBar(t);
      double sa = Math.sqrt(abar);
      double se = Math.sqrt(1.0 - abar);
      double[] x0 = new double[x.length];
      for (int j = 0; j < x.length; j++) {
        x0[j] = (x[j] - se * e[j]) / sa;
      }
      if (clipX0) {
        Batches.clip(x0);
      }
      if (t == 0) {
        x = x0;
      } else {
        double abarPrev = schedule.alphaBar(t - 1);
        double beta = schedule.beta(t);
        double c0 = Math.sqrt(abarPrev) * beta / (1.0 - abar);
        double ct = Math.sqrt(1.0 - beta) * (1.0 - abarPrev) / (1.0 - abar);
        double sigma = Math.sqrt(beta * (1.0 - abarPrev) / (1.0 - abar));
        float[] z = SampleNoise.gaussian(seeds, sampleSize, t);
        for (int j = 0; j < x.length; j++) {
          x[j] = c0 * x0[j] + ct * x[j] + sigma * z[j];
        }
      }
      if (progress != null) {
        progress.accept(steps - t);
      }
    }
    return Batches.toFloat(x);
  }
}
