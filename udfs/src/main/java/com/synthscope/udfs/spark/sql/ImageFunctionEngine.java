package com.synthscope.udfs.spark.sql;

import com.synthscope.udfs.detect.DetectorCatalog;
import com.synthscope.udfs.detect.DetectorInfo;
import com.synthscope.udfs.detect.DetectorRegistry;
import com.synthscope.udfs.detect.FeatureSource;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.ImageScore;
import com.synthscope.udfs.detect.LogisticFusion;
import com.synthscope.udfs.detect.ScoreFusion;
import com.synthscope.udfs.image.DecodeResult;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.image.ImageInfo;
import com.synthscope.udfs.spark.DecodeAndScore;
import com.synthscope.udfs.spark.HadoopConf;
import com.synthscope.udfs.spark.ImageScoring;
import com.synthscope.udfs.spark.InventorySchema;
import com.synthscope.udfs.spark.TaskResources;
import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The SQL functions' and ML stages' detectors, resolved once on the driver for a set of settings:
 * every registered detector built from the settings' models and preflighted (a wrong model fails
 * the query before any task, with what to fix), the fused score's rule chosen as the audit chooses
 * it (the embedded fusion when the models are the ones it was fitted on, else the mean), the
 * feature extractors. Serializable: tasks {@link #open} it.
 */
public final class ImageFunctionEngine implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Map<ImageFunctionSettings, ImageFunctionEngine> RESOLVED =
      new ConcurrentHashMap<>();

  private final ImageFunctionSettings settings;
  private final LinkedHashMap<String, ImageDetector> detectors;
  private final LinkedHashMap<String, String> models;
  private final LogisticFusion fusion;
  private final LinkedHashMap<String, FeatureSource> features;
  private final HadoopConf hadoop;

  private ImageFunctionEngine(
      ImageFunctionSettings settings,
      LinkedHashMap<String, ImageDetector> detectors,
      LinkedHashMap<String, String> models,
      LogisticFusion fusion,
      LinkedHashMap<String, FeatureSource> features,
      HadoopConf hadoop) {
    this.settings = settings;
    this.detectors = detectors;
    this.models = models;
    this.fusion = fusion;
    this.features = features;
    this.hadoop = hadoop;
  }

  /**
   * On the driver: the engine for these settings, resolved on first use and kept for the JVM
   * (models are checked once, not per query).
   *
   * @throws IllegalArgumentException for settings that name no usable model, {@code
   *     model.ModelException} for a model that fails its preflight
   */
  public static ImageFunctionEngine resolve(
      ImageFunctionSettings settings, Configuration hadoopConf) {
    return RESOLVED.computeIfAbsent(settings, s -> build(s, hadoopConf));
  }

  private static ImageFunctionEngine build(ImageFunctionSettings s, Configuration hadoopConf) {
    DetectorRegistry registry = DetectorRegistry.builtin(s.domain());
    Map<String, Map<String, String>> byDetector =
        DetectorCatalog.byDetector(s.models(), ImageFunctionSettings.MODEL_PREFIX);
    for (String d : byDetector.keySet()) {
      registry.factory(d); // an unknown detector name is an error, not ignored
    }
    LinkedHashMap<String, ImageDetector> detectors = new LinkedHashMap<>();
    LinkedHashMap<String, String> models = new LinkedHashMap<>();
    LinkedHashMap<String, FeatureSource> features = new LinkedHashMap<>();
    for (String name : registry.names()) {
      Map<String, String> own = byDetector.getOrDefault(name, Map.of());
      ImageDetector d = registry.create(name, own, s.batchSize());
      DetectorInfo info = d.describe(hadoopConf);
      detectors.put(name, d);
      models.put(name, info.models());
      features.put(name, registry.features(name, own, hadoopConf));
    }
    LogisticFusion fusion = LogisticFusion.choose(LogisticFusion.embedded(s.domain()), models);
    return new ImageFunctionEngine(
        s, detectors, models, fusion, features, HadoopConf.of(hadoopConf));
  }

  public ImageFunctionSettings settings() {
    return settings;
  }

  /** Detector -> {@code id@sha256} of its models, as the audit's {@code models} column. */
  public Map<String, String> models() {
    return Map.copyOf(models);
  }

  /** The fused score's rule in words. */
  public String fusionRule() {
    return fusion == null ? ScoreFusion.RULE : fusion.describe();
  }

  /** Refuses a function over a detector that is not registered, naming the ones that are. */
  public void check(ImageFunction f) {
    if (f.detector() != null && !detectors.containsKey(f.detector())) {
      throw new IllegalArgumentException(
          f.kind().sqlName()
              + ": unknown detector '"
              + f.detector()
              + "'; choose from "
              + String.join(", ", detectors.keySet()));
    }
  }

  /** In a task: the models the functions need, opened for this thread. */
  public Runner open(List<ImageFunction> functions) {
    functions.forEach(this::check);
    Set<String> scoring = new LinkedHashSet<>();
    Set<String> extracting = new LinkedHashSet<>();
    for (ImageFunction f : functions) {
      switch (f.kind()) {
        case SCORE -> scoring.addAll(detectors.keySet());
        case DETECT -> scoring.add(f.detector());
        case FEATURES -> extracting.add(f.detector());
        case IMAGE_INFO -> {}
      }
    }
    List<String> names = new ArrayList<>(detectors.keySet());
    names.retainAll(scoring);
    List<ImageDetector> used = names.stream().map(detectors::get).toList();
    Configuration conf = hadoop.get();
    Map<String, FeatureSource.Extractor> extractors = new LinkedHashMap<>();
    for (String e : extracting) {
      FeatureSource src = features.get(e);
      extractors.put(e, src.open(conf, TaskResources.current(src.engine())));
    }
    return new Runner(
        List.copyOf(functions),
        names,
        used.isEmpty() ? List.of() : ImageScoring.open(used, hadoop),
        extractors,
        new ImageDecoder(settings.limits()),
        fusion);
  }

  /** What one picture gave the models: each scoring detector's score, each extractor's feature. */
  private record PictureResult(Map<String, ImageScore> scores, Map<String, float[]> features) {}

  /** The functions over batches of images, for one task thread. */
  public static final class Runner {
    private final List<ImageFunction> functions;
    private final List<String> scoring;
    private final List<ImageDetector.Scorer> scorers;
    private final Map<String, FeatureSource.Extractor> extractors;
    private final ImageDecoder decoder;
    private final LogisticFusion fusion;
    private final List<String> allDetectors;

    Runner(
        List<ImageFunction> functions,
        List<String> scoring,
        List<ImageDetector.Scorer> scorers,
        Map<String, FeatureSource.Extractor> extractors,
        ImageDecoder decoder,
        LogisticFusion fusion) {
      this.functions = functions;
      this.scoring = scoring;
      this.scorers = scorers;
      this.extractors = extractors;
      this.decoder = decoder;
      this.fusion = fusion;
      this.allDetectors = scoring;
    }

    public List<ImageFunction> functions() {
      return functions;
    }

    /**
     * Every function of every image, one model call per batch: {@code [image][function]} values as
     * Spark's external types (Double, Row, Float[]); null where the image has none (no bytes, or it
     * does not decode: its {@code synthscope_image_info} says why).
     */
    public List<Object[]> evaluate(List<byte[]> contents) {
      List<DecodeAndScore.Outcome<PictureResult>> outcomes =
          DecodeAndScore.run(contents, decoder, this::models, null);
      List<Object[]> out = new ArrayList<>(contents.size());
      for (DecodeAndScore.Outcome<PictureResult> o : outcomes) {
        Object[] v = new Object[functions.size()];
        for (int k = 0; k < v.length; k++) {
          v[k] = value(functions.get(k), o);
        }
        out.add(v);
      }
      return out;
    }

    private List<PictureResult> models(List<BufferedImage> images) {
      List<List<ImageScore>> byImage =
          scorers.isEmpty()
              ? null
              : ImageScoring.byImage(ImageScoring.scoreDecodedImages(images, scorers, null));
      Map<String, List<float[]>> feats = new LinkedHashMap<>();
      extractors.forEach(
          (name, e) -> {
            List<float[]> f = e.features(images);
            if (f.size() != images.size()) {
              throw new IllegalStateException(
                  name + " gave " + f.size() + " features for " + images.size() + " images");
            }
            feats.put(name, f);
          });
      List<PictureResult> out = new ArrayList<>(images.size());
      for (int i = 0; i < images.size(); i++) {
        Map<String, ImageScore> s = new LinkedHashMap<>();
        if (byImage != null) {
          for (int k = 0; k < scoring.size(); k++) {
            s.put(scoring.get(k), byImage.get(i).get(k));
          }
        }
        Map<String, float[]> f = new LinkedHashMap<>();
        int ii = i;
        feats.forEach((name, list) -> f.put(name, list.get(ii)));
        out.add(new PictureResult(s, f));
      }
      return out;
    }

    private Object value(ImageFunction f, DecodeAndScore.Outcome<PictureResult> o) {
      if (f.kind() == ImageFunction.Kind.IMAGE_INFO) {
        return info(o);
      }
      PictureResult r = o.value();
      if (r == null) {
        return null;
      }
      return switch (f.kind()) {
        case SCORE ->
            ScoreFusion.fuse(
                fusion, allDetectors, allDetectors.stream().map(r.scores()::get).toList());
        case DETECT -> r.scores().get(f.detector()).probability();
        case FEATURES -> boxed(r.features().get(f.detector()));
        case IMAGE_INFO -> throw new IllegalStateException();
      };
    }

    private static Row info(DecodeAndScore.Outcome<?> o) {
      DecodeResult d = o.decoded();
      ImageInfo i =
          d instanceof DecodeResult.Decoded ok
              ? ok.info()
              : d instanceof DecodeResult.Failed failed ? failed.info() : null;
      String status = o.error() == null ? InventorySchema.STATUS_OK : InventorySchema.STATUS_ERROR;
      return RowFactory.create(
          i == null ? null : i.format(),
          i == null ? null : i.width(),
          i == null ? null : i.height(),
          i == null ? null : i.channels(),
          i == null ? null : i.bitDepth(),
          status,
          o.error());
    }

    private static Float[] boxed(float[] f) {
      Float[] out = new Float[f.length];
      for (int i = 0; i < f.length; i++) {
        out[i] = f[i];
      }
      return out;
    }
  }
}
