package com.synthscope.udfs.augment;

import com.synthscope.udfs.diffusion.DdimSampler;
import com.synthscope.udfs.diffusion.DdpmSampler;
import com.synthscope.udfs.diffusion.NoisePredictor;
import com.synthscope.udfs.diffusion.NoiseSchedule;
import java.io.Serializable;
import java.util.Locale;

/**
 * Which sampler generates: {@code ddpm} (ancestral, all T steps), {@code ddim:K} (deterministic,
 * eta = 0, K steps) or {@code ddim:K:etaE} (K steps, stochastic with eta = E in [0, 1]; {@link
 * DdimSampler}).
 *
 * @param ddim true for DDIM
 * @param steps DDIM steps; for DDPM the schedule's T (filled in by {@link #stepsFor})
 * @param eta DDIM's stochasticity, 0 for DDPM
 */
public record SamplerSpec(boolean ddim, int steps, double eta) implements Serializable {

  public SamplerSpec {
    if (!(eta >= 0 && eta <= 1) || (!ddim && eta != 0)) {
      throw new IllegalArgumentException("eta must lie in [0, 1] and belong to DDIM, got " + eta);
    }
  }

  public static SamplerSpec parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("ddpm")) {
      return new SamplerSpec(false, 0, 0);
    }
    String[] parts = s.split(":", -1);
    if (parts[0].equals("ddim") && (parts.length == 2 || parts.length == 3)) {
      try {
        int k = Integer.parseInt(parts[1]);
        double eta = parts.length == 3 ? eta(parts[2]) : 0;
        if (k >= 1 && eta >= 0 && eta <= 1) {
          return new SamplerSpec(true, k, eta);
        }
      } catch (NumberFormatException ignored) {
        // fall through to the message
      }
    }
    throw new IllegalArgumentException(
        "sampler must be 'ddpm', 'ddim:K' or 'ddim:K:etaE' with K >= 1 and E in [0, 1], got '"
            + text
            + "'");
  }

  private static double eta(String part) {
    if (!part.startsWith("eta")) {
      throw new NumberFormatException(part);
    }
    return Double.parseDouble(part.substring(3));
  }

  /** Network evaluations per sample (before guidance doubles them). */
  public int stepsFor(NoiseSchedule schedule) {
    return ddim ? steps : schedule.steps();
  }

  /** Denoises from the seeds' own noise to x0. */
  float[] sample(NoiseSchedule schedule, NoisePredictor eps, long[] seeds, int sampleSize) {
    return ddim
        ? new DdimSampler(schedule, steps, eta).sample(eps, seeds, sampleSize, true)
        : new DdpmSampler(schedule).sample(eps, seeds, sampleSize, true);
  }

  /** The parseable name: {@code ddpm}, {@code ddim:50}, {@code ddim:50:eta1}. */
  @Override
  public String toString() {
    if (!ddim) {
      return "ddpm";
    }
    if (eta == 0) {
      return "ddim:" + steps;
    }
    String e = eta == Math.rint(eta) ? String.valueOf((long) eta) : String.valueOf(eta);
    return "ddim:" + steps + ":eta" + e;
  }
}
