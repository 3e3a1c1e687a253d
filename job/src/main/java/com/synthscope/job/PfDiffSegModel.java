package com.synthscope.job;

import com.synthscope.udfs.augment.FractionSampler;
import com.synthscope.udfs.augment.FractionSamplers;
import com.synthscope.udfs.model.EmbeddedModels;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.train.PfDiffSegTraining;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import picocli.CommandLine.Option;

/**
 * The {@code --model} options of commands that generate with PF-DiffSeg, and the checks before they
 * start.
 */
public final class PfDiffSegModel {

  /**
   * The guidance scale for a model whose manifest names none: the scale the first embedded model
   * (10 000 steps, linear schedule) was measured best at.
   */
  public static final float FALLBACK_GUIDANCE = 4f;

  /**
   * The manifest key (in {@code preprocessing}) of the guidance scale a model is meant to be
   * sampled with: the scale its published figures were measured at (docs/pfdiffseg.md). A
   * better-trained model needs less guidance; the long run's model is sharper and steers closer at
   * 1.
   */
  public static final String GUIDANCE_KEY = "guidance";

  @Option(
      names = "--model",
      paramLabel = "URI",
      description =
          "PF-DiffSeg artifact (folder or .zip on any Hadoop filesystem); default: the embedded model.")
  String model;

  @Option(
      names = "--model-sha256",
      paramLabel = "HEX",
      description = "Expected sha256 of the artifact's manifest.")
  String sha256;

  /** {@code --model} as given; null: the embedded model. */
  public String uri() {
    return model;
  }

  public ModelRef ref() {
    if (model == null) {
      return EmbeddedModels.pfDiffSeg();
    }
    try {
      return ModelRef.of(URI.create(model), sha256, ModelFormat.DJL_PARAMS, PfDiffSegTraining.KIND);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--model " + model + ": " + e.getMessage(), e);
    }
  }

  /**
   * Fetches, verifies, loads and dry-runs the model on the driver; refuses anything but a pfdiffseg
   * model.
   */
  public FetchedModel preflight(Configuration hadoop) {
    return ModelPreflight.check(
        ref(), hadoop, null); // the reference's kind refuses any other model
  }

  /**
   * empirical | dirichlet | a CSV of vectors on any Hadoop filesystem (a cluster's driver may not
   * see the submitting machine's files: {@code --fractions hdfs:///conf/fractions.csv}).
   */
  public static FractionSampler fractions(
      String strategy, FetchedModel model, int classes, Configuration hadoop) {
    if (strategy.equals("empirical") || strategy.equals("dirichlet")) {
      return fractions(strategy, model, classes);
    }
    String notAFile =
        "--fractions must be empirical, dirichlet or a CSV file; " + strategy + " is none of these";
    try {
      org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(strategy);
      FileSystem fs = file.getFileSystem(hadoop);
      if (!fs.exists(file) || !fs.getFileStatus(file).isFile()) {
        throw new ConfigurationException(notAFile);
      }
      List<String> lines;
      try (BufferedReader in =
          new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
        lines = in.lines().toList();
      }
      return FractionSamplers.fromLines(lines, fs.makeQualified(file).toString(), classes);
    } catch (IllegalArgumentException e) { // not a path at all, e.g. an unknown URI scheme's syntax
      throw new ConfigurationException(notAFile, e);
    } catch (IOException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }

  /**
   * The model's own guidance scale ({@link #GUIDANCE_KEY} in its manifest), else {@link
   * #FALLBACK_GUIDANCE}: what augment, eval, demo and bench-data use when no --guidance is given.
   */
  public static float defaultGuidance(FetchedModel model) {
    Object w = model.manifest().preprocessing().get(GUIDANCE_KEY);
    if (w == null) {
      return FALLBACK_GUIDANCE;
    }
    if (!(w instanceof Number n) || !(n.floatValue() >= 0)) {
      throw new ConfigurationException(
          "model "
              + model.modelId()
              + ": preprocessing."
              + GUIDANCE_KEY
              + " must be a number >= 0");
    }
    return n.floatValue();
  }

  /** empirical | dirichlet, from the real training fractions the artifact ships. */
  public static FractionSampler fractions(String strategy, FetchedModel model, int classes) {
    if (!strategy.equals("empirical") && !strategy.equals("dirichlet")) {
      throw new IllegalArgumentException("not a built-in fraction strategy: " + strategy);
    }
    Path csv = model.folder().resolve(PfDiffSegTraining.FRACTIONS_FILE);
    if (!Files.isRegularFile(csv)) {
      throw new ConfigurationException(
          "model "
              + model.modelId()
              + " has no "
              + PfDiffSegTraining.FRACTIONS_FILE
              + ": give --fractions FILE");
    }
    try {
      List<float[]> real = FractionSamplers.readVectors(csv, classes);
      return strategy.equals("empirical")
          ? FractionSamplers.empirical(real)
          : FractionSamplers.dirichlet(
              FractionSamplers.mean(real),
              FractionSamplers.DEFAULT_CONCENTRATION,
              FractionSamplers.DEFAULT_BOOST);
    } catch (IOException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }
}
