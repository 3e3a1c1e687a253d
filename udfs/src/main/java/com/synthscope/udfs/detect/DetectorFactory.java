package com.synthscope.udfs.detect;

import com.synthscope.udfs.model.ModelRef;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * How one detector is built: its name, the models it takes by role, and the detector over resolved
 * references. Each detector package has one; {@link DetectorRegistry#builtin()} lists them, so
 * adding a detector touches its own package plus that one registration.
 */
public interface DetectorFactory {

  /** Short lower-case name; the audit's score column is {@code name() + "_score"}. */
  String name();

  /** The models it is built from, by role. */
  List<ModelRole> models();

  /**
   * The detector over references whose kinds are already set from {@link #models()}.
   *
   * @param models one reference per role of {@link #models()}
   */
  ImageDetector build(Map<String, ModelRef> models, int batchSize);

  /**
   * The frozen feature extractor the detector's head reads (on the driver: it may read a manifest
   * to know which feature).
   *
   * @param models one reference per role of {@link #models()}
   */
  FeatureSource features(Map<String, ModelRef> models, Configuration hadoopConf);
}
