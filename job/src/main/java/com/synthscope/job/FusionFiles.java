package com.synthscope.job;

import com.synthscope.udfs.detect.LogisticFusion;
import com.synthscope.udfs.model.EmbeddedModels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the {@code --fusion FILE|embedded:NAME} that audit, calibrate and eval fused take: in the
 * core package so that the audit does not depend on the eval commands.
 */
public final class FusionFiles {

  private FusionFiles() {}

  /** A fitted fusion from a local JSON file or an embedded one; a one-line reason otherwise. */
  public static LogisticFusion load(String uri) {
    try {
      if (uri.startsWith(EmbeddedModels.SCHEME + ":")) {
        LogisticFusion f = LogisticFusion.embedded(java.net.URI.create(uri));
        if (f == null) {
          throw new ConfigurationException(
              "--fusion " + uri + ": no such embedded fusion in this build");
        }
        return f;
      }
      return LogisticFusion.fromJson(Files.readString(Path.of(uri), StandardCharsets.UTF_8));
    } catch (java.io.IOException | RuntimeException e) {
      if (e instanceof ConfigurationException c) {
        throw c;
      }
      throw new ConfigurationException("--fusion " + uri + ": " + e.getMessage(), e);
    }
  }
}
