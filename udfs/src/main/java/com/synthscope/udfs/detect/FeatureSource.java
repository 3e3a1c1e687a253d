package com.synthscope.udfs.detect;

import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.ModelEngine;
import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * A frozen feature extractor as jobs use it (DNF's noise feature, NS-Net's encoder embedding):
 * serializable, opened once per task into a batch function. Detector heads are trained on what it
 * computes, extracted once by a Spark job ({@code spark.FeatureExtraction}).
 */
public interface FeatureSource extends Serializable {

  ModelEngine engine();

  /** In a task: the extractor's models behind a batch function for this thread. */
  Extractor open(Configuration hadoopConf, ExecutionSettings settings);

  @FunctionalInterface
  interface Extractor {
    /** One flat feature per image, in order. */
    List<float[]> features(List<BufferedImage> images);
  }
}
