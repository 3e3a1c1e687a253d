package com.synthscope.udfs.augment;

import com.synthscope.udfs.diffusion.DdimSampler;
import com.synthscope.udfs.diffusion.NoisePredictor;
import com.synthscope.udfs.diffusion.NoiseSchedule;
import com.synthscope.udfs.diffusion.SampleNoise;
import java.util.Arrays;

/**
 * Re-forms the images of finished pairs around their final masks: the joint model used as a
 * mask-to-image model by replacement (as in RePaint or SDEdit), with the same network.
 *
 * <p>Why: fraction steering moves the mask estimate at every step, and the image, denoised together
 * with it, follows those moves only as far as the remaining steps allow. In particular a rare-phase
 * region that forms late appears in the mask but weakly in the image, which is what image-mask
 * agreement measures (docs/pfdiffseg.md, "Mask-anchored refinement").
 *
 * <p>How, per pair, with its final mask turned into one-hot channels {@code m0} (+1 for its class,
 * -1 elsewhere; the argmax mask the pair reports) and its image {@code g0}: the state {@code (g0,
 * m0)} is noised to the top refinement timestep {@code t_r} with the noise {@code z} of stream
 * {@value #NOISE_STREAM} of the pair's seed, {@code x = sqrt(abar) (g0, m0) + sqrt(1 - abar) z},
 * and DDIM (eta = 0) denoises it to t = 0 over the given timesteps, with the mask channels' noise
 * replaced at every step by the one that makes their clean estimate exactly {@code m0}, {@code eps
 * = (x - sqrt(abar) m0) / sqrt(1 - abar)}. So the mask channels the network sees at every level are
 * {@code m0} noised by the same z, the image is denoised under a mask that no longer moves, and the
 * returned mask is {@code m0}: the pair's mask and fractions are unchanged, only its image is
 * re-formed below {@code t_r}.
 */
final class MaskAnchoredRefinement {

  /** The {@link SampleNoise} stream of the re-noising (the samplers use streams 0 .. T-1). */
  static final int NOISE_STREAM = -1;

  private final NoiseSchedule schedule;
  private final int[] timesteps;
  private final int classes;
  private final int size;
  private final int pixels;

  /**
   * @param timesteps ascending DDIM timesteps, the last one {@code t_r}
   * @param size side of one sample (the canvas) in pixels
   */
  MaskAnchoredRefinement(NoiseSchedule schedule, int[] timesteps, int classes, int size) {
    if (timesteps.length == 0) {
      throw new IllegalArgumentException("refinement needs at least one timestep");
    }
    this.schedule = schedule;
    this.timesteps = timesteps.clone();
    this.classes = classes;
    this.size = size;
    this.pixels = size * size;
  }

  /** The top timestep {@code t_r}. */
  int top() {
    return timesteps[timesteps.length - 1];
  }

  /**
   * Refines {@code n = seeds.length} finished samples ({@code (1 + classes) * pixels} values each,
   * grey channel first) and returns them with re-formed grey channels and one-hot masks.
   */
  float[] refine(NoisePredictor predictor, float[] x0, long[] seeds) {
    int per = (1 + classes) * pixels;
    float[] anchored = x0.clone();
    for (int i = 0; i < seeds.length; i++) {
      byte[] mask =
          PhaseFractions.argmaxMask(
              Arrays.copyOfRange(x0, i * per, (i + 1) * per), classes, size, size, 1);
      int base = i * per + pixels;
      for (int c = 0; c < classes; c++) {
        for (int p = 0; p < pixels; p++) {
          anchored[base + c * pixels + p] = mask[p] == c ? 1f : -1f;
        }
      }
    }
    double abar = schedule.alphaBar(top());
    double s = Math.sqrt(abar);
    double q = Math.sqrt(1 - abar);
    float[] z = SampleNoise.gaussian(seeds, per, NOISE_STREAM);
    float[] xTop = new float[anchored.length];
    for (int j = 0; j < xTop.length; j++) {
      xTop[j] = (float) (s * anchored[j] + q * z[j]);
    }
    NoisePredictor pinned =
        (x, n, t) -> pinMasks(predictor.predictNoise(x, n, t), x, n, t, anchored);
    float[] refined = new DdimSampler(schedule, timesteps).sample(pinned, xTop, seeds.length, true);
    // the masks are m0 up to rounding; return them exactly
    for (int i = 0; i < seeds.length; i++) {
      System.arraycopy(anchored, i * per + pixels, refined, i * per + pixels, classes * pixels);
    }
    return refined;
  }

  /** Replaces the mask channels' noise by the one whose clean estimate is the anchored mask. */
  private float[] pinMasks(float[] eps, float[] x, int n, int[] t, float[] anchored) {
    int per = (1 + classes) * pixels;
    for (int i = 0; i < n; i++) {
      double abar = schedule.alphaBar(t[i]);
      double s = Math.sqrt(abar);
      double q = Math.sqrt(1 - abar);
      int from = i * per + pixels;
      for (int j = from; j < (i + 1) * per; j++) {
        eps[j] = (float) ((x[j] - s * anchored[j]) / q);
      }
    }
    return eps;
  }
}
