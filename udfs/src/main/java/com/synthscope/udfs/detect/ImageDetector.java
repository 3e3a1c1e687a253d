package com.synthscope.udfs.detect;

import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.ModelEngine;
import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * A detector of generated images as jobs use it: a small serializable description (model references
 * and settings, never loaded models) that the driver checks once and every executor opens into a
 * batch scorer.
 *
 * <p>Implementations: {@code dnf.DnfDetector}, {@code nsnet.NsNetDetector}. Each does its own
 * pre-processing from the decoded picture, so callers hand over images exactly as {@code
 * image.ImageDecoder} returned them.
 */
public interface ImageDetector extends Serializable {

  /** Short lower-case name; score columns are {@code name() + "_score"}. */
  String name();

  /** The engine its models run on (for the task's device choice). */
  ModelEngine engine();

  /** Images per model batch. */
  int batchSize();

  /**
   * Native memory (bytes) one image in a model batch costs while the batch runs: the intermediates
   * of its models at the input contract's shapes, measured. Jobs size batches with it; 0 when
   * unknown (no cap).
   */
  default long batchImageBytes() {
    return 0;
  }

  /**
   * On the driver, before any task: fetches, verifies and dry-runs every model, and checks that
   * they belong together. Throws {@code model.ModelException} with what to fix.
   *
   * @return the models as {@code id@sha256} (several joined by {@code +}), for the output's {@code
   *     models} column
   */
  String preflight(Configuration hadoopConf);

  /**
   * In a task: the detector's models (loaded once per JVM and device) behind a scorer for this
   * thread.
   */
  Scorer open(Configuration hadoopConf, ExecutionSettings settings);

  /**
   * The same detector scoring whole images by other options (scale override, tile cap,
   * aggregation). Detectors without a contract ignore them.
   */
  default ImageDetector with(ScoringOptions options) {
    return this;
  }

  /**
   * On the driver: {@link #preflight} and what the models say about their use: the input contract,
   * the calibrated operating point and the domain summary. Detectors without such records return
   * only their ids.
   */
  default DetectorInfo describe(Configuration hadoopConf) {
    return new DetectorInfo(preflight(hadoopConf), null, null, false);
  }

  /** Scores batches for one task thread. */
  @FunctionalInterface
  interface Scorer {

    /** p(generated) in [0, 1] per image, in order. */
    double[] score(List<BufferedImage> images);

    /**
     * Each image's score with how it was made; by default {@link #score} as whole-image
     * probabilities.
     */
    default List<ImageScore> scoreImages(List<BufferedImage> images) {
      double[] p = score(images);
      List<ImageScore> out = new java.util.ArrayList<>(p.length);
      for (double v : p) {
        out.add(ImageScore.whole(v));
      }
      return out;
    }
  }
}
