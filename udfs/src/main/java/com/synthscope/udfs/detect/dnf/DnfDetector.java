package com.synthscope.udfs.detect.dnf;

import com.synthscope.udfs.detect.Calibration;
import com.synthscope.udfs.detect.DetectorContract;
import com.synthscope.udfs.detect.DetectorInfo;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.ImageScore;
import com.synthscope.udfs.detect.ScoringOptions;
import com.synthscope.udfs.detect.TiledImage;
import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.image.FloatImage;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;

/**
 * The DNF detector (METHODS.md section 1): the diffusion backbone's noise feature of each picture,
 * then the classifier's logit, as p(generated) = sigmoid(logit). The classifier artifact names the
 * feature it was trained on (kind, size, mode, post-processing, backbone id); the backbone given
 * must be that one.
 *
 * <p>Whole images are scored by the classifier's {@link DetectorContract}: with a {@code tiles}
 * contract each image is resampled to the contract's scale and covered by tiles ({@link
 * TiledImage}), the noise feature is computed per tile, tiles go through the models in batches of
 * {@value #TILES_PER_BATCH}, and the image logit is the aggregate of its tiles' logits ({@link
 * ScoringOptions#aggregation()}). A classifier without a contract is scored as before contracts
 * existed: the whole image resized to the feature's size.
 */
public final class DnfDetector implements ImageDetector {

  private static final long serialVersionUID = 1L;

  private final ModelRef classifier;
  private final ModelRef backbone;
  private final int batchSize;
  private final ScoringOptions options;

  /** Tiles per model batch (32 px tiles: a few MB of activations). */
  public static final int TILES_PER_BATCH = 64;

  /**
   * @param classifier a {@value DnfFeature#CLASSIFIER_KIND} artifact
   * @param backbone the {@value DnfFeature#BACKBONE_KIND} artifact its features came from (ignored
   *     by a classifier trained on pixels; may then be null)
   */
  public DnfDetector(ModelRef classifier, ModelRef backbone, int batchSize) {
    this(classifier, backbone, batchSize, ScoringOptions.DEFAULTS);
  }

  public DnfDetector(
      ModelRef classifier, ModelRef backbone, int batchSize, ScoringOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    // the kinds are checked once, when the models are fetched
    this.classifier =
        Objects.requireNonNull(classifier, "classifier").withKind(DnfFeature.CLASSIFIER_KIND);
    this.backbone = backbone == null ? null : backbone.withKind(DnfFeature.BACKBONE_KIND);
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /**
   * The embedded micrograph detector: {@code embedded:dnf-classifier} over {@code
   * embedded:dnf-backbone}.
   */
  public static DnfDetector embedded() {
    return new DnfDetector(EmbeddedModels.dnfClassifier(), EmbeddedModels.dnfBackbone(), 8);
  }

  /**
   * The embedded photo pixel baseline (32 px RGB, docs/photos.md) in the DNF detector's place: a
   * ResNet-18 on pixels, {@code embedded:photos-pixels-classifier}, no backbone.
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

  /**
   * Native memory per image in a model batch: measured with the embedded backbone and classifier
   * (32 px), VmHWM over batches of 1, 8 and 32 on one thread: +147 MB at 8, +698 MB at 32, about 23
   * MB per image (README, Reliability). A backbone at a larger resolution costs more; give such
   * runs their own --batch.
   */
  public static final long BATCH_IMAGE_BYTES = 24_000_000L;

  @Override
  public long batchImageBytes() {
    return BATCH_IMAGE_BYTES;
  }

  @Override
  public ImageDetector with(ScoringOptions o) {
    return new DnfDetector(classifier, backbone, batchSize, o);
  }

  public ScoringOptions options() {
    return options;
  }

  @Override
  public String preflight(Configuration hadoopConf) {
    return describe(hadoopConf).models();
  }

  @Override
  public DetectorInfo describe(Configuration hadoopConf) {
    FetchedModel c = ModelPreflight.check(classifier, hadoopConf, null);
    DnfFeature feature = feature(c);
    DetectorContract contract = contract(c, feature);
    Calibration calibration = calibration(c.manifest().preprocessing(), classifier.displayName());
    if (!feature.isDnf()) {
      return new DetectorInfo(c.modelId(), contract, calibration, false);
    }
    FetchedModel b =
        ModelPreflight.check(
            requireBackbone(), hadoopConf, List.of(feature.sampleShape(), new long[0]));
    checkPair(feature, b);
    return new DetectorInfo(c.modelId() + "+" + b.modelId(), contract, calibration, false);
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
    DetectorContract contract = contract(c.fetched(), feature);
    DnfFeaturizer featurizer = new DnfFeaturizer(feature, b);
    if (!c.fetched().manifest().preprocessing().containsKey(DetectorContract.KEY)) {
      return scorer(featurizer, c);
    }
    return new TiledScorer(
        featurizer, c, contract, options, mirrorAverage(c.fetched().manifest().preprocessing()));
  }

  /**
   * Manifest {@code preprocessing} key: when true, each tile's logit is the mean of the
   * classifier's logits for the tile and its left-right mirror image (test-time augmentation for a
   * classifier trained with random horizontal flips; twice the classifier's cost).
   */
  public static final String MIRROR_AVERAGE_KEY = "mirror_average";

  static boolean mirrorAverage(Map<String, Object> preprocessing) {
    return Boolean.TRUE.equals(preprocessing.get(MIRROR_AVERAGE_KEY));
  }

  /**
   * Classifier logits to probabilities over a featurizer: whole images resized to the feature's
   * size.
   */
  static Scorer scorer(DnfFeaturizer featurizer, LoadedModel classifier) {
    return images -> {
      List<float[]> features = featurizer.features(images);
      float[] logits =
          classifier
              .predict(List.of(Tensor.stack(features, featurizer.feature().sampleShape())))
              .get(0)
              .data();
      double[] p = new double[images.size()];
      for (int i = 0; i < p.length; i++) {
        p[i] = 1 / (1 + Math.exp(-logits[i]));
      }
      return p;
    };
  }

  /** Whole images by their tiles. */
  static final class TiledScorer implements Scorer {
    private final DnfFeaturizer featurizer;
    private final LoadedModel classifier;
    private final DetectorContract contract;
    private final ScoringOptions options;
    private final boolean mirrorAverage;

    TiledScorer(
        DnfFeaturizer featurizer,
        LoadedModel classifier,
        DetectorContract contract,
        ScoringOptions options,
        boolean mirrorAverage) {
      this.featurizer = featurizer;
      this.classifier = classifier;
      this.contract = options.apply(contract);
      this.options = options;
      this.mirrorAverage = mirrorAverage;
    }

    @Override
    public double[] score(List<java.awt.image.BufferedImage> images) {
      return scoreImages(images).stream().mapToDouble(ImageScore::probability).toArray();
    }

    @Override
    public List<ImageScore> scoreImages(List<java.awt.image.BufferedImage> images) {
      List<TiledImage> tiled = new ArrayList<>(images.size());
      List<FloatImage> tiles = new ArrayList<>();
      for (java.awt.image.BufferedImage img : images) {
        TiledImage t = TiledImage.of(img, contract, options.maxTiles());
        tiled.add(t);
        tiles.addAll(t.tiles());
      }
      double[] logits = logits(tiles);
      List<ImageScore> out = new ArrayList<>(images.size());
      int at = 0;
      for (TiledImage t : tiled) {
        int n = t.tileCount();
        double[] own = java.util.Arrays.copyOfRange(logits, at, at + n);
        at += n;
        double logit = options.aggregation().aggregate(own);
        double max = java.util.Arrays.stream(own).max().orElseThrow();
        List<int[]> boxes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          int[] b = t.boxes().get(i);
          boxes.add(new int[] {b[0], b[1], b[2], b[3], (int) Math.round(1000 * sigmoid(own[i]))});
        }
        out.add(
            new ImageScore(
                sigmoid(logit),
                logit,
                n,
                sigmoid(max),
                t.leftOut(),
                t.wholeImage(),
                null,
                null,
                boxes,
                own));
      }
      return out;
    }

    /**
     * Tile logits, the tiles through the models in batches of {@value #TILES_PER_BATCH}; with
     * {@link #MIRROR_AVERAGE_KEY}, the mean of each tile's and its mirror image's logits.
     */
    double[] logits(List<FloatImage> tiles) {
      double[] out = new double[tiles.size()];
      for (int from = 0; from < tiles.size(); from += TILES_PER_BATCH) {
        List<FloatImage> chunk =
            tiles.subList(from, Math.min(tiles.size(), from + TILES_PER_BATCH));
        float[] l = chunkLogits(chunk);
        float[] m =
            mirrorAverage ? chunkLogits(chunk.stream().map(FloatImage::mirrored).toList()) : null;
        for (int i = 0; i < chunk.size(); i++) {
          out[from + i] = m == null ? l[i] : (l[i] + (double) m[i]) / 2;
        }
      }
      return out;
    }

    private float[] chunkLogits(List<FloatImage> chunk) {
      List<float[]> features = featurizer.featuresOfTiles(chunk);
      return classifier
          .predict(List.of(Tensor.stack(features, featurizer.feature().sampleShape())))
          .get(0)
          .data();
    }
  }

  static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }

  private DetectorContract contract(FetchedModel c, DnfFeature feature) {
    Map<String, Object> pre = c.manifest().preprocessing();
    if (mirrorAverage(pre) && !pre.containsKey(DetectorContract.KEY)) {
      // only the contract's scoring path averages mirror images: refuse rather than ignore the key
      throw new ModelException(
          classifier.displayName(),
          "asks for " + MIRROR_AVERAGE_KEY + " but has no input contract",
          "re-export it with 'synthscope train dnf' (which writes both)");
    }
    DetectorContract contract;
    try {
      contract =
          options.apply(
              DetectorContract.of(
                  c.manifest(),
                  DetectorContract.whole(
                      feature.size(), feature.channels() == 1 ? ColorMode.GREY : ColorMode.RGB)));
    } catch (RuntimeException e) {
      throw new ModelException(
          classifier.displayName(),
          "its input contract is malformed: " + e.getMessage(),
          "fix preprocessing.contract in the manifest (kind tiles|whole, size, scale, colour grey|rgb)",
          e);
    }
    if (contract.colour().channels() != feature.channels()) {
      throw new ModelException(
          classifier.displayName(),
          "its contract says "
              + contract.describe()
              + " but its"
              + " feature has "
              + feature.channels()
              + " channels",
          "fix preprocessing.contract in the manifest");
    }
    return contract;
  }

  /** The calibration a manifest's preprocessing carries, or null. */
  public static Calibration calibration(Map<String, Object> preprocessing, String model) {
    Object o = preprocessing.get(Calibration.KEY);
    if (o == null) {
      return null;
    }
    try {
      return Calibration.fromMap((Map<?, ?>) o);
    } catch (RuntimeException e) {
      throw new ModelException(
          model,
          "its calibration is malformed: " + e.getMessage(),
          "recalibrate it with 'synthscope calibrate'",
          e);
    }
  }

  private ModelRef requireBackbone() {
    if (backbone == null) {
      throw new ModelException(
          classifier.displayName(),
          "was trained on DNF features but no backbone was given",
          "pass the dnf-backbone artifact the classifier was trained with");
    }
    return backbone;
  }

  private DnfFeature feature(FetchedModel c) {
    try {
      return DnfFeature.fromMap(c.manifest().preprocessing());
    } catch (RuntimeException e) {
      throw new ModelException(
          classifier.displayName(),
          "its preprocessing does not describe a DNF feature: " + e.getMessage(),
          "re-export the classifier with 'synthscope train dnf'",
          e);
    }
  }

  private void checkPair(DnfFeature feature, FetchedModel b) {
    if (!feature.backbone().equals(b.modelId())) {
      throw new ModelException(
          classifier.displayName(),
          "was trained on features of backbone "
              + feature.backbone()
              + ", but the backbone given is "
              + b.modelId(),
          "pass the backbone the classifier was trained with, or"
              + " retrain the classifier on this backbone's features");
    }
  }
}
