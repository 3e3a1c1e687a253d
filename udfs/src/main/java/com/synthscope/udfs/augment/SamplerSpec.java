package com.synthscope.udfs.augment;

import com.synthscope.udfs.diffusion.DdimSampler;
import com.synthscope.udfs.diffusion.DdpmSampler;
import com.synthscope.udfs.diffusion.NoisePredictor;
import com.synthscope.udfs.diffusion.NoiseSchedule;
import java.io.Serializable;
import java.util.Locale;

/**
 * Which sampler generates: {@code ddpm} (ancestral, all T steps) or {@code ddim:K} (deterministic,
 * eta = 0, K steps).
 *
 * @param ddim true for DDIM
 * @param steps DDIM steps; for DDPM the schedule's T (filled in by {@link #stepsFor})
 */
public record SamplerSpec(boolean ddim, int steps) implements Serializable {

  public static SamplerSpec parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("ddpm")) {
      return new SamplerSpec(false, 0);
    }
    if (s.startsWith("ddim:")) {
      try {
        int k = Integer.parseInt(s.substring(5));
        if (k >= 1) {
          return new SamplerSpec(true, k);
        }
      } catch (NumberFormatException ignored) {
        // fall through to the message
      }
    }
    throw new IllegalArgumentException(
        "sampler must be 'ddpm' or 'ddim:K' with K >= 1, got '" + text + "'");
  }

  /** Network evaluations per sample (before guidance doubles them). */
  public int stepsFor(NoiseSchedule schedule) {
    return ddim ? steps : schedule.steps();
  }

  /** Denoises from the seeds' own noise to x0. */
  float[] sample(NoiseSchedule schedule, NoisePredictor eps, long[] seeds, int sampleSize) {
    return ddim
        ? new DdimSampler(schedule, steps).sample(eps, seeds, sampleSize, true)
        : new DdpmSampler(schedule).sample(eps, seeds, sampleSize, true);
  }

  @Override
  public String toString() {
    return ddim ? "ddim:" + steps : "ddpm";
  }
}
