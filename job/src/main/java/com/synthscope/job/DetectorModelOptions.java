package com.synthscope.job;

import com.synthscope.udfs.detect.DetectorRegistry;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.model.ModelRef;
import java.util.Map;

/**
 * What the per-detector model option mixins ({@link DnfModelOptions}, {@link NsNetModelOptions})
 * share: their options as {@code --model DETECTOR.ROLE=URI} settings, resolved by the detector
 * registry.
 */
public abstract class DetectorModelOptions {

  /** The registry name of the detector these options configure. */
  abstract String detector();

  /** As {@code --model DETECTOR.ROLE=URI} settings. */
  abstract Map<String, String> settings();

  /** One role's model, the embedded one when not given. */
  ModelRef ref(String role) {
    try {
      return DetectorRegistry.builtin().ref(detector(), role, settings());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }

  public ImageDetector detector(int batch) {
    return detector(DetectorRegistry.builtin(), batch);
  }

  /** The detector over these settings, the family's embedded models for roles not given. */
  public ImageDetector detector(DetectorRegistry registry, int batch) {
    try {
      return registry.create(detector(), settings(), batch);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }
}
