package com.synthscope.job.train;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options every detector-head training command takes (data, output, generator filter, schedule,
 * the artifact's input contract, resume).
 */
final class HeadTrainingOptions {

  @Option(
      names = "--data",
      required = true,
      paramLabel = "URI",
      description =
          "Labelled images: Parquet with label (and split, generator, fractions) or folders 0_real/ 1_fake/.")
  String data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output folder (local).")
  Path out;

  @Option(
      names = "--train-generator",
      paramLabel = "NAME",
      description = "Train on real images and the generated images of this generator only.")
  String trainGenerator;

  @Option(
      names = "--patience",
      defaultValue = "5",
      description = "Epochs without validation gain before lr / 10 (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(
      names = "--features",
      paramLabel = "DIR",
      description =
          "Where the features are stored (default: OUT/features); reused when made from the same data, generator and extractor.")
  Path featuresDir;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of weights, order and flips (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--contract-scale",
      paramLabel = "F",
      description =
          "The input contract written into the artifact: the pixel scale of the training images relative to the source images audits will see (bench-data micrographs: 0.25 of MetalDAM); 0: a whole-image contract (default: 0.25 for grey data, 0 for colour data: photos are scored whole).")
  Double contractScale;

  /**
   * {@code --contract-scale}, or its default: the micrographs' tiles at 0.25 for grey data, the
   * whole image for colour data (a photo classifier stamped with tiles would be scored on tiles of
   * a quarter-size photo: nothing it learned).
   */
  double contractScale(boolean colour) {
    return contractScale != null ? contractScale : colour ? 0 : 0.25;
  }

  @Option(
      names = "--resume",
      description = "Continue OUT/checkpoint (same options; only --max-epochs may change).")
  boolean resume;

  Path features() {
    return featuresDir != null ? featuresDir : out.resolve("features");
  }

  /** What the manifest records about the training data. */
  java.util.Map<String, Object> dataInfo() {
    java.util.Map<String, Object> info = new java.util.LinkedHashMap<>();
    info.put("data", data);
    info.put("train_generator", trainGenerator == null ? "all" : trainGenerator);
    return info;
  }
}
