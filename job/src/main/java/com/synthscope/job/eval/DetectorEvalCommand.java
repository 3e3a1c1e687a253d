package com.synthscope.job.eval;

import com.synthscope.job.ConfigurationException;
import com.synthscope.job.DomainOption;
import com.synthscope.job.JobCommand;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.job.TileScoringOptions;
import com.synthscope.udfs.detect.DetectionMetrics;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.image.Perturbation;
import com.synthscope.udfs.spark.HadoopConf;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code eval <detector>}: scores a labelled set and prints the papers' metrics per subset, then
 * one JSON line.
 */
abstract class DetectorEvalCommand extends JobCommand {

  @Option(
      names = "--data",
      required = true,
      paramLabel = "URI",
      description =
          "Labelled images: Parquet (e.g. from 'bench-data micrographs') or folders [<split>/]<generator>/{0_real,1_fake}/.")
  String data;

  @Option(
      names = "--split",
      defaultValue = "test",
      description =
          "Rows of this split (rows without a split are always used; default: ${DEFAULT-VALUE}).")
  String split;

  @Option(
      names = "--batch",
      defaultValue = "16",
      description = "Images per model batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--perturb",
      paramLabel = "jpeg:Q|downup:F|blur:SIGMA|large:S",
      description =
          "Robustness test: perturb every image before scoring (JPEG re-compression at quality Q, down-scaling by F and back, Gaussian blur; large:S enlarges to S px and saves as JPEG q90).")
  String perturb;

  @Option(
      names = "--per-label",
      paramLabel = "N",
      description = "At most N images of each label, the first by id (default: all).")
  Integer perLabel;

  @Option(
      names = "--by",
      paramLabel = "COLUMN",
      description =
          "Also report the metrics per value of this Parquet column (e.g. cifar_class), joined on the table's path.")
  String by;

  @Mixin TileScoringOptions scoring;

  @Mixin DomainOption domain;

  @Option(
      names = "--threshold",
      paramLabel = "P|calibrated",
      description =
          "Accuracy at score >= P, or at the model's calibrated threshold ('synthscope calibrate'; 0.5 where it has none). Default: 0.5, the papers' threshold.")
  String threshold;

  @Option(
      names = "--scores",
      paramLabel = "FILE",
      description =
          "Write every image's score to this CSV (id, generator, label, score, group), e.g. for 'eval fused'.")
  java.nio.file.Path scores;

  private Perturbation perturbation;

  /** The detector to evaluate, from the command's model options. */
  abstract ImageDetector detector(int batchSize);

  @Override
  protected void validate() {
    if (batch < 1 || (perLabel != null && perLabel < 1)) {
      throw new ConfigurationException("--batch and --per-label must be >= 1");
    }
    try {
      perturbation = perturb == null ? null : Perturbation.parse(perturb);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--perturb: " + e.getMessage(), e);
    }
  }

  /**
   * {@code --threshold}: a number, or the calibrated threshold of the model ({@code calibrated}).
   */
  private double threshold(com.synthscope.udfs.detect.Calibration calibration) {
    if (threshold == null) {
      return 0.5;
    }
    if (threshold.equals("calibrated")) {
      return calibration == null ? 0.5 : calibration.threshold();
    }
    try {
      double t = Double.parseDouble(threshold);
      if (t >= 0 && t <= 1) {
        return t;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigurationException(
        "--threshold must be a probability in [0, 1] or 'calibrated', got " + threshold);
  }

  @Override
  protected int run(SparkSession session) throws Exception {
    ImageDetector detector = detector(batch).with(scoring.options());
    String modelIds = detector.preflight(HadoopConf.of(session).get());
    double at = threshold(detector.describe(HadoopConf.of(session).get()).calibration());
    long started = System.nanoTime();
    List<DetectorEvaluation.Scored> scored =
        DetectorEvaluation.score(session, detector, data, split, batch, perturbation, by, perLabel);
    double seconds = (System.nanoTime() - started) / 1e9;
    Map<String, DetectionMetrics> subsets = DetectorEvaluation.bySubset(scored, at);
    out()
        .printf(
            "%s %s on %s (%s split%s), %d images in %.1f s%n",
            detector.name(),
            modelIds,
            data,
            split,
            perturbation == null ? "" : ", " + perturbation.describe(),
            scored.size(),
            seconds);
    if (scores != null) {
      DetectorEvaluation.writeScores(scores, scored);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "eval " + detector.name());
    json.put("models", modelIds);
    json.put("data", data);
    json.put("split", split);
    json.put("perturbation", perturbation == null ? "none" : perturbation.toString());
    json.put("threshold", at);
    json.put("subsets", DetectorEvaluation.report(out(), subsets));
    if (by != null) {
      out().println("by " + by + ":");
      json.put(
          "by_" + by, DetectorEvaluation.report(out(), DetectorEvaluation.byGroup(scored, at)));
    }
    json.put("images_per_second", Math.round(scored.size() / seconds * 10) / 10.0);
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }
}
