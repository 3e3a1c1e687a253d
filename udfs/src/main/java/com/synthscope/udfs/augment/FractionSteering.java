package com.synthscope.udfs.augment;

import com.synthscope.udfs.diffusion.NoisePredictor;
import com.synthscope.udfs.diffusion.NoiseSchedule;

/**
 * Steers every denoising step toward the requested phase fractions, without training: a wrapper
 * around the noise predictor (so it works the same for one window and for a MultiDiffusion canvas,
 * where the request is the whole canvas's).
 *
 * <p>At step t the network's noise gives the clean-state estimate {@code x0 = (x_t - sqrt(1 - abar)
 * eps) / sqrt(abar)}. Its K mask channels (values in [-1, 1], one-hot as +1 / -1) are turned into a
 * soft class assignment per pixel whose class totals equal the request: {@code p_pc ~ exp((m_pc +
 * b_c) / tau)}, normalised per pixel, with per-class offsets {@code b_c} found by balancing the
 * class totals (Sinkhorn's iteration for the column marginals: {@code b_c += tau (log r_c - log
 * f_c)}). The mask estimate moves toward that assignment, {@code m' = (1 - s_t) m + s_t (2 p - 1)}
 * with {@code s_t = s * w(abar_t, c)}, w the {@link SteeringSchedule} (1 at every step by default),
 * the grey channel is left alone, and the noise is recomputed from the moved estimate, {@code eps'
 * = (x_t - sqrt(abar) x0') / sqrt(1 - abar)}, as clipping x0 does in DDIM. The next steps denoise
 * the image together with the moved mask, so the image follows it; the last step (t = 0) is not
 * steered, so the returned mask is the network's own.
 *
 * <p>Why not only guidance: classifier-free guidance makes the request more likely but does not
 * bind the totals (measured on the embedded model: mean L1 0.23 between requested and produced
 * fractions, docs/pfdiffseg.md).
 */
final class FractionSteering implements NoisePredictor {

  static final double TEMPERATURE = 0.1;
  static final int ITERATIONS = 30;

  /** Requests below this are treated as this (log 0 has no balancing offset). */
  static final double MIN_FRACTION = 1e-3;

  private final NoisePredictor inner;
  private final NoiseSchedule schedule;
  private final int classes;
  private final int pixels;
  private final float[] requests;
  private final double strength;
  private final SteeringSchedule timing;

  /**
   * @param requests the requested fractions, {@code classes} per sample
   * @param pixels pixels per channel of one sample (the canvas)
   * @param strength s in (0, 1]: how far the mask estimate moves toward the balanced assignment at
   *     a step where the schedule's weight is 1 ({@link #stepStrength})
   * @param timing how the strength is spread over the steps
   */
  FractionSteering(
      NoisePredictor inner,
      NoiseSchedule schedule,
      int classes,
      int pixels,
      float[] requests,
      double strength,
      SteeringSchedule timing) {
    if (!(strength > 0 && strength <= 1)) {
      throw new IllegalArgumentException("steering strength must lie in (0, 1], got " + strength);
    }
    this.inner = inner;
    this.schedule = schedule;
    this.classes = classes;
    this.pixels = pixels;
    this.requests = requests;
    this.strength = strength;
    this.timing = timing;
  }

  @Override
  public float[] predictNoise(float[] x, int n, int[] t) {
    float[] eps = inner.predictNoise(x, n, t);
    int per = (1 + classes) * pixels;
    double[] m = new double[classes * pixels];
    for (int i = 0; i < n; i++) {
      if (t[i] == 0) {
        continue;
      }
      double abar = schedule.alphaBar(t[i]);
      double s = Math.sqrt(abar);
      double q = Math.sqrt(1 - abar);
      int base = i * per + pixels; // the mask channels follow the grey one
      for (int j = 0; j < m.length; j++) {
        m[j] = Math.max(-1, Math.min(1, (x[base + j] - q * eps[base + j]) / s));
      }
      double[] p = balancedAssignment(m, i);
      double[] step = new double[classes];
      for (int c = 0; c < classes; c++) {
        step[c] = stepStrength(abar, c);
      }
      for (int j = 0; j < m.length; j++) {
        double w = step[j / pixels]; // m is class-major
        double moved = (1 - w) * m[j] + w * (2 * p[j] - 1);
        eps[base + j] = (float) ((x[base + j] - s * moved) / q);
      }
    }
    return eps;
  }

  /**
   * How far the step whose x_t holds this share of signal moves one mask class's channel of the
   * estimate.
   */
  double stepStrength(double abar, int maskClass) {
    return strength * timing.weight(abar, maskClass);
  }

  /**
   * The per-pixel soft assignment (class-major, as {@code m}) whose class totals match sample i's
   * request.
   */
  double[] balancedAssignment(double[] m, int sample) {
    double[] logR = new double[classes];
    double total = 0;
    for (int c = 0; c < classes; c++) {
      total += Math.max(MIN_FRACTION, requests[sample * classes + c]);
    }
    for (int c = 0; c < classes; c++) {
      logR[c] = Math.log(Math.max(MIN_FRACTION, requests[sample * classes + c]) / total);
    }
    double[] b = new double[classes];
    double[] p = new double[m.length];
    for (int it = 0; it <= ITERATIONS; it++) {
      double[] f = new double[classes];
      for (int px = 0; px < pixels; px++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
          max = Math.max(max, (m[c * pixels + px] + b[c]) / TEMPERATURE);
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
          double e = Math.exp((m[c * pixels + px] + b[c]) / TEMPERATURE - max);
          p[c * pixels + px] = e;
          sum += e;
        }
        for (int c = 0; c < classes; c++) {
          p[c * pixels + px] /= sum;
          f[c] += p[c * pixels + px];
        }
      }
      if (it == ITERATIONS) {
        break;
      }
      for (int c = 0; c < classes; c++) {
        b[c] += TEMPERATURE * (logR[c] - Math.log(Math.max(f[c] / pixels, 1e-12)));
      }
    }
    return p;
  }
}
