package com.synthscope.job;

import com.synthscope.udfs.detect.dnf.DnfDetector;
import com.synthscope.udfs.model.EmbeddedModels;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelRef;
import picocli.CommandLine.Option;

/** Model options of the DNF detector: classifier and backbone artifacts, the embedded ones by default. */
final class DnfModelOptions {

  @Option(names = "--classifier", paramLabel = "URI", description = "DNF classifier artifact; default: the embedded one.")
  String classifier;

  @Option(names = "--backbone", paramLabel = "URI", description = "DNF diffusion backbone artifact; default: the embedded one.")
  String backbone;

  @Option(names = "--backbone-format", defaultValue = "djl-params", paramLabel = "FORMAT", description = "Format of --backbone: torchscript, onnx or djl-params (default: ${DEFAULT-VALUE}).")
  String backboneFormat;

  ModelRef backboneRef() {
    return backbone == null ? EmbeddedModels.dnfBackbone()
        : ModelOptions.ref("--backbone", backbone, ModelOptions.format("--backbone-format", backboneFormat));
  }

  DnfDetector detector(int batch) {
    ModelRef c = classifier == null ? EmbeddedModels.dnfClassifier() : ModelOptions.ref("--classifier", classifier, ModelFormat.DJL_PARAMS);
    return new DnfDetector(c, backboneRef(), batch);
  }
}
