package com.synthscope.udfs.detect.nsnet;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.model.EmbeddedModels;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelEngine;
import com.synthscope.udfs.model.ModelException;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.model.ModelRegistry;
import com.synthscope.udfs.model.Tensor;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;

/**
 * The NS-Net detector (METHODS.md section 2): patch-selection canvas, frozen encoder, then the head (standardise,
 * null-space projection, MLP, classifier) as p(generated) = sigmoid(logit). The head artifact records the encoder
 * it was trained on; the encoder given must be that one.
 */
public final class NsNetDetector implements ImageDetector {

  private static final long serialVersionUID = 1L;

  public static final String ENCODER_KIND = "nsnet-encoder";
  public static final String HEAD_KIND = "nsnet-head";

  private final ModelRef encoder;
  private final ModelRef head;
  private final int batchSize;

  public NsNetDetector(ModelRef encoder, ModelRef head, int batchSize) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.head = Objects.requireNonNull(head, "head");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /** The embedded micrograph detector: {@code embedded:nsnet-head} over {@code embedded:nsnet-encoder}. */
  public static NsNetDetector embedded() {
    return new NsNetDetector(EmbeddedModels.nsnetEncoder(), EmbeddedModels.nsnetHead(), 8);
  }

  /**
   * The embedded photo detector (32 px CIFAR-style, docs/photos.md): {@code embedded:photos-nsnet-head} over
   * {@code embedded:photos-nsnet-encoder}.
   */
  public static NsNetDetector embeddedPhotos() {
    return new NsNetDetector(EmbeddedModels.photosNsnetEncoder(), EmbeddedModels.photosNsnetHead(), 64);
  }

  @Override
  public String name() {
    return "nsnet";
  }

  @Override
  public ModelEngine engine() {
    return encoder.engine();
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public String preflight(Configuration hadoopConf) {
    FetchedModel e = ModelPreflight.check(encoder, hadoopConf, null);
    FetchedModel h = ModelPreflight.check(head, hadoopConf, null);
    checkPair(e, h);
    return h.modelId() + "+" + e.modelId();
  }

  @Override
  public Scorer open(Configuration hadoopConf, ExecutionSettings settings) {
    LoadedModel e = ModelRegistry.get().model(encoder, hadoopConf, settings);
    LoadedModel h = ModelRegistry.get().model(head, hadoopConf, settings);
    checkPair(e.fetched(), h.fetched());
    NsNetEncoder enc = new NsNetEncoder(e);
    int d = enc.dimension();
    return images -> {
      List<float[]> f = NsNetFeatureSource.features(enc, images, false);
      float[] logits = h.predict(List.of(Tensor.stack(f, d))).get(0).data();
      double[] p = new double[images.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = 1 / (1 + Math.exp(-logits[i]));
      }
      return p;
    };
  }

  private void checkPair(FetchedModel e, FetchedModel h) {
    if (!HEAD_KIND.equals(h.manifest().kind())) {
      throw new ModelException(head.displayName(), "is a " + h.manifest().kind() + " model, not " + HEAD_KIND,
          "pass an NS-Net head artifact (train it with 'synthscope train nsnet')");
    }
    Object trainedOn = h.manifest().preprocessing().get("encoder");
    if (!e.modelId().equals(trainedOn)) {
      throw new ModelException(head.displayName(), "was trained on features of encoder " + trainedOn
          + ", but the encoder given is " + e.modelId(), "pass the encoder the head was trained with, or retrain"
          + " the head on this encoder's features");
    }
    List<Long> in = h.manifest().inputs().get(0).shape();
    List<Long> out = e.manifest().outputs().get(0).shape();
    if (!in.equals(out)) {
      throw new ModelException(head.displayName(), "takes features " + in + ", the encoder gives " + out,
          "pass a matching encoder and head");
    }
  }
}
