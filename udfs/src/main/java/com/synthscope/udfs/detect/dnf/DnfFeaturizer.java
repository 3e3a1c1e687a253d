package com.synthscope.udfs.detect.dnf;

import com.synthscope.udfs.diffusion.NoisePredictor;
import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.ImageTensors;
import com.synthscope.udfs.image.Resampler;
import com.synthscope.udfs.image.ResizeFilter;
import com.synthscope.udfs.model.LoadedModel;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Decoded pictures to the classifier's input: grey or RGB, resized (bicubic, as the paper) to the
 * backbone's resolution, scaled to [-1, 1], then, for {@link DnfFeature#DNF}, the backbone's noise
 * feature.
 */
public final class DnfFeaturizer {

  private final DnfFeature feature;
  private final NoisePredictor backbone;
  private final DnfExtractor extractor;

  /**
   * @param backbone the loaded backbone; null for {@link DnfFeature#PIXELS}
   */
  public DnfFeaturizer(DnfFeature feature, LoadedModel backbone) {
    this.feature = feature;
    if (feature.isDnf()) {
      this.backbone =
          DnfExtractor.predictor(backbone, feature.channels(), feature.size(), feature.size());
      this.extractor = new DnfExtractor(feature.mode(), feature.postprocess());
    } else {
      this.backbone = null;
      this.extractor = null;
    }
  }

  public DnfFeature feature() {
    return feature;
  }

  /** One picture as the backbone takes it: {@code [channels, size, size]} in [-1, 1]. */
  public static float[] input(BufferedImage image, int channels, int size) {
    FloatImage f = ImageTensors.toFloat(image, channels == 1 ? ColorMode.GREY : ColorMode.RGB);
    return ImageTensors.toSignedUnit(Resampler.resize(f, size, size, ResizeFilter.BICUBIC)).data();
  }

  /** The features of a batch, one flat {@code [channels, size, size]} array per picture. */
  public List<float[]> features(List<BufferedImage> images) {
    List<float[]> inputs = new ArrayList<>(images.size());
    for (BufferedImage image : images) {
      inputs.add(input(image, feature.channels(), feature.size()));
    }
    return featuresOfInputs(inputs);
  }

  /**
   * The features of tiles already in the feature's channels with values in [0, 1] (a {@code
   * TiledImage}'s tiles): resized (bicubic) to the feature's size when they are not that size,
   * scaled to [-1, 1].
   */
  public List<float[]> featuresOfTiles(List<FloatImage> tiles) {
    List<float[]> inputs = new ArrayList<>(tiles.size());
    for (FloatImage t : tiles) {
      if (t.channels() != feature.channels()) {
        throw new IllegalArgumentException(
            "tile has " + t.channels() + " channels, the feature takes " + feature.channels());
      }
      FloatImage sized =
          t.height() == feature.size() && t.width() == feature.size()
              ? t
              : Resampler.resize(t, feature.size(), feature.size(), ResizeFilter.BICUBIC);
      inputs.add(ImageTensors.toSignedUnit(sized).data());
    }
    return featuresOfInputs(inputs);
  }

  private List<float[]> featuresOfInputs(List<float[]> inputs) {
    int per = feature.channels() * feature.size() * feature.size();
    float[] x = new float[inputs.size() * per];
    for (int i = 0; i < inputs.size(); i++) {
      System.arraycopy(inputs.get(i), 0, x, i * per, per);
    }
    float[] f = feature.isDnf() ? extractor.extract(backbone, x, inputs.size()) : x;
    List<float[]> out = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      float[] one = new float[per];
      System.arraycopy(f, i * per, one, 0, per);
      out.add(one);
    }
    return out;
  }
}
