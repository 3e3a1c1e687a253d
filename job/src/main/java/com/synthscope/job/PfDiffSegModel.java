package com.synthscope.job;

import com.synthscope.udfs.augment.FractionSampler;
import com.synthscope.udfs.augment.FractionSamplers;
import com.synthscope.udfs.model.EmbeddedModels;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.ModelException;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.train.PfDiffSegTraining;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Option;

/** The {@code --model} options of commands that generate with PF-DiffSeg, and the checks before they start. */
public final class PfDiffSegModel {

  @Option(names = "--model", paramLabel = "URI", description = "PF-DiffSeg artifact (folder or .zip on any Hadoop filesystem); default: the embedded model.")
  String model;

  @Option(names = "--model-sha256", paramLabel = "HEX", description = "Expected sha256 of the artifact's manifest.")
  String sha256;

  ModelRef ref() {
    if (model == null) {
      return EmbeddedModels.pfDiffSeg();
    }
    try {
      return ModelRef.of(URI.create(model), sha256, ModelFormat.DJL_PARAMS);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--model " + model + ": " + e.getMessage(), e);
    }
  }

  /** Fetches, verifies, loads and dry-runs the model on the driver; refuses anything but a pfdiffseg model. */
  FetchedModel preflight(Configuration hadoop) {
    FetchedModel f = ModelPreflight.check(ref(), hadoop, null);
    if (!PfDiffSegTraining.KIND.equals(f.manifest().kind())) {
      throw new ModelException(ref().displayName(), "is a " + f.manifest().kind() + " model, not pfdiffseg",
          "pass a PF-DiffSeg artifact to --model");
    }
    return f;
  }

  /** empirical | dirichlet | a CSV of vectors. */
  static FractionSampler fractions(String strategy, FetchedModel model, int classes) {
    try {
      if (strategy.equals("empirical") || strategy.equals("dirichlet")) {
        Path csv = model.folder().resolve(PfDiffSegTraining.FRACTIONS_FILE);
        if (!Files.isRegularFile(csv)) {
          throw new ConfigurationException("model " + model.modelId() + " has no " + PfDiffSegTraining.FRACTIONS_FILE
              + ": give --fractions FILE");
        }
        List<float[]> real = FractionSamplers.readVectors(csv, classes);
        return strategy.equals("empirical") ? FractionSamplers.empirical(real)
            : FractionSamplers.dirichlet(FractionSamplers.mean(real), FractionSamplers.DEFAULT_CONCENTRATION,
                FractionSamplers.DEFAULT_BOOST);
      }
      Path file = Path.of(strategy);
      if (!Files.isRegularFile(file)) {
        throw new ConfigurationException("--fractions must be empirical, dirichlet or a CSV file; " + strategy
            + " is none of these");
      }
      return FractionSamplers.fromFile(file, classes);
    } catch (IOException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }
}
