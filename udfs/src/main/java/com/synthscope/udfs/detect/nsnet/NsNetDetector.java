package com.synthscope.udfs.detect.nsnet;

import com.synthscope.udfs.detect.DetectorContract;
import com.synthscope.udfs.detect.DetectorInfo;
import com.synthscope.udfs.detect.DomainCheck;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.ImageScore;
import com.synthscope.udfs.detect.ScoringOptions;
import com.synthscope.udfs.detect.TiledImage;
import com.synthscope.udfs.detect.dnf.DnfDetector;
import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.image.ImageTensors;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;

/**
 * The NS-Net detector (METHODS.md section 2): patch-selection canvas, frozen encoder, then the head
 * (standardise, null-space projection, MLP, classifier) as p(generated) = sigmoid(logit). The head
 * artifact records the encoder it was trained on; the encoder given must be that one.
 *
 * <p>With a {@code tiles} contract in the head's manifest, patch selection runs on the image's
 * specimen region resampled to the contract's scale ({@link TiledImage#specimen()}; information
 * band, borders and blank patches left out), one canvas per image. With a domain summary ({@link
 * DomainCheck}) each score says whether the encoder's features lie far from the calibration
 * images'.
 */
public final class NsNetDetector implements ImageDetector {

  private static final long serialVersionUID = 1L;

  public static final String ENCODER_KIND = "nsnet-encoder";
  public static final String HEAD_KIND = "nsnet-head";

  private final ModelRef encoder;
  private final ModelRef head;
  private final int batchSize;
  private final ScoringOptions options;

  public NsNetDetector(ModelRef encoder, ModelRef head, int batchSize) {
    this(encoder, head, batchSize, ScoringOptions.DEFAULTS);
  }

  public NsNetDetector(ModelRef encoder, ModelRef head, int batchSize, ScoringOptions options) {
    this.options = java.util.Objects.requireNonNull(options, "options");
    // the kinds are checked once, when the models are fetched
    this.encoder = Objects.requireNonNull(encoder, "encoder").withKind(ENCODER_KIND);
    this.head = Objects.requireNonNull(head, "head").withKind(HEAD_KIND);
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.batchSize = batchSize;
  }

  /**
   * The embedded micrograph detector: {@code embedded:nsnet-head} over {@code
   * embedded:nsnet-encoder}.
   */
  public static NsNetDetector embedded() {
    return new NsNetDetector(EmbeddedModels.nsnetEncoder(), EmbeddedModels.nsnetHead(), 8);
  }

  /**
   * The embedded photo detector (32 px CIFAR-style, docs/photos.md): {@code
   * embedded:photos-nsnet-head} over {@code embedded:photos-nsnet-encoder}.
   */
  public static NsNetDetector embeddedPhotos() {
    return new NsNetDetector(
        EmbeddedModels.photosNsnetEncoder(), EmbeddedModels.photosNsnetHead(), 64);
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

  /**
   * Native memory per image in a model batch: the encoder's intermediates at the fixed 224 px
   * canvas, measured with the embedded encoder (VmHWM: +705 MB at batch 4, +1 490 MB at 8, 8.0 GB
   * at 32 in docs/bench.md: about 0.2 GB per image; 0.23 GB taken). A larger encoder (CLIP
   * ViT-L/14) costs more; give such runs their own --batch.
   */
  public static final long BATCH_IMAGE_BYTES = 230_000_000L;

  @Override
  public long batchImageBytes() {
    return BATCH_IMAGE_BYTES;
  }

  @Override
  public ImageDetector with(ScoringOptions o) {
    return new NsNetDetector(encoder, head, batchSize, o);
  }

  @Override
  public String preflight(Configuration hadoopConf) {
    return describe(hadoopConf).models();
  }

  @Override
  public DetectorInfo describe(Configuration hadoopConf) {
    FetchedModel e = ModelPreflight.check(encoder, hadoopConf, null);
    FetchedModel h = ModelPreflight.check(head, hadoopConf, null);
    checkPair(e, h);
    DetectorContract contract = contract(h);
    DomainCheck domain = domain(h);
    return new DetectorInfo(
        h.modelId() + "+" + e.modelId(),
        contract,
        DnfDetector.calibration(h.manifest().preprocessing(), head.displayName()),
        domain != null);
  }

  @Override
  public Scorer open(Configuration hadoopConf, ExecutionSettings settings) {
    LoadedModel e = ModelRegistry.get().model(encoder, hadoopConf, settings);
    LoadedModel h = ModelRegistry.get().model(head, hadoopConf, settings);
    checkPair(e.fetched(), h.fetched());
    NsNetEncoder enc = new NsNetEncoder(e);
    int d = enc.dimension();
    DetectorContract contract = contract(h.fetched());
    DomainCheck domain = domain(h.fetched());
    if (contract != null) {
      return new SpecimenScorer(enc, h, options.apply(contract), domain, options.maxTiles());
    }
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

  /** One canvas per image from its specimen region at the contract's scale. */
  public static final class SpecimenScorer implements Scorer {
    private final NsNetEncoder encoder;
    private final LoadedModel head;
    private final DetectorContract contract;
    private final DomainCheck domain;
    private final int maxTiles;
    private final PatchSelection patches = new PatchSelection();

    SpecimenScorer(
        NsNetEncoder encoder,
        LoadedModel head,
        DetectorContract contract,
        DomainCheck domain,
        int maxTiles) {
      this.encoder = encoder;
      this.head = head;
      this.contract = contract;
      this.domain = domain;
      this.maxTiles = maxTiles;
    }

    @Override
    public double[] score(List<BufferedImage> images) {
      return scoreImages(images).stream().mapToDouble(ImageScore::probability).toArray();
    }

    @Override
    public List<ImageScore> scoreImages(List<BufferedImage> images) {
      return scoreWithFeatures(images, null);
    }

    /**
     * Scores, and adds each image's encoder features to {@code features} when not null
     * (calibration).
     */
    public List<ImageScore> scoreWithFeatures(List<BufferedImage> images, List<float[]> features) {
      List<float[]> canvases = new ArrayList<>(images.size());
      List<TiledImage> tiled = new ArrayList<>(images.size());
      int[] patchCounts = new int[images.size()];
      for (int i = 0; i < images.size(); i++) {
        TiledImage t = TiledImage.of(images.get(i), contract, maxTiles);
        tiled.add(t);
        if (encoder.wholeImage()) {
          // a whole-image encoder (the photo family) takes the picture resized whole: there is no
          // patch canvas
          patchCounts[i] = 1;
          canvases.add(encoder.canvas(ImageTensors.toFloat(images.get(i), ColorMode.RGB)));
          continue;
        }
        PatchSelection.SpecimenCanvas c = patches.specimenCanvas(t.specimen());
        patchCounts[i] = c.patches();
        canvases.add(encoder.normalise(c.canvas()));
      }
      List<float[]> f = encoder.run(canvases);
      if (features != null) {
        features.addAll(f);
      }
      float[] logits = head.predict(List.of(Tensor.stack(f, encoder.dimension()))).get(0).data();
      List<ImageScore> out = new ArrayList<>(images.size());
      for (int i = 0; i < images.size(); i++) {
        Double distance = domain == null ? null : domain.distance(f.get(i));
        Boolean outside = domain == null ? null : domain.outside(distance);
        TiledImage t = tiled.get(i);
        out.add(
            new ImageScore(
                1 / (1 + Math.exp(-logits[i])),
                logits[i],
                patchCounts[i],
                null,
                t.leftOut(),
                t.wholeImage(),
                distance,
                outside,
                List.of(),
                null));
      }
      return out;
    }
  }

  private DetectorContract contract(FetchedModel h) {
    try {
      return h.manifest().preprocessing().containsKey(DetectorContract.KEY)
          ? options.apply(DetectorContract.of(h.manifest(), null))
          : null;
    } catch (RuntimeException ex) {
      throw new ModelException(
          head.displayName(),
          "its input contract is malformed: " + ex.getMessage(),
          "fix preprocessing.contract in the manifest (kind tiles|whole, size, scale, colour grey|rgb)",
          ex);
    }
  }

  private DomainCheck domain(FetchedModel h) {
    Object o = h.manifest().preprocessing().get(DomainCheck.KEY);
    if (o == null) {
      return null;
    }
    try {
      return DomainCheck.fromMap((Map<?, ?>) o);
    } catch (RuntimeException ex) {
      throw new ModelException(
          head.displayName(),
          "its domain summary is malformed: " + ex.getMessage(),
          "recalibrate it with 'synthscope calibrate'",
          ex);
    }
  }

  private void checkPair(FetchedModel e, FetchedModel h) {
    Object trainedOn = h.manifest().preprocessing().get("encoder");
    if (!e.modelId().equals(trainedOn)) {
      throw new ModelException(
          head.displayName(),
          "was trained on features of encoder "
              + trainedOn
              + ", but the encoder given is "
              + e.modelId(),
          "pass the encoder the head was trained with, or retrain"
              + " the head on this encoder's features");
    }
    List<Long> in = h.manifest().inputs().get(0).shape();
    List<Long> out = e.manifest().outputs().get(0).shape();
    if (!in.equals(out)) {
      throw new ModelException(
          head.displayName(),
          "takes features " + in + ", the encoder gives " + out,
          "pass a matching encoder and head");
    }
  }
}
