package com.synthscope.job.train;

import com.synthscope.job.ConfigurationException;
import com.synthscope.job.JobCommand;
import com.synthscope.job.NsNetModelOptions;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.job.TrainingOutput;
import com.synthscope.udfs.detect.DetectorContract;
import com.synthscope.udfs.detect.nsnet.NsNetEncoder;
import com.synthscope.udfs.detect.nsnet.NsNetFeatureSource;
import com.synthscope.udfs.detect.nsnet.NullSpace;
import com.synthscope.udfs.detect.nsnet.PatchSelection;
import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.ModelException;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.spark.HadoopConf;
import com.synthscope.udfs.spark.LabelledImages;
import com.synthscope.udfs.train.ClassifierTrainer;
import com.synthscope.udfs.train.NsNetHeadTraining;
import com.synthscope.udfs.train.PhotoEncoderTraining;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code synthscope train nsnet}: NS-Net's head on frozen encoder features computed once by Spark.
 */
@Command(
    name = "nsnet",
    mixinStandardHelpOptions = true,
    description = {
      "Train NS-Net's head: features of shuffled patch-selection canvases through the frozen encoder",
      "are computed once by a Spark job into OUT/features; the null-space projector P comes from them (ridge on",
      "the data's phase fractions, or semantic embeddings, or none for the ablation); then the projection MLP and",
      "classifier train with (1 - lambda) SupCon + lambda BCE. Writes OUT/checkpoint (resumable), OUT/best,",
      "OUT/metrics.csv and the artifact OUT/model."
    })
public final class TrainNsNetCommand extends JobCommand {

  @Option(
      names = "--null-space",
      paramLabel = "ridge|classes|classes:weights|none|energy:E|k:K",
      description =
          "ridge: semantic directions from a ridge regression of features on the data's fractions column; classes: the class-mean directions the photo encoder carries (classes:weights: its classifier's weight vectors); none: no projection (the ablation); energy:E or k:K: SVD of the embeddings in --semantic, or without it of the encoder's class means. Default: classes:weights for an encoder that carries its class structure (the photo encoder; best in docs/photos.md), else ridge.")
  String nullSpace;

  @Option(
      names = "--semantic",
      paramLabel = "URI",
      description =
          "Semantic embeddings (n x d) for energy:/k: null spaces: Parquet with an array column 'embedding'.")
  String semantic;

  @Option(
      names = "--ridge-lambda",
      defaultValue = "1.0",
      description = "Ridge penalty for --null-space ridge (default: ${DEFAULT-VALUE}).")
  double ridgeLambda;

  @Option(
      names = "--lambda",
      defaultValue = "0.2",
      description = "Weight of BCE against SupCon (default: ${DEFAULT-VALUE}).")
  float lambda;

  @Option(
      names = "--tau",
      defaultValue = "0.07",
      description = "SupCon temperature (default: ${DEFAULT-VALUE}).")
  float tau;

  @Option(
      names = "--batch",
      defaultValue = "64",
      description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "2e-4",
      description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(
      names = "--data-scale",
      paramLabel = "F",
      description =
          "The pixel scale of the --data images relative to the source images audits see. Unset: the images are crops already at the detector's scale (bench-data micrographs), used as they are. Set (e.g. 1 for bench-data whole: full-size micrographs, crops of varied size, generated images as audits meet them): every image goes the audit's way (band cut, resampled by the contract scale / F, patch selection on the specimen).")
  Double dataScale;

  @Option(
      names = "--max-epochs",
      defaultValue = "60",
      description = "Epoch limit (default: ${DEFAULT-VALUE}).")
  int maxEpochs;

  @Mixin HeadTrainingOptions training;

  @Mixin NsNetModelOptions models;

  private ClassifierTrainer.Recipe recipe;

  @Override
  protected void validate() {
    try {
      recipe =
          new ClassifierTrainer.Recipe(
              batch, learningRate, training.patience, 1e-6f, maxEpochs, false, training.seed);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
    if (dataScale != null && !(dataScale > 0 && training.contractScale(false) > 0)) {
      throw new ConfigurationException(
          "--data-scale must be > 0, with a tiled contract (--contract-scale > 0)");
    }
    if (!(lambda >= 0 && lambda <= 1) || !(tau > 0)) {
      throw new ConfigurationException("--lambda must be in [0, 1] and --tau > 0");
    }
    if (nullSpace == null) {
      return; // decided by the encoder
    }
    boolean svd = nullSpace.startsWith("energy:") || nullSpace.startsWith("k:");
    if (!svd && !List.of("ridge", "none", "classes", "classes:weights").contains(nullSpace)) {
      throw new ConfigurationException(
          "--null-space must be ridge, classes, classes:weights, none, energy:E or k:K,"
              + " got "
              + nullSpace);
    }
  }

  /**
   * The encoder's class structure (K x d, raw feature space) under {@code key}, or null when it has
   * none.
   */
  static double[][] classStructure(FetchedModel encoder, String key) {
    Object o = encoder.manifest().preprocessing().get(key);
    if (!(o instanceof List<?> rows) || rows.isEmpty()) {
      return null;
    }
    double[][] m = new double[rows.size()][];
    for (int k = 0; k < m.length; k++) {
      List<?> row = (List<?>) rows.get(k);
      m[k] = new double[row.size()];
      for (int j = 0; j < m[k].length; j++) {
        m[k][j] = ((Number) row.get(j)).doubleValue();
      }
    }
    return m;
  }

  /**
   * The input contract the head is stamped with: a whole-image encoder (the photo family) takes the
   * image resized whole, in colour; a canvas encoder learned 32 px patches at {@code
   * --contract-scale} (0: the whole image).
   */
  private DetectorContract headContract(FetchedModel encoder) {
    int size = NsNetEncoder.wholeImageSize(encoder.manifest());
    if (size != PatchSelection.CANVAS) {
      return DetectorContract.whole(size, ColorMode.RGB);
    }
    return training.contractScale(false) == 0
        ? DetectorContract.whole(PatchSelection.PATCH, ColorMode.GREY)
        : new DetectorContract(
            DetectorContract.Kind.TILES,
            PatchSelection.PATCH,
            training.contractScale(false),
            ColorMode.GREY);
  }

  /**
   * How training pictures reach the encoder: as they are, or (--data-scale) the audit's way, see
   * the option.
   */
  private DetectorContract specimenContract(FetchedModel encoder) {
    DetectorContract head = headContract(encoder);
    if (dataScale == null || !head.tiled()) {
      return null;
    }
    return head.withScale(training.contractScale(false) / dataScale);
  }

  /**
   * The encoder as verified on the driver, pinned by its manifest checksum for the executors and
   * the features.
   */
  private ModelRef pinned(FetchedModel encoder) {
    ModelRef ref = models.encoderRef();
    return ref.withSha256(encoder.manifestSha256());
  }

  @Override
  protected int run(SparkSession session) throws Exception {
    long started = System.nanoTime();
    HadoopConf conf = HadoopConf.of(session);
    FetchedModel encoder = ModelPreflight.check(models.encoderRef(), conf.get(), null);
    if (encoder.manifest().outputs().isEmpty()
        || encoder.manifest().outputs().get(0).shape().size() != 1) {
      throw new ModelException(
          models.encoderRef().displayName(),
          "does not output one feature vector",
          "pass an encoder with the contract image [3,224,224] -> [d]");
    }
    if (nullSpace == null) {
      // classes:weights measured best of the photo null spaces on CIFAKE's held-out test split
      // (docs/photos.md)
      nullSpace =
          classStructure(encoder, PhotoEncoderTraining.CLASS_WEIGHTS) != null
              ? "classes:weights"
              : "ridge";
    }
    boolean svd = nullSpace.startsWith("energy:") || nullSpace.startsWith("k:");
    if (svd
        && semantic == null
        && classStructure(encoder, PhotoEncoderTraining.CLASS_MEANS) == null) {
      throw new ConfigurationException(
          "--null-space "
              + nullSpace
              + " needs --semantic with the embeddings (or an"
              + " encoder that carries class means)");
    }
    if (nullSpace.equals("ridge")
        && LabelledImages.read(session, training.data)
                .filter(org.apache.spark.sql.functions.col("fractions").isNotNull())
                .limit(2)
                .count()
            < 2) {
      // before the features: computing them may take many minutes
      throw new ConfigurationException(
          "--null-space ridge needs a fractions column in --data (content targets);"
              + " use --null-space none or energy:/k: with --semantic");
    }
    DetectorTrainingData.Sets sets =
        DetectorTrainingData.load(
            session,
            training.data,
            training.trainGenerator,
            new NsNetFeatureSource(pinned(encoder), true, specimenContract(encoder)),
            training.features(),
            conf,
            out());
    float[][] meanScale = NsNetHeadTraining.standardisation(sets.train());
    NsNetHeadTraining.Projection projection = projection(session, sets, meanScale, encoder);
    out()
        .printf(
            "null space: %s, semantic rank %d of %d features%n",
            projection.method(),
            projection.nullSpace() == null ? 0 : projection.nullSpace().semanticRank(),
            meanScale[0].length);
    Map<String, Object> info = training.dataInfo();
    info.put(
        "canvases",
        "shuffled patch selection, one per image, seeded by its pixels"
            + (dataScale == null
                ? ""
                : "; pictures taken the audit's way (band cut, resampled by "
                    + training.contractScale(false) / dataScale
                    + ")"));
    Path artifact =
        NsNetHeadTraining.run(
            sets.train(),
            sets.validation(),
            meanScale,
            projection,
            encoder.modelId(),
            recipe,
            tau,
            lambda,
            training.out,
            training.resume,
            info,
            TrainingOutput.of(out()));
    ArtifactContract.stamp(artifact, headContract(encoder));
    out().println("model artifact: " + artifact);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "train nsnet");
    json.put("artifact", artifact.toString());
    json.put("encoder", encoder.modelId());
    json.put("null_space", projection.method());
    json.put("train_examples", sets.train().size());
    json.put("validation_examples", sets.validation().size());
    json.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }

  private NsNetHeadTraining.Projection projection(
      SparkSession session,
      DetectorTrainingData.Sets sets,
      float[][] meanScale,
      FetchedModel encoder) {
    if (nullSpace.equals("none")) {
      return NsNetHeadTraining.Projection.none();
    }
    if (nullSpace.startsWith("classes")) {
      boolean weights = nullSpace.equals("classes:weights");
      double[][] c =
          classStructure(
              encoder,
              weights ? PhotoEncoderTraining.CLASS_WEIGHTS : PhotoEncoderTraining.CLASS_MEANS);
      if (c == null || c[0].length != meanScale[0].length) {
        throw new ConfigurationException(
            "--null-space "
                + nullSpace
                + " needs an encoder that carries its class"
                + " structure (a photo encoder from 'train nsnet-encoder --data'); "
                + encoder.modelId()
                + " has none");
      }
      try {
        return new NsNetHeadTraining.Projection(
            nullSpace, NsNetHeadTraining.classSubspace(c, meanScale, weights));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException("--null-space " + nullSpace + ": " + e.getMessage(), e);
      }
    }
    if (nullSpace.equals("ridge")) {
      List<float[]> features = new ArrayList<>();
      List<float[]> targets = new ArrayList<>();
      for (int i = 0; i < sets.train().size(); i++) {
        if (sets.trainFractions().get(i) != null) {
          features.add(sets.train().get(i).x());
          targets.add(sets.trainFractions().get(i));
        }
      }
      if (features.size() < 2) {
        throw new ConfigurationException(
            "--null-space ridge needs a fractions column in --data (content targets);"
                + " use --null-space none or energy:/k: with --semantic");
      }
      double[][] y = new double[targets.size()][];
      for (int i = 0; i < y.length; i++) {
        y[i] = new double[targets.get(i).length];
        for (int j = 0; j < y[i].length; j++) {
          y[i][j] = targets.get(i)[j];
        }
      }
      return new NsNetHeadTraining.Projection(
          "ridge",
          NullSpace.fromRidge(NsNetHeadTraining.standardised(features, meanScale), y, ridgeLambda));
    }
    List<float[]> embeddings = new ArrayList<>();
    if (semantic == null) { // the encoder's class means stand for the semantic embeddings
      for (double[] row : classStructure(encoder, PhotoEncoderTraining.CLASS_MEANS)) {
        float[] f = new float[row.length];
        for (int j = 0; j < f.length; j++) {
          f[j] = (float) row[j];
        }
        embeddings.add(f);
      }
    }
    for (org.apache.spark.sql.Row r :
        semantic == null
            ? List.<org.apache.spark.sql.Row>of()
            : session.read().parquet(semantic).select("embedding").collectAsList()) {
      List<Float> e = r.getList(0);
      float[] f = new float[e.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = e.get(i);
      }
      embeddings.add(f);
    }
    if (embeddings.isEmpty() || embeddings.get(0).length != meanScale[0].length) {
      throw new ConfigurationException(
          "--semantic embeddings must be "
              + meanScale[0].length
              + "-dimensional, as the"
              + " encoder's features");
    }
    double[][] v = NsNetHeadTraining.standardised(embeddings, meanScale);
    String[] spec = nullSpace.split(":", 2);
    try {
      NullSpace ns =
          spec[0].equals("energy")
              ? NullSpace.fromEmbeddings(v, Double.parseDouble(spec[1]))
              : NullSpace.fromEmbeddings(v, Integer.parseInt(spec[1]));
      return new NsNetHeadTraining.Projection(nullSpace, ns);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--null-space " + nullSpace + ": " + e.getMessage(), e);
    }
  }
}
