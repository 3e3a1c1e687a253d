package com.synthscope.job;

import com.synthscope.udfs.detect.DetectorDomain;
import com.synthscope.udfs.detect.DetectorRegistry;
import picocli.CommandLine.Option;

/**
 * {@code --domain photos|micrographs}: the detector family whose embedded models, fusion and
 * operating point a command uses where no model is named (default micrographs; docs/photos.md for
 * photos).
 */
public final class DomainOption {

  @Option(
      names = "--domain",
      defaultValue = "micrographs",
      paramLabel = "photos|micrographs",
      description =
          "Detector family: its embedded models, fitted fusion and operating point (default: ${DEFAULT-VALUE}; photos: the 32 px CIFAKE family, docs/photos.md).")
  String domain;

  public DetectorDomain domain() {
    try {
      return DetectorDomain.parse(domain);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--domain: " + e.getMessage(), e);
    }
  }

  public DetectorRegistry registry() {
    return DetectorRegistry.builtin(domain());
  }
}
