package com.synthscope.udfs.detect.nsnet;

import com.synthscope.udfs.detect.DetectorContract;
import com.synthscope.udfs.detect.FeatureSource;
import com.synthscope.udfs.detect.TiledImage;
import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.ImageTensors;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.ModelEngine;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.model.ModelRegistry;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;

/**
 * NS-Net's frozen features of pictures: patch-selection canvas, normalised, through the encoder.
 *
 * @param shuffled training canvases (selected patches in a shuffled order, METHODS.md 2.1) instead
 *     of the fixed inference order; the shuffle is seeded by the picture's pixels, so the stored
 *     features are reproducible
 * @param specimen null: the canvas of the picture as it is (training data already at the detector's
 *     scale, e.g. bench-data micrographs); else the picture goes the audit's way first ({@link
 *     TiledImage}: information band and borders cut, resampled by this contract's scale, scored
 *     whole when smaller than a patch), so a head learns from full-size images exactly what it will
 *     see when it scores them
 */
public record NsNetFeatureSource(ModelRef encoder, boolean shuffled, DetectorContract specimen)
    implements FeatureSource {

  /** Pictures already at the detector's scale. */
  public NsNetFeatureSource(ModelRef encoder, boolean shuffled) {
    this(encoder, shuffled, null);
  }

  @Override
  public ModelEngine engine() {
    return encoder.engine();
  }

  @Override
  public Extractor open(Configuration hadoopConf, ExecutionSettings settings) {
    NsNetEncoder enc = new NsNetEncoder(ModelRegistry.get().model(encoder, hadoopConf, settings));
    return images ->
        specimen == null || enc.wholeImage()
            ? features(enc, images, shuffled)
            : specimenFeatures(enc, images, shuffled, specimen);
  }

  /**
   * The features of pictures taken the audit's way ({@link NsNetDetector.SpecimenScorer}), see
   * {@link #specimen}.
   */
  static List<float[]> specimenFeatures(
      NsNetEncoder encoder,
      List<BufferedImage> images,
      boolean shuffled,
      DetectorContract contract) {
    PatchSelection patches = new PatchSelection();
    List<float[]> canvases = new ArrayList<>(images.size());
    for (BufferedImage img : images) {
      FloatImage region =
          TiledImage.of(img, contract, com.synthscope.udfs.detect.ScoringOptions.DEFAULT_MAX_TILES)
              .specimen();
      canvases.add(
          encoder.normalise(
              shuffled
                  ? patches.trainingCanvas(region, new Random(Arrays.hashCode(region.data())))
                  : patches.specimenCanvas(region).canvas()));
    }
    return encoder.run(canvases);
  }

  /** The features of one batch of pictures. */
  static List<float[]> features(
      NsNetEncoder encoder, List<BufferedImage> images, boolean shuffled) {
    // one picture's float copy at a time (12 bytes per pixel): only the 224 px canvases of the
    // batch are kept
    PatchSelection patches = shuffled ? new PatchSelection() : null;
    List<float[]> canvases = new ArrayList<>(images.size());
    for (BufferedImage img : images) {
      FloatImage f = ImageTensors.toFloat(img, ColorMode.RGB);
      // a whole-image encoder has no canvas to shuffle
      canvases.add(
          shuffled && !encoder.wholeImage()
              ? encoder.normalise(patches.trainingCanvas(f, new Random(Arrays.hashCode(f.data()))))
              : encoder.canvas(f));
    }
    return encoder.run(canvases);
  }
}
