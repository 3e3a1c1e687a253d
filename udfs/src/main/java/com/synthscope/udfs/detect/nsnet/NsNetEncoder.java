package com.synthscope.udfs.detect.nsnet;

import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.Resampler;
import com.synthscope.udfs.image.ResizeFilter;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelManifest;
import com.synthscope.udfs.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The frozen encoder of NS-Net: patch-selection canvas (3 x 224 x 224, values in [0, 1]) normalised
 * with the encoder's mean and std (CLIP's by default), then any model with the contract {@code
 * image [3, 224, 224] -> [d]} (OpenAI CLIP ViT-L/14's image tower exported to TorchScript or ONNX,
 * or an encoder this project trains).
 *
 * <p>An encoder whose input is {@code [3, S, S]} with S other than 224 (the photo encoder, a CIFAR
 * ResNet at 32 px) takes the whole image resized to S (bicubic, clamped to [0, 1]) instead of a
 * canvas: it learned whole small photographs, so that is the input it knows (METHODS.md section 4);
 * there is no patch selection.
 */
public final class NsNetEncoder {

  /** CLIP's normalisation (OpenAI), used when the manifest gives none. */
  public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

  public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

  private final LoadedModel model;
  private final PatchSelection patches = new PatchSelection();
  private final float[] mean;
  private final float[] std;
  private final int dim;

  /** 224 for canvas encoders, else the side the whole image is resized to. */
  private final int size;

  public NsNetEncoder(LoadedModel model) {
    ModelManifest m = model.manifest();
    this.size = wholeImageSize(m);
    if (m.inputs().size() != 1
        || !m.inputs().get(0).accepts(new long[] {3, size, size})
        || m.outputs().get(0).shape().size() != 1) {
      throw new IllegalArgumentException(
          "model "
              + model.modelId()
              + " does not have the encoder contract"
              + " image [3, 224, 224] (or [3, S, S], the whole image resized) -> features [d]");
    }
    this.model = model;
    this.mean = vector(m.preprocessing().get("mean"), CLIP_MEAN);
    this.std = vector(m.preprocessing().get("std"), CLIP_STD);
    this.dim = m.outputs().get(0).shape().get(0).intValue();
  }

  public int dimension() {
    return dim;
  }

  /**
   * The side of the encoder's square input: {@link PatchSelection#CANVAS} for the canvas contract,
   * else the size of an encoder declared {@code [3, S, S]} with S != 224, which takes whole images.
   */
  public static int wholeImageSize(ModelManifest m) {
    if (m.inputs().size() == 1 && m.inputs().get(0).shape().size() == 3) {
      List<Long> s = m.inputs().get(0).shape();
      if (s.get(0) == 3 && s.get(1) > 0 && s.get(1).equals(s.get(2))) {
        return s.get(1).intValue();
      }
    }
    return PatchSelection.CANVAS;
  }

  /** Whether the encoder takes the whole image resized rather than a patch-selection canvas. */
  public boolean wholeImage() {
    return size != PatchSelection.CANVAS;
  }

  /** Features of RGB images with values in [0, 1], any size; one batch. */
  public List<float[]> encode(List<FloatImage> images) {
    List<float[]> canvases = new ArrayList<>(images.size());
    for (FloatImage img : images) {
      canvases.add(canvas(img));
    }
    return run(canvases);
  }

  /**
   * The normalised inference input of one RGB image with values in [0, 1]: what {@link #encode}
   * feeds the model — the patch canvas, or the whole image resized for a whole-image encoder.
   */
  public float[] canvas(FloatImage image) {
    return normalise(wholeImage() ? resized(image) : patches.canvas(image));
  }

  /** The whole image at the encoder's size (bicubic, clamped to [0, 1]). */
  FloatImage resized(FloatImage img) {
    if (img.height() == size && img.width() == size) {
      return img;
    }
    FloatImage r = Resampler.resize(img, size, size, ResizeFilter.BICUBIC);
    float[] d = r.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.min(1f, Math.max(0f, d[i]));
    }
    return r;
  }

  /**
   * Features of canvases already selected and normalised (training draws its own shuffled
   * canvases).
   */
  public List<float[]> run(List<float[]> normalisedCanvases) {
    Tensor out = model.predict(List.of(Tensor.stack(normalisedCanvases, 3, size, size))).get(0);
    List<float[]> features = new ArrayList<>(normalisedCanvases.size());
    for (int i = 0; i < normalisedCanvases.size(); i++) {
      features.add(out.sample(i));
    }
    return features;
  }

  /**
   * (x - mean_c) / std_c per channel of a 3-channel canvas; a grey canvas is replicated to RGB
   * first.
   */
  public float[] normalise(FloatImage canvas) {
    int hw = canvas.height() * canvas.width();
    float[] out = new float[3 * hw];
    for (int c = 0; c < 3; c++) {
      int src = canvas.channels() == 1 ? 0 : c;
      for (int i = 0; i < hw; i++) {
        out[c * hw + i] = (canvas.data()[src * hw + i] - mean[c]) / std[c];
      }
    }
    return out;
  }

  private static float[] vector(Object o, float[] fallback) {
    if (!(o instanceof List<?> list) || list.size() != 3) {
      return fallback;
    }
    float[] v = new float[3];
    for (int i = 0; i < 3; i++) {
      v[i] = ((Number) list.get(i)).floatValue();
    }
    return v;
  }
}
