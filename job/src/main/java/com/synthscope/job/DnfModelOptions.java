package com.synthscope.job;

import com.synthscope.udfs.detect.DetectorRegistry;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.model.ModelRef;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Model options of the DNF detector: classifier and backbone artifacts, the embedded ones by default. The same
 * settings as {@code audit --model dnf.ROLE=URI}, built by the detector registry.
 */
final class DnfModelOptions {

  @Option(names = "--classifier", paramLabel = "URI", description = "DNF classifier artifact; default: the embedded one (of --domain where the command has it).")
  String classifier;

  @Option(names = "--backbone", paramLabel = "URI", description = "DNF diffusion backbone artifact; default: the embedded one.")
  String backbone;

  @Option(names = "--backbone-format", paramLabel = "FORMAT", description = "Format of --backbone: torchscript, onnx or djl-params (default: djl-params).")
  String backboneFormat;

  /** As {@code --model dnf.ROLE=URI} settings. */
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

  ModelRef backboneRef() {
    try {
      return DetectorRegistry.builtin().ref("dnf", "backbone", settings());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }

  ImageDetector detector(int batch) {
    return detector(DetectorRegistry.builtin(), batch);
  }

  /** The detector over these settings, the family's embedded models for roles not given. */
  ImageDetector detector(DetectorRegistry registry, int batch) {
    try {
      return registry.create("dnf", settings(), batch);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }
}
