package com.synthscope.udfs.diffusion;

import java.util.Locale;
import java.util.Map;

/**
 * What a diffusion network's output stands for. Samplers, fraction steering and MultiDiffusion all
 * work on the noise; a network trained for another target is read through {@link #toNoise}.
 *
 * <ul>
 *   <li>{@link #EPS}: the noise itself (Ho et al. 2020), {@code eps}.
 *   <li>{@link #V}: the velocity {@code v = sqrt(abar) eps - sqrt(1 - abar) x0} (Salimans &amp; Ho
 *       2022). At high t the noise target is almost the input itself, and the clean-state estimate
 *       {@code x0 = (x_t - sqrt(1 - abar) eps) / sqrt(abar)} multiplies the network's error by
 *       {@code 1 / sqrt(abar)} (33 at t = 980 of the cosine schedule); there v tends to {@code -x0}
 *       and its error reaches x0 unamplified. That is where a crop's overall brightness is decided
 *       (docs/pfdiffseg.md).
 * </ul>
 */
public enum Prediction {
  EPS("eps"),
  V("v");

  /** The manifest key, in {@code preprocessing}; absent means {@link #EPS}. */
  public static final String KEY = "prediction";

  private final String id;

  Prediction(String id) {
    this.id = id;
  }

  /** The name in manifests, recipes and on the command line. */
  public String id() {
    return id;
  }

  /** {@code eps} or {@code v}, case-insensitive. */
  public static Prediction parse(String text) {
    String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    for (Prediction p : values()) {
      if (p.id.equals(s)) {
        return p;
      }
    }
    throw new IllegalArgumentException("prediction must be 'eps' or 'v', got '" + text + "'");
  }

  /** The target of a model whose manifest {@code preprocessing} is given; no key: {@link #EPS}. */
  public static Prediction ofPreprocessing(Map<String, Object> preprocessing) {
    Object p = preprocessing == null ? null : preprocessing.get(KEY);
    return p == null ? EPS : parse(String.valueOf(p));
  }

  /**
   * The training target for a sample noised at {@code abar}: the noise, or v.
   *
   * @param x0 the clean sample's values
   * @param noise the noise added to them, the same length
   * @param from first index of the sample in both arrays
   * @param to one past its last index
   * @param target where the target goes, the same indices
   */
  public void target(float[] x0, float[] noise, double abar, int from, int to, float[] target) {
    if (this == EPS) {
      System.arraycopy(noise, from, target, from, to - from);
      return;
    }
    double s = Math.sqrt(abar);
    double q = Math.sqrt(1 - abar);
    for (int j = from; j < to; j++) {
      target[j] = (float) (s * noise[j] - q * x0[j]);
    }
  }

  /**
   * The noise implied by a network output for {@code n} samples at their timesteps, in place:
   * unchanged for {@link #EPS}; for {@link #V}, {@code eps = sqrt(abar) v + sqrt(1 - abar) x_t}.
   *
   * @param output the network output, {@code n} samples of equal length, overwritten with the noise
   * @param x the network input {@code x_t}, the same layout
   */
  public float[] toNoise(float[] output, float[] x, int n, int[] t, NoiseSchedule schedule) {
    if (this == EPS) {
      return output;
    }
    if (output.length != x.length || output.length % n != 0) {
      throw new IllegalArgumentException(
          "output of " + output.length + " values for an input of " + x.length + " and n = " + n);
    }
    int per = output.length / n;
    for (int i = 0; i < n; i++) {
      double abar = schedule.alphaBar(t[i]);
      double s = Math.sqrt(abar);
      double q = Math.sqrt(1 - abar);
      for (int j = i * per; j < (i + 1) * per; j++) {
        output[j] = (float) (s * output[j] + q * x[j]);
      }
    }
    return output;
  }
}
