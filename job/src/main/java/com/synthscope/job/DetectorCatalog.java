package com.synthscope.job;

import com.synthscope.udfs.detect.ImageDetector;
import java.util.List;

/**
 * The detectors {@code audit --detectors} can name. The built-in catalog has {@code dnf} and {@code nsnet}, each
 * on its embedded default models unless a model URI is given; tests hand commands another catalog through the
 * picocli factory ({@link SynthScopeCli#run(picocli.CommandLine.IFactory, java.io.PrintWriter,
 * java.io.PrintWriter, String...)}).
 */
public interface DetectorCatalog {

  /** The names, in the order the CLI lists them. */
  List<String> names();

  /**
   * A detector by name.
   *
   * @param modelUris the model URI options given for it (empty: the embedded defaults)
   * @throws ConfigurationException for an unknown name or unusable options
   */
  ImageDetector create(String name, List<String> modelUris);

  /** {@code dnf} and {@code nsnet}. */
  static DetectorCatalog builtin() {
    return BuiltinDetectors.INSTANCE;
  }
}
