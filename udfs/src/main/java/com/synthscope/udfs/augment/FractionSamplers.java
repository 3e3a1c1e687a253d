package com.synthscope.udfs.augment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The three ways of choosing requested fraction vectors (METHODS.md 3.6): {@link #empirical}
 * (fractions of real crops), {@link #dirichlet} around the empirical mean with extra weight on
 * minority classes, and an explicit list read by {@link #fromFile}.
 */
public final class FractionSamplers {

  /**
   * Default per-class weight for MetalDAM's classes (matrix, austenite, MA, precipitate, defect):
   * 1, 1, 3, 12, 12. With DATA.md's shares (34.6, 55.5, 9.0, 0.24, 0.69 %) the normalised boosted
   * mean is about 27.0, 43.3, 21.1, 2.2 and 6.5 %: the minority classes 2-4 together get about 30 %
   * instead of about 10 % (three times), and the two rarest about nine times their real share,
   * while matrix and austenite keep their ratio.
   */
  public static final float[] DEFAULT_BOOST = {1f, 1f, 3f, 12f, 12f};

  /**
   * Default Dirichlet concentration (sum of the alphas): 20. Crop-level fractions vary widely (a
   * crop may be almost all austenite), so a small concentration spreads samples over the simplex
   * rather than repeating the mean; per-class standard deviation is {@code sqrt(p (1 - p) / 21)},
   * e.g. about 0.11 for a share of 0.43.
   */
  public static final float DEFAULT_CONCENTRATION = 20f;

  private FractionSamplers() {}

  /** Picks the vector of one real crop per seed (uniformly over the list). */
  public static FractionSampler empirical(List<float[]> realFractions) {
    Objects.requireNonNull(realFractions, "realFractions");
    if (realFractions.isEmpty()) {
      throw new IllegalArgumentException("no real fraction vectors");
    }
    int k = realFractions.get(0).length;
    float[][] vectors = new float[realFractions.size()][];
    for (int i = 0; i < vectors.length; i++) {
      float[] v = realFractions.get(i);
      if (v == null || v.length != k) {
        throw new IllegalArgumentException(
            "vector " + i + " has " + (v == null ? "no" : v.length) + " entries, expected " + k);
      }
      vectors[i] = normalised(v, "vector " + i);
    }
    return new Empirical(vectors);
  }

  /**
   * Dirichlet(alpha) with {@code alpha_k = concentration * normalised(empiricalMean_k *
   * minorityBoost_k)}; the expected requested vector is that normalised boosted mean. A class with
   * alpha 0 is never requested.
   *
   * @param minorityBoost per-class weights (see {@link #DEFAULT_BOOST}); null means all 1
   */
  public static FractionSampler dirichlet(
      float[] empiricalMean, float concentration, float[] minorityBoost) {
    Objects.requireNonNull(empiricalMean, "empiricalMean");
    if (!(concentration > 0) || Float.isInfinite(concentration)) {
      throw new IllegalArgumentException(
          "concentration must be positive and finite, got " + concentration);
    }
    float[] boost = minorityBoost;
    if (boost == null) {
      boost = new float[empiricalMean.length];
      Arrays.fill(boost, 1f);
    }
    if (boost.length != empiricalMean.length) {
      throw new IllegalArgumentException(
          "boost has " + boost.length + " entries, mean has " + empiricalMean.length);
    }
    float[] weighted = new float[empiricalMean.length];
    for (int k = 0; k < weighted.length; k++) {
      if (!(boost[k] >= 0) || Float.isInfinite(boost[k])) {
        throw new IllegalArgumentException(
            "boost " + k + " must be finite and >= 0, got " + boost[k]);
      }
      weighted[k] = empiricalMean[k] * boost[k];
    }
    float[] mean = normalised(weighted, "boosted mean");
    double[] alpha = new double[mean.length];
    for (int k = 0; k < alpha.length; k++) {
      alpha[k] = (double) concentration * mean[k];
    }
    String name =
        String.format(
            Locale.ROOT, "dirichlet(c=%s,boost=%s)", concentration, Arrays.toString(boost));
    return new Dirichlet(alpha, name);
  }

  /**
   * One vector per line, comma separated, each normalised to sum 1; sampled as line {@code
   * floorMod(seed, count)}. Blank lines and lines starting with {@code #} are skipped; a first line
   * that is not numeric is a header.
   *
   * @throws IOException naming the file and line for a wrong number of entries, a value that is not
   *     a finite number, a negative value, an all-zero line, or a file without vectors
   */
  public static FractionSampler fromFile(Path csv, int classes) throws IOException {
    Objects.requireNonNull(csv, "csv");
    return fromLines(Files.readAllLines(csv, StandardCharsets.UTF_8), csv.toString(), classes);
  }

  /**
   * {@link #fromFile} for a CSV read elsewhere (e.g. from HDFS by the caller): {@code source} names
   * the file in messages, its last path segment names the sampler.
   */
  public static FractionSampler fromLines(List<String> lines, String source, int classes)
      throws IOException {
    List<float[]> vectors = parseVectors(lines, source, classes);
    return new Listed(
        vectors.toArray(new float[0][]), "file:" + source.substring(source.lastIndexOf('/') + 1));
  }

  /**
   * The vectors of a fraction CSV, each normalised to sum 1, with the checks of {@link #fromFile}.
   */
  public static List<float[]> readVectors(Path csv, int classes) throws IOException {
    Objects.requireNonNull(csv, "csv");
    return parseVectors(Files.readAllLines(csv, StandardCharsets.UTF_8), csv.toString(), classes);
  }

  private static List<float[]> parseVectors(List<String> lines, String csv, int classes)
      throws IOException {
    if (classes <= 0) {
      throw new IllegalArgumentException("classes must be positive, got " + classes);
    }
    List<float[]> vectors = new ArrayList<>();
    boolean first = true;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1).strip();
      }
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = csv + " line " + (i + 1);
      String[] parts = line.split(",", -1);
      boolean header = first && !looksNumeric(parts[0]);
      first = false;
      if (header) {
        continue;
      }
      if (parts.length != classes) {
        throw new IOException(where + ": " + parts.length + " values, expected " + classes);
      }
      float[] v = new float[classes];
      for (int k = 0; k < classes; k++) {
        String p = parts[k].strip();
        float x;
        try {
          x = Float.parseFloat(p);
        } catch (NumberFormatException e) {
          throw new IOException(where + ": value " + (k + 1) + " '" + p + "' is not a number");
        }
        if (!Float.isFinite(x)) {
          throw new IOException(where + ": value " + (k + 1) + " '" + p + "' is not finite");
        }
        if (x < 0) {
          throw new IOException(where + ": value " + (k + 1) + " is negative (" + p + ")");
        }
        v[k] = x;
      }
      try {
        vectors.add(normalised(v, where));
      } catch (IllegalArgumentException e) {
        throw new IOException(e.getMessage());
      }
    }
    if (vectors.isEmpty()) {
      throw new IOException(csv + ": no fraction vectors");
    }
    return vectors;
  }

  /** The component-wise mean of fraction vectors. */
  public static float[] mean(List<float[]> vectors) {
    float[] m = new float[vectors.get(0).length];
    for (float[] v : vectors) {
      for (int k = 0; k < m.length; k++) {
        m[k] += v[k] / vectors.size();
      }
    }
    return m;
  }

  private static boolean looksNumeric(String s) {
    try {
      Float.parseFloat(s.strip());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** {@code v / sum(v)}; requires finite non-negative entries with a positive sum. */
  static float[] normalised(float[] v, String what) {
    double sum = 0;
    for (int k = 0; k < v.length; k++) {
      if (!(v[k] >= 0) || Float.isInfinite(v[k])) {
        throw new IllegalArgumentException(
            what + ": entry " + k + " must be finite and >= 0, got " + v[k]);
      }
      sum += v[k];
    }
    if (!(sum > 0)) {
      throw new IllegalArgumentException(what + ": entries sum to 0");
    }
    float[] out = new float[v.length];
    for (int k = 0; k < v.length; k++) {
      out[k] = (float) (v[k] / sum);
    }
    return out;
  }

  private static final class Empirical implements FractionSampler {
    private static final long serialVersionUID = 1L;
    private final float[][] vectors;

    Empirical(float[][] vectors) {
      this.vectors = vectors;
    }

    @Override
    public float[] sample(long seed) {
      return vectors[new SplittableRandom(seed).nextInt(vectors.length)].clone();
    }

    @Override
    public String name() {
      return "empirical(n=" + vectors.length + ")";
    }
  }

  private static final class Listed implements FractionSampler {
    private static final long serialVersionUID = 1L;
    private final float[][] vectors;
    private final String name;

    Listed(float[][] vectors, String name) {
      this.vectors = vectors;
      this.name = name;
    }

    @Override
    public float[] sample(long seed) {
      return vectors[(int) Math.floorMod(seed, (long) vectors.length)].clone();
    }

    @Override
    public String name() {
      return name;
    }
  }

  private static final class Dirichlet implements FractionSampler {
    private static final long serialVersionUID = 1L;
    private final double[] alpha;
    private final String name;

    Dirichlet(double[] alpha, String name) {
      this.alpha = alpha;
      this.name = name;
    }

    @Override
    public float[] sample(long seed) {
      SplittableRandom rng = new SplittableRandom(seed);
      double[] g = new double[alpha.length];
      // Tiny alphas can underflow every draw to 0: redraw (deterministically, from the same
      // stream).
      for (int attempt = 0; attempt < 1000; attempt++) {
        double sum = 0;
        for (int k = 0; k < alpha.length; k++) {
          g[k] = alpha[k] > 0 ? gamma(alpha[k], rng) : 0;
          sum += g[k];
        }
        if (sum > 0 && Double.isFinite(sum)) {
          float[] out = new float[alpha.length];
          for (int k = 0; k < out.length; k++) {
            out[k] = (float) (g[k] / sum);
          }
          return out;
        }
      }
      throw new IllegalStateException("Dirichlet draw underflowed for seed " + seed);
    }

    @Override
    public String name() {
      return name;
    }
  }

  /**
   * Gamma(shape, 1) by Marsaglia and Tsang (2000); for {@code shape < 1} the draw for {@code shape
   * + 1} times {@code U^(1/shape)}.
   */
  static double gamma(double shape, SplittableRandom rng) {
    if (shape < 1) {
      double u = rng.nextDouble();
      return gamma(shape + 1, rng) * Math.pow(u, 1.0 / shape);
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / Math.sqrt(9.0 * d);
    while (true) {
      double x;
      double v;
      do {
        x = normal(rng);
        v = 1.0 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = rng.nextDouble();
      if (u < 1.0 - 0.0331 * x * x * x * x) {
        return d * v;
      }
      if (Math.log(u) < 0.5 * x * x + d * (1.0 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  /**
   * Standard normal by the Marsaglia polar method (one value per call, deterministic for the
   * stream).
   */
  private static double normal(SplittableRandom rng) {
    double u;
    double v;
    double s;
    do {
      u = rng.nextDouble() * 2 - 1;
      v = rng.nextDouble() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    return u * Math.sqrt(-2.0 * Math.log(s) / s);
  }
}
