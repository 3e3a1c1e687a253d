package com.synthscope.udfs.detect;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fused score fitted on validation data (METHODS.md section 4): {@code sigmoid(bias + sum_d
 * weight_d * logit_d)} over the detectors' image logits, fitted by logistic regression on held-out
 * real and generated images, with its own calibrated threshold. It holds for the exact models it
 * was fitted on ({@code models}: detector name to {@code id@sha256}); with other models or another
 * detector selection the audit falls back to {@link ScoreFusion#RULE}. Stored as {@value
 * #FILE_NAME}.
 */
public record LogisticFusion(
    double bias, Map<String, Double> weights, Map<String, String> models, Calibration calibration)
    implements Serializable {

  public static final String FILE_NAME = "synthscope-fusion.json";
  private static final Gson GSON =
      new GsonBuilder()
          .setPrettyPrinting()
          .disableHtmlEscaping()
          .serializeSpecialFloatingPointValues()
          .create();

  public LogisticFusion {
    weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    models = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
    if (!weights.keySet().equals(models.keySet())) {
      throw new IllegalArgumentException("fusion weights and models must name the same detectors");
    }
  }

  /** True when this fusion was fitted on exactly these detectors and models. */
  public boolean fits(Map<String, String> runModels) {
    return runModels.equals(models);
  }

  /** The fused probability; null when a detector has no logit. */
  public Double fuse(Map<String, Double> logits) {
    double z = bias;
    for (var w : weights.entrySet()) {
      Double l = logits.get(w.getKey());
      if (l == null || l.isNaN()) {
        return null;
      }
      z += w.getValue() * l;
    }
    return 1 / (1 + Math.exp(-z));
  }

  /** In words, for reports. */
  public String describe() {
    StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT, "sigmoid(%.3f", bias));
    weights.forEach(
        (d, w) -> b.append(String.format(java.util.Locale.ROOT, " %+.3f * %s logit", w, d)));
    return b.append(")").toString();
  }

  /**
   * Fits bias and weights by logistic regression (Newton's method, a small ridge for stability) on
   * the logits of held-out images, then the threshold for {@code targetFpr} on the real ones.
   *
   * @param logits per detector, one logit per image, in the same image order
   * @param labels 0 real, 1 generated
   */
  public static LogisticFusion fit(
      List<String> detectors,
      double[][] logits,
      int[] labels,
      Map<String, String> models,
      double targetFpr,
      String data) {
    return fit(detectors, logits, labels, models, Double.toString(targetFpr), data);
  }

  /**
   * As {@link #fit(List, double[][], int[], Map, double, String)} with the operating point fitted
   * by a rule ({@link Calibration#fit(String, double[], double[], String)}: {@code fpr:R} or {@code
   * balanced}).
   */
  public static LogisticFusion fit(
      List<String> detectors,
      double[][] logits,
      int[] labels,
      Map<String, String> models,
      String operatingRule,
      String data) {
    int d = detectors.size();
    int n = labels.length;
    double[] beta = new double[d + 1];
    for (int iter = 0; iter < 50; iter++) {
      double[] g = new double[d + 1];
      double[][] h = new double[d + 1][d + 1];
      for (int i = 0; i < n; i++) {
        double[] x = row(logits, i, d);
        double p = sigmoid(dot(beta, x));
        for (int a = 0; a <= d; a++) {
          g[a] += (p - labels[i]) * x[a];
          for (int b = 0; b <= d; b++) {
            h[a][b] += p * (1 - p) * x[a] * x[b];
          }
        }
      }
      for (int a = 0; a <= d; a++) {
        h[a][a] += 1e-3;
        g[a] += 1e-3 * beta[a];
      }
      double[] step = solve(h, g);
      double norm = 0;
      for (int a = 0; a <= d; a++) {
        beta[a] -= step[a];
        norm += step[a] * step[a];
      }
      if (norm < 1e-12) {
        break;
      }
    }
    Map<String, Double> w = new LinkedHashMap<>();
    for (int k = 0; k < d; k++) {
      w.put(detectors.get(k), beta[k + 1]);
    }
    int real = 0;
    for (int l : labels) {
      real += l == 0 ? 1 : 0;
    }
    double[] r = new double[real];
    double[] f = new double[n - real];
    int ri = 0;
    int fi = 0;
    for (int i = 0; i < n; i++) {
      double p = sigmoid(dot(beta, row(logits, i, d)));
      if (labels[i] == 0) {
        r[ri++] = p;
      } else {
        f[fi++] = p;
      }
    }
    return new LogisticFusion(beta[0], w, models, Calibration.fit(operatingRule, r, f, data));
  }

  public String toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rule", "logistic fusion of detector logits");
    m.put("bias", bias);
    m.put("weights", new LinkedHashMap<>(weights));
    m.put("models", new LinkedHashMap<>(models));
    m.put("calibration", calibration.toMap());
    return GSON.toJson(m) + "\n";
  }

  /** Where the embedded fusion of the embedded detectors lies on the classpath. */
  public static final String EMBEDDED = "/synthscope/models/fusion/" + FILE_NAME;

  /** The embedded fusion (fitted on the embedded models), or null when this build has none. */
  public static LogisticFusion embedded() {
    return embedded(EMBEDDED);
  }

  /**
   * A family's embedded fusion ({@link DetectorDomain#fusionResource()}), or null when this build
   * has none.
   */
  public static LogisticFusion embedded(DetectorDomain domain) {
    return embedded(domain.fusionResource());
  }

  /**
   * {@code embedded:<name>}: the fusion stored as {@code /synthscope/models/fusion/<name>.json};
   * null if absent.
   */
  public static LogisticFusion embedded(java.net.URI uri) {
    return embedded("/synthscope/models/fusion/" + uri.getSchemeSpecificPart() + ".json");
  }

  private static LogisticFusion embedded(String resource) {
    try (java.io.InputStream in = LogisticFusion.class.getResourceAsStream(resource)) {
      return in == null
          ? null
          : fromJson(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The fused score rule a run uses: this fusion when there are several detectors and it was fitted
   * on exactly their models, else null (the mean of the probabilities).
   */
  public static LogisticFusion choose(LogisticFusion fusion, Map<String, String> runModels) {
    return fusion != null && runModels.size() > 1 && fusion.fits(runModels) ? fusion : null;
  }

  @SuppressWarnings("unchecked")
  public static LogisticFusion fromJson(String json) {
    Map<String, Object> m = GSON.fromJson(json, Map.class);
    Map<String, Double> w = new LinkedHashMap<>();
    ((Map<String, Object>) m.get("weights"))
        .forEach((k, v) -> w.put(k, ((Number) v).doubleValue()));
    Map<String, String> models = new LinkedHashMap<>();
    ((Map<String, Object>) m.get("models")).forEach((k, v) -> models.put(k, String.valueOf(v)));
    return new LogisticFusion(
        ((Number) m.get("bias")).doubleValue(),
        w,
        models,
        Calibration.fromMap((Map<?, ?>) m.get("calibration")));
  }

  private static double[] row(double[][] logits, int i, int d) {
    double[] x = new double[d + 1];
    x[0] = 1;
    for (int k = 0; k < d; k++) {
      x[k + 1] = logits[k][i];
    }
    return x;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  /** Gaussian elimination with partial pivoting (tiny systems). */
  private static double[] solve(double[][] a0, double[] b0) {
    int n = b0.length;
    double[][] a = new double[n][];
    for (int i = 0; i < n; i++) {
      a[i] = a0[i].clone();
    }
    double[] b = b0.clone();
    for (int c = 0; c < n; c++) {
      int p = c;
      for (int r = c + 1; r < n; r++) {
        if (Math.abs(a[r][c]) > Math.abs(a[p][c])) {
          p = r;
        }
      }
      double[] t = a[c];
      a[c] = a[p];
      a[p] = t;
      double tb = b[c];
      b[c] = b[p];
      b[p] = tb;
      for (int r = c + 1; r < n; r++) {
        double f = a[r][c] / a[c][c];
        b[r] -= f * b[c];
        for (int k = c; k < n; k++) {
          a[r][k] -= f * a[c][k];
        }
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = b[r];
      for (int k = r + 1; k < n; k++) {
        s -= a[r][k] * x[k];
      }
      x[r] = s / a[r][r];
    }
    return x;
  }
}
