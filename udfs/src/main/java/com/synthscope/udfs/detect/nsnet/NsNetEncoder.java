package com.synthscope.udfs.detect.nsnet;

import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelManifest;
import com.synthscope.udfs.model.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The frozen encoder of NS-Net: patch-selection canvas (3 x 224 x 224, values in [0, 1]) normalised with the
 * encoder's mean and std (CLIP's by default), then any model with the contract {@code image [3, 224, 224] -> [d]}
 * (OpenAI CLIP ViT-L/14's image tower exported to TorchScript or ONNX, or an encoder this project trains).
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

  public NsNetEncoder(LoadedModel model) {
    ModelManifest m = model.manifest();
    if (m.inputs().size() != 1 || !m.inputs().get(0).accepts(new long[] {3, PatchSelection.CANVAS,
        PatchSelection.CANVAS}) || m.outputs().get(0).shape().size() != 1) {
      throw new IllegalArgumentException("model " + model.modelId() + " does not have the encoder contract"
          + " image [3, 224, 224] -> features [d]");
    }
    this.model = model;
    this.mean = vector(m.preprocessing().get("mean"), CLIP_MEAN);
    this.std = vector(m.preprocessing().get("std"), CLIP_STD);
    this.dim = m.outputs().get(0).shape().get(0).intValue();
  }

  public int dimension() {
    return dim;
  }

  /** Features of RGB images with values in [0, 1], any size; one batch. */
  public List<float[]> encode(List<FloatImage> images) {
    List<float[]> canvases = new ArrayList<>(images.size());
    for (FloatImage img : images) {
      canvases.add(canvas(img));
    }
    return run(canvases);
  }

  /** The normalised inference canvas of one RGB image with values in [0, 1]: what {@link #encode} feeds the model. */
  public float[] canvas(FloatImage image) {
    return normalise(patches.canvas(image));
  }

  /** Features of canvases already selected and normalised (training draws its own shuffled canvases). */
  public List<float[]> run(List<float[]> normalisedCanvases) {
    Tensor out = model.predict(List.of(Tensor.stack(normalisedCanvases, 3, PatchSelection.CANVAS,
        PatchSelection.CANVAS))).get(0);
    List<float[]> features = new ArrayList<>(normalisedCanvases.size());
    for (int i = 0; i < normalisedCanvases.size(); i++) {
      features.add(out.sample(i));
    }
    return features;
  }

  /** (x - mean_c) / std_c per channel of a 3-channel canvas; a grey canvas is replicated to RGB first. */
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
