package com.synthscope.udfs.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.detect.nsnet.NsNetLoss;
import com.synthscope.udfs.detect.nsnet.NullSpace;
import com.synthscope.udfs.model.ArtifactWriter;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.TensorSpec;
import com.synthscope.udfs.nets.ContrastiveHead;
import com.synthscope.udfs.nets.ContrastiveHeadFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NS-Net's head (METHODS.md 2.3-2.5) on stored encoder features: standardisation and the null-space
 * projector computed from the training features, then the projection MLP and classifier trained
 * with {@code (1 - lambda) SupCon + lambda BCE} under the classifier trainer's schedule; exported
 * as a {@value NsNetDetector#HEAD_KIND} artifact that carries mean, scale and P as constants and
 * names its encoder.
 */
public final class NsNetHeadTraining {

  public static final int HIDDEN = 512;

  private NsNetHeadTraining() {}

  /** How P is made: none (the ablation), ridge on content targets, or semantic embeddings. */
  public record Projection(String method, NullSpace nullSpace) {
    public static Projection none() {
      return new Projection("none", null);
    }
  }

  /**
   * Mean and scale (standard deviation, at least 1e-6) of each feature over the training examples.
   */
  public static float[][] standardisation(List<ClassifierTrainer.Example> train) {
    int d = train.get(0).x().length;
    double[] sum = new double[d];
    double[] sq = new double[d];
    for (ClassifierTrainer.Example e : train) {
      for (int j = 0; j < d; j++) {
        sum[j] += e.x()[j];
        sq[j] += (double) e.x()[j] * e.x()[j];
      }
    }
    float[] mean = new float[d];
    float[] scale = new float[d];
    int n = train.size();
    for (int j = 0; j < d; j++) {
      double m = sum[j] / n;
      mean[j] = (float) m;
      scale[j] = (float) Math.max(1e-6, Math.sqrt(Math.max(0, sq[j] / n - m * m)));
    }
    return new float[][] {mean, scale};
  }

  /** Features standardised with the given mean and scale, as the head sees them before P. */
  public static double[][] standardised(List<float[]> features, float[][] meanScale) {
    double[][] out = new double[features.size()][];
    for (int i = 0; i < out.length; i++) {
      float[] f = features.get(i);
      out[i] = new double[f.length];
      for (int j = 0; j < f.length; j++) {
        out[i][j] = (f[j] - meanScale[0][j]) / meanScale[1][j];
      }
    }
    return out;
  }

  /**
   * The semantic subspace of a class structure, in the standardised feature space the head
   * projects: the K class vectors (class means, or the classifier's weight vectors), centred over
   * the classes (softmax ignores a shift common to all classes, and the grand mean is no class
   * direction), span K - 1 directions.
   *
   * <p>Class means {@code m_k} map to {@code (m_k - mean) / scale}; a weight vector {@code w_k}
   * acts on the raw features, {@code w_k . f = w_k . (mean + scale * z)}, so its direction in
   * standardised space is {@code w_k * scale}.
   *
   * @param classes K x d in the encoder's raw feature space
   * @param weights whether the rows are classifier weights (else class means)
   */
  public static NullSpace classSubspace(double[][] classes, float[][] meanScale, boolean weights) {
    int k = classes.length;
    int d = meanScale[0].length;
    if (k < 2) {
      throw new IllegalArgumentException("need at least 2 classes, got " + k);
    }
    double[][] v = new double[k][d];
    for (int c = 0; c < k; c++) {
      for (int j = 0; j < d; j++) {
        v[c][j] =
            weights
                ? classes[c][j] * meanScale[1][j]
                : (classes[c][j] - meanScale[0][j]) / meanScale[1][j];
      }
    }
    for (int j = 0; j < d; j++) {
      double m = 0;
      for (int c = 0; c < k; c++) {
        m += v[c][j] / k;
      }
      for (int c = 0; c < k; c++) {
        v[c][j] -= m;
      }
    }
    return NullSpace.fromEmbeddings(v, Math.min(k - 1, d));
  }

  /**
   * Trains and exports {@code out/model}.
   *
   * @param meanScale from {@link #standardisation} of the training examples
   * @param encoderId {@code id@sha256} of the encoder the features came from
   */
  public static Path run(
      List<ClassifierTrainer.Example> train,
      List<ClassifierTrainer.Example> validation,
      float[][] meanScale,
      Projection projection,
      String encoderId,
      ClassifierTrainer.Recipe recipe,
      float tau,
      float lambda,
      Path out,
      boolean resume,
      Map<String, Object> dataInfo,
      PrintStream progress)
      throws IOException {
    int d = train.get(0).x().length;
    float[] p = new float[d * d];
    if (projection.nullSpace() == null) {
      for (int i = 0; i < d; i++) {
        p[i * d + i] = 1f;
      }
    } else {
      double[][] m = projection.nullSpace().projector();
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          p[i * d + j] = (float) m[i][j];
        }
      }
    }
    ContrastiveHead head = new ContrastiveHead(d, HIDDEN);
    ClassifierTrainer.Objective objective =
        (outputs, labels) ->
            NsNetLoss.combined(outputs.get(1), outputs.get(0), labels, tau, lambda);
    ClassifierTrainer.Summary summary;
    try (NDManager constants = NDManager.newBaseManager("PyTorch")) {
      // Initialise here to set the constants; the trainer keeps initialised parameters (and a
      // resume overwrites them).
      head.initialize(constants, DataType.FLOAT32, new Shape(recipe.batch(), d));
      head.setConstants(meanScale[0], meanScale[1], p);
      summary =
          new ClassifierTrainer(recipe, head, new Shape(d), objective, out, progress)
              .run(train, validation, resume);
    }
    Path dir = out.resolve("model");
    DiffusionExport.fresh(dir);
    String kind = NsNetDetector.HEAD_KIND;
    Files.copy(
        summary.best().resolve(ClassifierTrainer.PREFIX + "-0000.params"),
        dir.resolve(kind + "-0000.params"));
    Map<String, Object> pre = new LinkedHashMap<>();
    pre.put("encoder", encoderId);
    pre.put("null_space", projection.method());
    pre.put(
        "semantic_rank",
        projection.nullSpace() == null ? 0 : projection.nullSpace().semanticRank());
    Map<String, Object> r = new LinkedHashMap<>();
    r.put(
        "head",
        "standardise, P, Linear " + HIDDEN + ", ReLU, Linear " + HIDDEN + " (z), ReLU, Linear 1");
    r.put("loss", "(1 - lambda) SupCon(tau) + lambda BCE");
    r.put("tau", tau);
    r.put("lambda", lambda);
    r.putAll(recipe.toMap());
    r.putAll(dataInfo);
    ArtifactWriter.write(
        dir,
        "nsnet-head-" + projection.method(),
        "1",
        kind,
        ModelFormat.DJL_PARAMS,
        kind + "-0000.params",
        ContrastiveHeadFactory.class.getName(),
        Map.of("dimension", d, "hidden", HIDDEN),
        List.of(new TensorSpec("features", List.of((long) d), "float32")),
        List.of(
            new TensorSpec("logit", List.of(1L), "float32"),
            new TensorSpec("projection", List.of((long) HIDDEN), "float32")),
        pre,
        r,
        summary.metrics());
    return dir;
  }
}
