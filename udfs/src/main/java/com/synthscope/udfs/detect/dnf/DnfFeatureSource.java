package com.synthscope.udfs.detect.dnf;

import com.synthscope.udfs.detect.FeatureSource;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.ModelEngine;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.model.ModelRegistry;
import org.apache.hadoop.conf.Configuration;

/**
 * DNF features (or, for the baseline, the prepared pixels) of images, for training a classifier on
 * them.
 *
 * @param backbone the diffusion backbone; null for {@link DnfFeature#PIXELS}
 */
public record DnfFeatureSource(DnfFeature feature, ModelRef backbone) implements FeatureSource {

  @Override
  public ModelEngine engine() {
    return ModelEngine.PYTORCH;
  }

  @Override
  public Extractor open(Configuration hadoopConf, ExecutionSettings settings) {
    DnfFeaturizer f =
        new DnfFeaturizer(
            feature,
            feature.isDnf() ? ModelRegistry.get().model(backbone, hadoopConf, settings) : null);
    return f::features;
  }
}
