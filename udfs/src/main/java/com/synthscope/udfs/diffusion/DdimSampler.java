package com.synthscope.udfs.diffusion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * DDIM (Song et al. 2021) over a subsequence {@code t_0 < t_1 < ... < t_{K-1}} of the schedule's
 * timesteps: deterministic (eta = 0, the default) or stochastic (eta > 0), and its deterministic
 * inversion.
 *
 * <p>Timesteps, "uniform" skip as in the DDIM paper's code: {@code t_i = i * floor(T / K)}, i = 0
 * .. K-1, so T = 1000, K = 50 gives 0, 20, ..., 980. When K divides T this is exactly the paper's
 * {@code range(0, T, T // K)}; otherwise that range can hold more than K entries (T = 1000, K = 21:
 * 22 entries), while here there are always exactly K (0, 47, ..., 940). Other conventions (e.g.
 * guided-diffusion's "ddimK" stride) can be passed as an explicit list with {@link
 * #DdimSampler(NoiseSchedule, int[])}.
 *
 * <p>Sampling, from the state at {@code t_{K-1}}, for i = K-1 down to 0, with {@code abar_prev =
 * abar(t_{i-1})} and {@code abar_prev = 1} for i = 0 (so the last step returns {@code x0_hat}):
 *
 * <pre>
 *   eps    = eps_theta(x, t_i)
 *   x0_hat = (x - sqrt(1 - abar(t_i)) eps) / sqrt(abar(t_i))
 *   sigma  = eta sqrt((1 - abar_prev) / (1 - abar(t_i))) sqrt(1 - abar(t_i) / abar_prev)
 *   x      = sqrt(abar_prev) x0_hat + sqrt(1 - abar_prev - sigma^2) eps + sigma z
 * </pre>
 *
 * with {@code z = SampleNoise.gaussian(seeds, sampleSize, t_i)} (stream {@code t_i}, as DDPM's step
 * at that timestep; {@code sigma = 0} at the last step). eta = 0 is the deterministic sampler (no
 * z); eta = 1 is DDPM's ancestral step over the skipped timesteps. Why a stochastic choice: fresh
 * noise at every step lets later steps correct the fine detail that a deterministic trajectory
 * fixes early and smooths; on PF-DiffSeg eta = 1 raised image-mask agreement from 0.888 to 0.919 x
 * on the mean of seven seeds (docs/pfdiffseg.md, session 16).
 *
 * <p>With {@code clipX0}, {@code x0_hat} is clipped to [-1, 1] and {@code eps} is recomputed from
 * the clipped value, {@code eps = (x - sqrt(abar(t_i)) x0_hat) / sqrt(1 - abar(t_i))} (as
 * guided-diffusion's {@code ddim_sample}).
 *
 * <p>The state is kept in double between steps; the predictor sees and the caller gets floats.
 */
public final class DdimSampler {
  private final NoiseSchedule schedule;
  private final int[] timesteps;
  private final double eta;

  /**
   * Deterministic, K = {@code steps} uniformly skipped timesteps, see the class comment; 1 <= K <=
   * T.
   */
  public DdimSampler(NoiseSchedule s, int steps) {
    this(s, steps, 0);
  }

  /** K uniformly skipped timesteps and the stochasticity {@code eta} in [0, 1]. */
  public DdimSampler(NoiseSchedule s, int steps, double eta) {
    this(s, uniform(Objects.requireNonNull(s, "schedule").steps(), steps), eta);
  }

  /** Deterministic, an explicit, strictly ascending list of timesteps in [0, T-1]. */
  public DdimSampler(NoiseSchedule s, int[] timesteps) {
    this(s, timesteps, 0);
  }

  /** An explicit, strictly ascending list of timesteps and the stochasticity {@code eta}. */
  public DdimSampler(NoiseSchedule s, int[] timesteps, double eta) {
    this.schedule = Objects.requireNonNull(s, "schedule");
    if (!(eta >= 0 && eta <= 1)) {
      throw new IllegalArgumentException("DDIM eta must lie in [0, 1], got " + eta);
    }
    this.eta = eta;
    if (timesteps == null || timesteps.length == 0) {
      throw new IllegalArgumentException("need at least one DDIM timestep");
    }
    for (int i = 0; i < timesteps.length; i++) {
      int t = timesteps[i];
      if (t < 0 || t >= s.steps()) {
        throw new IllegalArgumentException(
            "DDIM timestep " + t + " outside [0, " + (s.steps() - 1) + "]");
      }
      if (i > 0 && t <= timesteps[i - 1]) {
        throw new IllegalArgumentException(
            "DDIM timesteps must be strictly ascending: " + Arrays.toString(timesteps));
      }
    }
    this.timesteps = timesteps.clone();
  }

  private static int[] uniform(int total, int k) {
    if (k < 1 || k > total) {
      throw new IllegalArgumentException("DDIM steps must be in [1, " + total + "], got " + k);
    }
    int skip = total / k;
    int[] ts = new int[k];
    for (int i = 0; i < k; i++) {
      ts[i] = i * skip;
    }
    return ts;
  }

  public NoiseSchedule schedule() {
    return schedule;
  }

  /** The timesteps, ascending (a copy). */
  public int[] timesteps() {
    return timesteps.clone();
  }

  /** The stochasticity eta in [0, 1]; 0 for the deterministic sampler. */
  public double eta() {
    return eta;
  }

  /**
   * Deterministic sampling from the given {@code x_T} (the state at the last timestep) of {@code n}
   * samples; a stochastic sampler needs the samples' seeds ({@link #sample(NoisePredictor, long[],
   * int, boolean)}).
   */
  public float[] sample(NoisePredictor eps, float[] xT, int n, boolean clipX0) {
    if (eta > 0) {
      throw new IllegalStateException("DDIM with eta " + eta + " draws noise from the seeds");
    }
    return run(eps, xT, n, clipX0, null);
  }

  /**
   * Sampling from {@code x_T = SampleNoise.gaussian(seeds, sampleSize, 0)}; with eta > 0 the noise
   * of the step at {@code t_i} is stream {@code t_i} of the same seeds.
   */
  public float[] sample(NoisePredictor eps, long[] seeds, int sampleSize, boolean clipX0) {
    if (seeds == null || seeds.length == 0) {
      throw new IllegalArgumentException("need at least one seed");
    }
    if (sampleSize < 1) {
      throw new IllegalArgumentException("sampleSize must be >= 1, got " + sampleSize);
    }
    return run(eps, SampleNoise.gaussian(seeds, sampleSize, 0), seeds.length, clipX0, seeds);
  }

  private float[] run(NoisePredictor eps, float[] xT, int n, boolean clipX0, long[] seeds) {
    Objects.requireNonNull(eps, "noise predictor");
    int sampleSize = Batches.sampleSize(xT, n, "x_T");
    double[] x = Batches.toDouble(xT);
    for (int i = timesteps.length - 1; i >= 0; i--) {
      int t = timesteps[i];
      double abar = schedule.alphaBar(t);
      double abarPrev = i == 0 ? 1.0 : schedule.alphaBar(timesteps[i - 1]);
      float[] e = Batches.predict(eps, x, n, t);
      double sigma =
          eta == 0
              ? 0
              : eta
                  * Math.sqrt((1.0 - abarPrev) / (1.0 - abar))
                  * Math.sqrt(Math.max(0, 1.0 - abar / abarPrev));
      float[] z = sigma > 0 ? SampleNoise.gaussian(seeds, sampleSize, t) : null;
      x = step(x, e, abar, abarPrev, clipX0, sigma, z);
    }
    return Batches.toFloat(x);
  }

  /**
   * Deterministic DDIM inversion {@code x0 -> x_T}, the same update run upward over the same
   * timesteps. The clean input sits at the level below {@code t_0} ({@code abar = 1}); for i = 0 ..
   * K-1:
   *
   * <pre>
   *   eps_i = eps_theta(x, t_i)
   *   x0_hat = (x - sqrt(1 - abar_prev) eps_i) / sqrt(abar_prev)      (abar_prev = 1 for i = 0, else abar(t_{i-1}))
   *   x      = sqrt(abar(t_i)) x0_hat + sqrt(1 - abar(t_i)) eps_i
   * </pre>
   *
   * So the first eps is {@code eps_theta(x0, t_0)}, the DNF "t0" feature; there are K eps maps and
   * the result is the state at {@code t_{K-1}}, the starting point of {@link
   * #sample(NoisePredictor, float[], int, boolean)}. Each move uses the eps of its lower end (the
   * usual DDIM-inversion approximation); when the predictor's eps does not depend on x, sampling
   * from the result returns {@code x0} exactly (up to rounding).
   */
  public Inversion invert(NoisePredictor eps, float[] x0, int n) {
    Objects.requireNonNull(eps, "noise predictor");
    Batches.sampleSize(x0, n, "x0");
    double[] x = Batches.toDouble(x0);
    List<float[]> all = new ArrayList<>(timesteps.length);
    for (int i = 0; i < timesteps.length; i++) {
      int t = timesteps[i];
      float[] e = Batches.predict(eps, x, n, t);
      all.add(e.clone());
      double abarFrom = i == 0 ? 1.0 : schedule.alphaBar(timesteps[i - 1]);
      x = step(x, e, abarFrom, schedule.alphaBar(t), false, 0, null);
    }
    return new Inversion(Batches.toFloat(x), all);
  }

  /**
   * One move from a level with {@code abarFrom} to one with {@code abarTo}, given eps, adding
   * {@code sigma z} when {@code z} is not null (sigma = 0, z = null: the deterministic move).
   */
  private static double[] step(
      double[] x,
      float[] e,
      double abarFrom,
      double abarTo,
      boolean clipX0,
      double sigma,
      float[] z) {
    double sFrom = Math.sqrt(abarFrom);
    double nFrom = Math.sqrt(1.0 - abarFrom);
    double sTo = Math.sqrt(abarTo);
    double nTo = Math.sqrt(Math.max(0, 1.0 - abarTo - sigma * sigma));
    double[] out = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      double ej = e[j];
      double x0 = (x[j] - nFrom * ej) / sFrom;
      if (clipX0 && (x0 < -1.0 || x0 > 1.0)) {
        x0 = Math.max(-1.0, Math.min(1.0, x0));
        ej = (x[j] - sFrom * x0) / nFrom;
      }
      out[j] = z == null ? sTo * x0 + nTo * ej : sTo * x0 + nTo * ej + sigma * z[j];
    }
    return out;
  }

  /**
   * Result of {@link #invert}: the state at the last timestep and the K eps maps, in the order they
   * were computed ({@code eps.get(0)} at {@code t_0}). The list is unmodifiable and holds copies.
   */
  public record Inversion(float[] xT, List<float[]> eps) {
    public Inversion {
      Objects.requireNonNull(xT, "xT");
      if (eps == null || eps.isEmpty()) {
        throw new IllegalArgumentException("an inversion has at least one eps map");
      }
      eps = List.copyOf(eps);
    }

    /** eps at {@code t_0}, computed on the clean input. */
    public float[] firstEps() {
      return eps.get(0).clone();
    }

    /** eps at {@code t_{K-1}}. */
    public float[] lastEps() {
      return eps.get(eps.size() - 1).clone();
    }

    /** Elementwise mean of the K eps maps (summed in double). */
    public float[] meanEps() {
      double[] sum = new double[eps.get(0).length];
      for (float[] e : eps) {
        for (int j = 0; j < sum.length; j++) {
          sum[j] += e[j];
        }
      }
      float[] out = new float[sum.length];
      for (int j = 0; j < sum.length; j++) {
        out[j] = (float) (sum[j] / eps.size());
      }
      return out;
    }
  }
}
