package com.synthscope.udfs.diffusion;

import java.io.Serializable;
import java.util.Locale;

/**
 * Variance schedule of a discrete diffusion process with {@code T} steps, indexed {@code t = 0 ..
 * T-1}.
 *
 * <p>Index convention (as in the DDPM / guided-diffusion code): {@code t = 0} is the first noisy
 * level, the clean data sits "before" it. {@code alphaBar(t) = prod_{s <= t} (1 - beta_s)}, so
 * {@code alphaBar(0) = 1 - beta(0)}, and samplers use {@code alphaBar = 1} for the level below
 * {@code t = 0}. All values are held in double precision.
 */
public final class NoiseSchedule implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Offset {@code s} of the cosine schedule (Nichol &amp; Dhariwal 2021). */
  public static final double COSINE_S = 0.008;

  /** Upper clip of the cosine schedule's betas (Nichol &amp; Dhariwal 2021). */
  public static final double COSINE_MAX_BETA = 0.999;

  private final String name;
  private final double[] betas;
  private final double[] alphaBars;

  private NoiseSchedule(String name, double[] betas) {
    this.name = name;
    this.betas = betas;
    this.alphaBars = new double[betas.length];
    double prod = 1.0;
    for (int t = 0; t < betas.length; t++) {
      double b = betas[t];
      if (!(b > 0.0 && b < 1.0)) {
        throw new IllegalArgumentException(
            "beta(" + t + ") = " + b + " of schedule " + name + " is not in (0, 1)");
      }
      prod *= 1.0 - b;
      alphaBars[t] = prod;
    }
  }

  /**
   * DDPM linear schedule: {@code beta_t = linspace(betaStart, betaEnd, T)[t]} (numpy's linspace; T
   * = 1 gives betaStart).
   */
  public static NoiseSchedule linear(int steps, double betaStart, double betaEnd) {
    checkSteps(steps);
    double[] b = new double[steps];
    for (int t = 0; t < steps; t++) {
      b[t] = steps == 1 ? betaStart : betaStart + (betaEnd - betaStart) * t / (steps - 1);
    }
    return new NoiseSchedule("linear", b);
  }

  /** DDPM linear schedule with the paper's endpoints 1e-4 .. 0.02. */
  public static NoiseSchedule linear(int steps) {
    return linear(steps, 1e-4, 0.02);
  }

  /**
   * Cosine schedule of Nichol &amp; Dhariwal (improved DDPM): with {@code f(u) = cos^2(((u + s) /
   * (1 + s)) pi/2)}, {@code beta_t = min(1 - f((t+1)/T) / f(t/T), 0.999)}, s = 0.008. Hence, before
   * any clipping, {@code alphaBar(t) = f((t+1)/T) / f(0)}; in practice only the last beta (where
   * f(1) = 0) is clipped.
   */
  public static NoiseSchedule cosine(int steps) {
    checkSteps(steps);
    double[] b = new double[steps];
    for (int t = 0; t < steps; t++) {
      double ratio = cosineF((double) (t + 1) / steps) / cosineF((double) t / steps);
      b[t] = Math.min(1.0 - ratio, COSINE_MAX_BETA);
    }
    return new NoiseSchedule("cosine", b);
  }

  private static double cosineF(double u) {
    double c = Math.cos((u + COSINE_S) / (1.0 + COSINE_S) * Math.PI / 2.0);
    return c * c;
  }

  /**
   * {@code "linear"} (1e-4 .. 0.02) or {@code "cosine"}, case-insensitive, surrounding blanks
   * ignored.
   */
  public static NoiseSchedule parse(String name, int steps) {
    if (name == null) {
      throw new IllegalArgumentException(
          "noise schedule name is null; expected \"linear\" or \"cosine\"");
    }
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "linear":
        return linear(steps);
      case "cosine":
        return cosine(steps);
      default:
        throw new IllegalArgumentException(
            "unknown noise schedule \"" + name + "\"; expected \"linear\" or \"cosine\"");
    }
  }

  private static void checkSteps(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("number of diffusion steps must be >= 1, got " + steps);
    }
  }

  public String name() {
    return name;
  }

  public int steps() {
    return betas.length;
  }

  public double beta(int t) {
    return betas[check(t)];
  }

  public double alpha(int t) {
    return 1.0 - betas[check(t)];
  }

  public double alphaBar(int t) {
    return alphaBars[check(t)];
  }

  /** {@code alphaBar(t - 1)}, and 1 for {@code t = 0} (the clean level). */
  public double alphaBarPrev(int t) {
    return check(t) == 0 ? 1.0 : alphaBars[t - 1];
  }

  private int check(int t) {
    if (t < 0 || t >= betas.length) {
      throw new IndexOutOfBoundsException(
          "timestep " + t + " outside [0, " + (betas.length - 1) + "]");
    }
    return t;
  }

  @Override
  public String toString() {
    return "NoiseSchedule[" + name + ", T=" + betas.length + "]";
  }
}
