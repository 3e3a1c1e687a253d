package com.synthscope.job;

import com.synthscope.udfs.detect.DetectorCatalog;
import com.synthscope.udfs.detect.ImageDetector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Which detectors a command runs and their model artifacts (audit, calibrate, demo). */
public final class DetectorSelection {

  @Option(
      names = "--detectors",
      split = ",",
      defaultValue = "dnf,nsnet",
      paramLabel = "NAME[,NAME]",
      description = "Detectors to run (default: ${DEFAULT-VALUE}).")
  List<String> names;

  @Option(
      names = "--model",
      paramLabel = "DETECTOR.ROLE=URI",
      description =
          "A detector's model artifact instead of the embedded one, e.g. dnf.classifier=hdfs:///models/dnf-cls, dnf.backbone=... (repeatable).")
  Map<String, String> models = new LinkedHashMap<>();

  /**
   * The detectors named, each once, in order; {@code DETECTOR.ROLE=URI} model options go to their
   * detector.
   */
  public List<ImageDetector> select(DetectorCatalog catalog) {
    try {
      return catalog.select(names, models, "--model");
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }

  /** {@code --model} as given: {@code DETECTOR.ROLE} to URI. */
  public Map<String, String> models() {
    return models;
  }
}
