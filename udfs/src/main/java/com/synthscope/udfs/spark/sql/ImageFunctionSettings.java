package com.synthscope.udfs.spark.sql;

import com.synthscope.udfs.detect.DetectorDomain;
import com.synthscope.udfs.detect.DetectorRegistry;
import com.synthscope.udfs.image.DecodeLimits;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the functions' models live and how images are batched, from Spark conf: {@code
 * spark.synthscope.model.<detector>.<role>=URI} (also {@code <role>-format}, {@code <role>-sha256};
 * roles not set: the embedded models), {@code spark.synthscope.batch} (images per model call,
 * default {@value DetectorRegistry#DEFAULT_BATCH}), {@code spark.synthscope.sql.batched} (false:
 * one model call per row, for comparison), {@code spark.synthscope.domain} ({@code micrographs},
 * the default, or {@code photos}: the detector family whose embedded models and fusion serve the
 * roles not set, as the CLI's {@code --domain}).
 *
 * @param models {@code detector.role -> URI}
 */
public record ImageFunctionSettings(
    Map<String, String> models, int batchSize, DecodeLimits limits, DetectorDomain domain)
    implements Serializable {

  public static final String DOMAIN = "spark.synthscope.domain";
  public static final String MODEL_PREFIX = "spark.synthscope.model.";
  public static final String BATCH = "spark.synthscope.batch";
  public static final String BATCHED = "spark.synthscope.sql.batched";

  /** The micrograph family's settings. */
  public ImageFunctionSettings(Map<String, String> models, int batchSize, DecodeLimits limits) {
    this(models, batchSize, limits, DetectorDomain.MICROGRAPHS);
  }

  public ImageFunctionSettings {
    models = Map.copyOf(new TreeMap<>(models));
    java.util.Objects.requireNonNull(domain, "domain");
    if (batchSize < 1) {
      throw new IllegalArgumentException(BATCH + " must be >= 1, got " + batchSize);
    }
  }

  /**
   * The embedded models, batches of {@value DetectorRegistry#DEFAULT_BATCH}, default decode limits.
   */
  public static ImageFunctionSettings defaults() {
    return new ImageFunctionSettings(
        Map.of(), DetectorRegistry.DEFAULT_BATCH, DecodeLimits.defaults());
  }

  /** From a session's settings ({@code spark.conf} / {@code --conf}). */
  public static ImageFunctionSettings fromConf(Map<String, String> conf) {
    Map<String, String> models = new TreeMap<>();
    conf.forEach(
        (k, v) -> {
          if (k.startsWith(MODEL_PREFIX)) {
            models.put(k.substring(MODEL_PREFIX.length()), v);
          }
        });
    int batch;
    try {
      batch =
          Integer.parseInt(
              conf.getOrDefault(BATCH, String.valueOf(DetectorRegistry.DEFAULT_BATCH)).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          BATCH + " must be a whole number, got " + conf.get(BATCH), e);
    }
    DetectorDomain domain =
        DetectorDomain.parse(conf.getOrDefault(DOMAIN, DetectorDomain.MICROGRAPHS.id()));
    return new ImageFunctionSettings(models, batch, DecodeLimits.defaults(), domain);
  }

  /** The same settings with other model URIs ({@code detector.role -> URI}). */
  public ImageFunctionSettings withModels(Map<String, String> m) {
    return new ImageFunctionSettings(m, batchSize, limits, domain);
  }

  public ImageFunctionSettings withBatchSize(int n) {
    return new ImageFunctionSettings(models, n, limits, domain);
  }
}
