package com.synthscope.job.eval;

import com.synthscope.job.DnfModelOptions;
import com.synthscope.udfs.detect.ImageDetector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code synthscope eval dnf}: the DNF detector's metrics per test subset. */
@Command(
    name = "dnf",
    mixinStandardHelpOptions = true,
    description = {
      "Score a labelled set with the DNF detector and print accuracy, AP, real accuracy and fake",
      "accuracy per subset (generator). Last line: one JSON object."
    })
public final class EvalDnfCommand extends DetectorEvalCommand {

  @Mixin DnfModelOptions models;

  @Override
  ImageDetector detector(int batchSize) {
    return models.detector(domain.registry(), batchSize);
  }
}
