package com.synthscope.job;

import com.synthscope.udfs.detect.ImageDetector;
import java.util.List;
import java.util.Map;

/**
 * The detectors {@code audit --detectors} can name. The built-in catalog has {@code dnf} and {@code nsnet}, each
 * on its embedded default models unless {@code --model DETECTOR.ROLE=URI} names others; tests hand commands another catalog through the
 * picocli factory ({@link SynthScopeCli#run(picocli.CommandLine.IFactory, java.io.PrintWriter,
 * java.io.PrintWriter, String...)}).
 */
public interface DetectorCatalog {

  /** The names, in the order the CLI lists them. */
  List<String> names();

  /**
   * A detector by name.
   *
   * @param models model URIs by role (e.g. {@code classifier}, {@code backbone}); a role not given: its embedded
   *     default
   * @throws ConfigurationException for an unknown name or role, or an unusable URI
   */
  ImageDetector create(String name, Map<String, String> models);

  /** {@code dnf} and {@code nsnet}. */
  static DetectorCatalog builtin() {
    return BuiltinDetectors.INSTANCE;
  }
}
