package com.synthscope.udfs.detect;

import com.synthscope.udfs.detect.dnf.DnfFactory;
import com.synthscope.udfs.detect.nsnet.NsNetFactory;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelRef;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one home of the detectors: names to how each is built from model references. The CLI ({@code
 * audit}, {@code eval}, {@code calibrate}), the Spark SQL functions, the Spark ML stages and the
 * notebooks all build detectors here; a detector's {@link ImageDetector#preflight} and {@link
 * ImageDetector#open} do the rest.
 *
 * <p>Models by role: {@code ROLE=URI} names an artifact (its manifest kind must be the role's),
 * {@code ROLE-format=torchscript|onnx|djl-params} its weight format (default djl-params), {@code
 * ROLE-sha256=HEX} pins its manifest. Roles not named use the embedded models.
 */
public final class DetectorRegistry implements DetectorCatalog {

  /** Images per model batch unless the caller says otherwise. */
  public static final int DEFAULT_BATCH = 8;

  /** The registration: one line per detector. */
  private static final DetectorRegistry BUILTIN = builtinOf(DetectorDomain.MICROGRAPHS);

  private static final DetectorRegistry PHOTOS = builtinOf(DetectorDomain.PHOTOS);

  private static DetectorRegistry builtinOf(DetectorDomain domain) {
    return new DetectorRegistry(List.of(DnfFactory.of(domain), NsNetFactory.of(domain)));
  }

  private final Map<String, DetectorFactory> factories = new LinkedHashMap<>();

  public DetectorRegistry(List<DetectorFactory> factories) {
    for (DetectorFactory f : factories) {
      if (this.factories.put(f.name(), f) != null) {
        throw new IllegalArgumentException("two detectors named " + f.name());
      }
    }
  }

  /** {@code dnf} and {@code nsnet} with the micrograph family's embedded models. */
  public static DetectorRegistry builtin() {
    return BUILTIN;
  }

  /**
   * {@code dnf} and {@code nsnet} with a family's embedded models (docs/photos.md for {@code
   * photos}).
   */
  public static DetectorRegistry builtin(DetectorDomain domain) {
    return domain == DetectorDomain.PHOTOS ? PHOTOS : BUILTIN;
  }

  @Override
  public List<String> names() {
    return List.copyOf(factories.keySet());
  }

  public DetectorFactory factory(String name) {
    DetectorFactory f = factories.get(name);
    if (f == null) {
      throw new IllegalArgumentException(
          "unknown detector '" + name + "'; choose from " + String.join(", ", names()));
    }
    return f;
  }

  @Override
  public ImageDetector create(String name, Map<String, String> models) {
    return create(name, models, DEFAULT_BATCH);
  }

  /** A detector by name over the models given by role, the embedded ones for roles not given. */
  public ImageDetector create(String name, Map<String, String> models, int batchSize) {
    DetectorFactory f = factory(name);
    checkRoles(f, models);
    Map<String, ModelRef> refs = new LinkedHashMap<>();
    for (ModelRole role : f.models()) {
      refs.put(role.name(), ref(f, role, models));
    }
    return f.build(refs, batchSize);
  }

  /**
   * A detector's frozen feature extractor over the models given by role (the embedded ones for
   * roles not given).
   */
  public FeatureSource features(
      String name, Map<String, String> models, org.apache.hadoop.conf.Configuration hadoopConf) {
    DetectorFactory f = factory(name);
    checkRoles(f, models);
    Map<String, ModelRef> refs = new LinkedHashMap<>();
    for (ModelRole role : f.models()) {
      refs.put(role.name(), ref(f, role, models));
    }
    return f.features(refs, hadoopConf);
  }

  /** One role's model reference from the settings: the named artifact, or the embedded default. */
  public ModelRef ref(String detector, String role, Map<String, String> models) {
    DetectorFactory f = factory(detector);
    checkRoles(f, models);
    return ref(
        f,
        f.models().stream()
            .filter(r -> r.name().equals(role))
            .findFirst()
            .orElseThrow(
                () -> new IllegalArgumentException(detector + " has no model role " + role)),
        models);
  }

  private static ModelRef ref(DetectorFactory f, ModelRole role, Map<String, String> models) {
    String uri = models.get(role.name());
    String format = models.get(role.formatOption());
    String sha = models.get(role.sha256Option());
    if (uri == null) {
      if (format != null || sha != null) {
        throw new IllegalArgumentException(
            f.name()
                + "."
                + (format != null ? role.formatOption() : role.sha256Option())
                + " given without "
                + f.name()
                + "."
                + role.name());
      }
      return role.embedded();
    }
    String setting = f.name() + "." + role.name();
    ModelFormat fmt;
    try {
      fmt = ModelFormat.parse(format == null ? ModelFormat.DJL_PARAMS.id() : format);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          f.name() + "." + role.formatOption() + ": " + e.getMessage(), e);
    }
    try {
      return ModelRef.of(URI.create(uri), sha, fmt, role.kind());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + " " + uri + ": " + e.getMessage(), e);
    }
  }

  private static void checkRoles(DetectorFactory f, Map<String, String> models) {
    Set<String> roles = new TreeSet<>();
    Set<String> known = new TreeSet<>();
    for (ModelRole r : f.models()) {
      roles.add(r.name());
      known.add(r.name());
      known.add(r.formatOption());
      known.add(r.sha256Option());
    }
    for (String key : models.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException(
            f.name()
                + "."
                + key
                + ": "
                + f.name()
                + " takes the models "
                + String.join(", ", roles)
                + " (each with ROLE-format and ROLE-sha256)");
      }
    }
  }
}
