package com.synthscope.udfs.detect.nsnet;

import com.synthscope.udfs.detect.FeatureSource;
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
 * @param shuffled training canvases (selected patches in a shuffled order, METHODS.md 2.1) instead of the fixed
 *     inference order; the shuffle is seeded by the picture's pixels, so the stored features are reproducible
 */
public record NsNetFeatureSource(ModelRef encoder, boolean shuffled) implements FeatureSource {

  @Override
  public ModelEngine engine() {
    return encoder.engine();
  }

  @Override
  public Extractor open(Configuration hadoopConf, ExecutionSettings settings) {
    NsNetEncoder enc = new NsNetEncoder(ModelRegistry.get().model(encoder, hadoopConf, settings));
    return images -> features(enc, images, shuffled);
  }

  /** The features of one batch of pictures. */
  static List<float[]> features(NsNetEncoder encoder, List<BufferedImage> images, boolean shuffled) {
    List<FloatImage> rgb = new ArrayList<>(images.size());
    for (BufferedImage img : images) {
      rgb.add(ImageTensors.toFloat(img, ColorMode.RGB));
    }
    if (!shuffled || encoder.wholeImage()) { // a whole-image encoder has no canvas to shuffle
      return encoder.encode(rgb);
    }
    PatchSelection patches = new PatchSelection();
    List<float[]> canvases = new ArrayList<>(rgb.size());
    for (FloatImage f : rgb) {
      canvases.add(encoder.normalise(patches.trainingCanvas(f, new Random(Arrays.hashCode(f.data())))));
    }
    return encoder.run(canvases);
  }
}
