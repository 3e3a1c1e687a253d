package com.synthscope.job;

import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelRef;
import java.net.URI;

/** Model URIs from the command line. */
final class ModelOptions {

  private ModelOptions() {}

  /** A reference to an artifact that must be in {@code format} (its manifest is checked against it). */
  static ModelRef ref(String option, String uri, ModelFormat format) {
    try {
      return ModelRef.of(URI.create(uri), null, format);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(option + " " + uri + ": " + e.getMessage(), e);
    }
  }

  static ModelFormat format(String option, String id) {
    try {
      return ModelFormat.parse(id);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(option + ": " + e.getMessage(), e);
    }
  }
}
