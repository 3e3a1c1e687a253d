package com.synthscope.job;

import com.synthscope.udfs.model.ModelRef;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Model options of the DNF detector: classifier and backbone artifacts, the embedded ones by
 * default. The same settings as {@code audit --model dnf.ROLE=URI}, built by the detector registry.
 */
public final class DnfModelOptions extends DetectorModelOptions {

  @Override
  String detector() {
    return "dnf";
  }

  @Option(
      names = "--classifier",
      paramLabel = "URI",
      description =
          "DNF classifier artifact; default: the embedded one (of --domain where the command has it).")
  String classifier;

  @Option(
      names = "--backbone",
      paramLabel = "URI",
      description = "DNF diffusion backbone artifact; default: the embedded one.")
  String backbone;

  @Option(
      names = "--backbone-format",
      paramLabel = "FORMAT",
      description = "Format of --backbone: torchscript, onnx or djl-params (default: djl-params).")
  String backboneFormat;

  @Override
  Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>();
    if (classifier != null) {
      m.put("classifier", classifier);
    }
    if (backbone != null) {
      m.put("backbone", backbone);
    }
    if (backboneFormat != null) {
      m.put("backbone-format", backboneFormat);
    }
    return m;
  }

  public ModelRef backboneRef() {
    return ref("backbone");
  }
}
