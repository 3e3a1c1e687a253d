package com.synthscope.job;

import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelRef;
import java.net.URI;

/** Model URIs from the command line. */
public final class ModelOptions {

  private ModelOptions() {}

  /**
   * A reference to an artifact that must be in {@code format} and of {@code kind} (its manifest is
   * checked against both when it is fetched).
   */
  public static ModelRef ref(String option, String uri, ModelFormat format, String kind) {
    try {
      return ModelRef.of(URI.create(uri), null, format, kind);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(option + " " + uri + ": " + e.getMessage(), e);
    }
  }
}
