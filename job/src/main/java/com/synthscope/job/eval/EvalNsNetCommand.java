package com.synthscope.job.eval;

import com.synthscope.job.NsNetModelOptions;
import com.synthscope.udfs.detect.ImageDetector;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code synthscope eval nsnet}: the NS-Net detector's metrics per test subset. */
@Command(
    name = "nsnet",
    mixinStandardHelpOptions = true,
    description = {
      "Score a labelled set with the NS-Net detector and print accuracy, AP, real accuracy and fake",
      "accuracy per subset (generator). Last line: one JSON object."
    })
public final class EvalNsNetCommand extends DetectorEvalCommand {

  @Mixin NsNetModelOptions models;

  @Override
  ImageDetector detector(int batchSize) {
    return models.detector(domain.registry(), batchSize);
  }
}
