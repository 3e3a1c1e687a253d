package com.synthscope.udfs.detect.dnf;

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
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;

/**
 * The DNF detector (METHODS.md section 1): the diffusion backbone's noise feature of each picture, then the
 * classifier's logit, as p(generated) = sigmoid(logit). The classifier artifact names the feature it was trained
 * on (kind, size, mode, post-processing, backbone id); the backbone given must be that one.
 */
public final class DnfDetector implements ImageDetector {

  private static final long serialVersionUID = 1L;

  private final ModelRef classifier;
  private final ModelRef backbone;
  private final int batchSize;

  /**
   * @param classifier a {@value DnfFeature#CLASSIFIER_KIND} artifact
   * @param backbone the {@value DnfFeature#BACKBONE_KIND} artifact its features came from (ignored by a classifier
   *     trained on pixels; may then be null)
   */
  public DnfDetector(ModelRef classifier, ModelRef backbone, int batchSize) {
    this.classifier = Objects.requireNonNull(classifier, "classifier");
    this.backbone = backbone;
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /** The embedded micrograph detector: {@code embedded:dnf-classifier} over {@code embedded:dnf-backbone}. */
  public static DnfDetector embedded() {
    return new DnfDetector(EmbeddedModels.dnfClassifier(), EmbeddedModels.dnfBackbone(), 8);
  }

  /**
   * The embedded photo pixel baseline (32 px RGB, docs/photos.md) in the DNF detector's place: a ResNet-18 on pixels,
   * {@code embedded:photos-pixels-classifier}, no backbone.
   */
  public static DnfDetector embeddedPhotoPixels() {
    return new DnfDetector(EmbeddedModels.photosPixelsClassifier(), null, 64);
  }

  @Override
  public String name() {
    return "dnf";
  }

  @Override
  public ModelEngine engine() {
    return classifier.engine();
  }

  @Override
  public int batchSize() {
    return batchSize;
  }

  @Override
  public String preflight(Configuration hadoopConf) {
    FetchedModel c = ModelPreflight.check(classifier, hadoopConf, null);
    DnfFeature feature = feature(c);
    if (!feature.isDnf()) {
      return c.modelId();
    }
    FetchedModel b = ModelPreflight.check(requireBackbone(), hadoopConf, List.of(feature.sampleShape(), new long[0]));
    checkPair(feature, b);
    return c.modelId() + "+" + b.modelId();
  }

  @Override
  public Scorer open(Configuration hadoopConf, ExecutionSettings settings) {
    LoadedModel c = ModelRegistry.get().model(classifier, hadoopConf, settings);
    DnfFeature feature = feature(c.fetched());
    LoadedModel b = null;
    if (feature.isDnf()) {
      b = ModelRegistry.get().model(requireBackbone(), hadoopConf, settings);
      checkPair(feature, b.fetched());
    }
    return scorer(new DnfFeaturizer(feature, b), c);
  }

  /** Classifier logits to probabilities over a featurizer. */
  static Scorer scorer(DnfFeaturizer featurizer, LoadedModel classifier) {
    return images -> {
      List<float[]> features = featurizer.features(images);
      float[] logits = classifier.predict(List.of(Tensor.stack(features, featurizer.feature().sampleShape())))
          .get(0).data();
      double[] p = new double[images.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = 1 / (1 + Math.exp(-logits[i]));
      }
      return p;
    };
  }

  private ModelRef requireBackbone() {
    if (backbone == null) {
      throw new ModelException(classifier.displayName(), "was trained on DNF features but no backbone was given",
          "pass the dnf-backbone artifact the classifier was trained with");
    }
    return backbone;
  }

  private DnfFeature feature(FetchedModel c) {
    if (!DnfFeature.CLASSIFIER_KIND.equals(c.manifest().kind())) {
      throw new ModelException(classifier.displayName(), "is a " + c.manifest().kind() + " model, not "
          + DnfFeature.CLASSIFIER_KIND, "pass a DNF classifier artifact (train it with 'synthscope train dnf')");
    }
    try {
      return DnfFeature.fromMap(c.manifest().preprocessing());
    } catch (RuntimeException e) {
      throw new ModelException(classifier.displayName(), "its preprocessing does not describe a DNF feature: "
          + e.getMessage(), "re-export the classifier with 'synthscope train dnf'", e);
    }
  }

  private void checkPair(DnfFeature feature, FetchedModel b) {
    if (!DnfFeature.BACKBONE_KIND.equals(b.manifest().kind())) {
      throw new ModelException(backbone.displayName(), "is a " + b.manifest().kind() + " model, not "
          + DnfFeature.BACKBONE_KIND, "pass the DNF diffusion backbone");
    }
    if (!feature.backbone().equals(b.modelId())) {
      throw new ModelException(classifier.displayName(), "was trained on features of backbone " + feature.backbone()
          + ", but the backbone given is " + b.modelId(), "pass the backbone the classifier was trained with, or"
          + " retrain the classifier on this backbone's features");
    }
  }
}
