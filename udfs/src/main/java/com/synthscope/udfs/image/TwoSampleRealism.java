package com.synthscope.udfs.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How far generated grey images are from real ones at the same scale and size, three ways:
 *
 * <ul>
 *   <li>the total-variation distance between the pooled grey-level histograms (64 bins on [0, 1]; 0
 *       = same, 1 = disjoint);
 *   <li>the mean absolute difference, in decades, of the radially averaged power spectra (each
 *       image's mean removed, spectra averaged per set, one bin per integer radius 1 .. size/2);
 *   <li>a two-sample test: a small classifier (L2-regularised logistic regression on per-image
 *       texture features: 16-bin histogram, log radial power spectrum, mean, standard deviation,
 *       mean gradient magnitude) trained on half of each set, its accuracy on the other half (0.5 =
 *       indistinguishable to it). A linear model on these features is weaker than a CNN detector,
 *       so this accuracy is a lower bound on separability.
 * </ul>
 *
 * Deterministic for the same inputs and seed.
 */
public final class TwoSampleRealism {

  /** The three measures and the set sizes. */
  public record Result(
      double histogramDistance,
      double spectrumDistance,
      double classifierAccuracy,
      int real,
      int generated) {

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("real_crops", real);
      m.put("generated", generated);
      m.put("histogram_tv_distance", Math.round(histogramDistance * 10000) / 10000.0);
      m.put("power_spectrum_log10_distance", Math.round(spectrumDistance * 10000) / 10000.0);
      m.put("classifier_heldout_accuracy", Math.round(classifierAccuracy * 10000) / 10000.0);
      return m;
    }
  }

  private static final int HISTOGRAM_BINS = 64;
  private static final int FEATURE_BINS = 16;

  private TwoSampleRealism() {}

  /**
   * @param real,generated square grey images in [0, 1], all {@code size x size}
   */
  public static Result compare(List<float[]> real, List<float[]> generated, int size, long seed) {
    if (real.size() < 4 || generated.size() < 4) {
      throw new IllegalArgumentException(
          "need at least 4 images per set, got " + real.size() + " and " + generated.size());
    }
    double hist =
        totalVariation(histogram(real, HISTOGRAM_BINS), histogram(generated, HISTOGRAM_BINS));
    double[] pr = meanSpectrum(real, size);
    double[] pg = meanSpectrum(generated, size);
    double spec = 0;
    for (int r = 1; r < pr.length; r++) {
      spec += Math.abs(Math.log10(pr[r]) - Math.log10(pg[r]));
    }
    spec /= pr.length - 1;
    return new Result(
        hist, spec, heldOutAccuracy(real, generated, size, seed), real.size(), generated.size());
  }

  static double[] histogram(List<float[]> images, int bins) {
    double[] h = new double[bins];
    long n = 0;
    for (float[] g : images) {
      for (float v : g) {
        h[Math.min(bins - 1, Math.max(0, (int) (v * bins)))]++;
        n++;
      }
    }
    for (int i = 0; i < bins; i++) {
      h[i] /= n;
    }
    return h;
  }

  static double totalVariation(double[] p, double[] q) {
    double d = 0;
    for (int i = 0; i < p.length; i++) {
      d += Math.abs(p[i] - q[i]);
    }
    return d / 2;
  }

  /**
   * Radially averaged power spectrum of one image (mean removed), index = integer radius 0 ..
   * size/2.
   */
  static double[] radialSpectrum(float[] g, int size) {
    double mean = 0;
    for (float v : g) {
      mean += v;
    }
    mean /= g.length;
    int half = size / 2;
    double[] sum = new double[half + 1];
    int[] count = new int[half + 1];
    // a direct 2-D DFT: the images are small (32 .. 64 px), a few ms each
    double[] cos = new double[size];
    double[] sin = new double[size];
    for (int k = 0; k < size; k++) {
      cos[k] = Math.cos(2 * Math.PI * k / size);
      sin[k] = Math.sin(2 * Math.PI * k / size);
    }
    double[] rowRe = new double[size * size];
    double[] rowIm = new double[size * size];
    for (int y = 0; y < size; y++) {
      for (int u = 0; u < size; u++) {
        double re = 0;
        double im = 0;
        for (int x = 0; x < size; x++) {
          double v = g[y * size + x] - mean;
          int k = (u * x) % size;
          re += v * cos[k];
          im -= v * sin[k];
        }
        rowRe[y * size + u] = re;
        rowIm[y * size + u] = im;
      }
    }
    for (int u = 0; u < size; u++) {
      for (int v = 0; v < size; v++) {
        double re = 0;
        double im = 0;
        for (int y = 0; y < size; y++) {
          int k = (v * y) % size;
          double a = rowRe[y * size + u];
          double b = rowIm[y * size + u];
          re += a * cos[k] + b * sin[k];
          im += b * cos[k] - a * sin[k];
        }
        int fu = u <= half ? u : u - size;
        int fv = v <= half ? v : v - size;
        int r = (int) Math.round(Math.sqrt(fu * fu + fv * fv));
        if (r <= half) {
          sum[r] += (re * re + im * im) / ((double) size * size);
          count[r]++;
        }
      }
    }
    for (int r = 0; r <= half; r++) {
      sum[r] = count[r] == 0 ? 0 : sum[r] / count[r];
    }
    return sum;
  }

  static double[] meanSpectrum(List<float[]> images, int size) {
    double[] mean = new double[size / 2 + 1];
    for (float[] g : images) {
      double[] s = radialSpectrum(g, size);
      for (int r = 0; r < mean.length; r++) {
        mean[r] += s[r] / images.size();
      }
    }
    for (int r = 0; r < mean.length; r++) {
      mean[r] = Math.max(mean[r], 1e-12);
    }
    return mean;
  }

  static double[] features(float[] g, int size) {
    List<Double> f = new ArrayList<>();
    for (double h : histogram(List.of(g), FEATURE_BINS)) {
      f.add(h);
    }
    double[] s = radialSpectrum(g, size);
    for (int r = 1; r < s.length; r++) {
      f.add(Math.log10(Math.max(s[r], 1e-12)));
    }
    double mean = 0;
    for (float v : g) {
      mean += v;
    }
    mean /= g.length;
    double var = 0;
    for (float v : g) {
      var += (v - mean) * (v - mean);
    }
    double grad = 0;
    for (int y = 0; y < size - 1; y++) {
      for (int x = 0; x < size - 1; x++) {
        double dx = g[y * size + x + 1] - g[y * size + x];
        double dy = g[(y + 1) * size + x] - g[y * size + x];
        grad += Math.sqrt(dx * dx + dy * dy);
      }
    }
    f.add(mean);
    f.add(Math.sqrt(var / g.length));
    f.add(grad / ((size - 1) * (size - 1)));
    return f.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Logistic regression trained on a seeded half of each set, accuracy on the other half. */
  static double heldOutAccuracy(List<float[]> real, List<float[]> generated, int size, long seed) {
    List<double[]> x = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    real.forEach(
        g -> {
          x.add(features(g, size));
          y.add(0);
        });
    generated.forEach(
        g -> {
          x.add(features(g, size));
          y.add(1);
        });
    int n = x.size();
    int d = x.get(0).length;
    boolean[] train = new boolean[n];
    SplittableRandom rng = new SplittableRandom(seed);
    for (int[] range : new int[][] {{0, real.size()}, {real.size(), n}}) {
      int[] idx = new int[range[1] - range[0]];
      for (int i = 0; i < idx.length; i++) {
        idx[i] = range[0] + i;
      }
      for (int i = idx.length - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
      }
      for (int i = 0; i < idx.length / 2; i++) {
        train[idx[i]] = true;
      }
    }
    // standardise on the training half
    double[] mu = new double[d];
    double[] sd = new double[d];
    int nTrain = 0;
    for (int i = 0; i < n; i++) {
      if (train[i]) {
        nTrain++;
        for (int k = 0; k < d; k++) {
          mu[k] += x.get(i)[k];
        }
      }
    }
    for (int k = 0; k < d; k++) {
      mu[k] /= nTrain;
    }
    for (int i = 0; i < n; i++) {
      if (train[i]) {
        for (int k = 0; k < d; k++) {
          sd[k] += Math.pow(x.get(i)[k] - mu[k], 2);
        }
      }
    }
    for (int k = 0; k < d; k++) {
      sd[k] = Math.sqrt(sd[k] / nTrain) + 1e-9;
    }
    double[][] z = new double[n][d];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < d; k++) {
        z[i][k] = (x.get(i)[k] - mu[k]) / sd[k];
      }
    }
    double[] w = new double[d];
    double b = 0;
    double lr = 0.1;
    double l2 = 1e-3;
    for (int it = 0; it < 2000; it++) {
      double[] gw = new double[d];
      double gb = 0;
      for (int i = 0; i < n; i++) {
        if (!train[i]) {
          continue;
        }
        double s = b;
        for (int k = 0; k < d; k++) {
          s += w[k] * z[i][k];
        }
        double p = 1 / (1 + Math.exp(-s));
        double e = p - y.get(i);
        for (int k = 0; k < d; k++) {
          gw[k] += e * z[i][k];
        }
        gb += e;
      }
      for (int k = 0; k < d; k++) {
        w[k] -= lr * (gw[k] / nTrain + l2 * w[k]);
      }
      b -= lr * gb / nTrain;
    }
    int right = 0;
    int tested = 0;
    for (int i = 0; i < n; i++) {
      if (train[i]) {
        continue;
      }
      double s = b;
      for (int k = 0; k < d; k++) {
        s += w[k] * z[i][k];
      }
      tested++;
      if ((s > 0 ? 1 : 0) == y.get(i)) {
        right++;
      }
    }
    return (double) right / tested;
  }
}
