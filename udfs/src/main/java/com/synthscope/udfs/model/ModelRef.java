package com.synthscope.udfs.model;

import java.io.Serializable;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a job needs to know to use a model: where its artifact lives and what it must be.
 *
 * <p>Small and serializable: this, never the model, is what travels to executors in closures.
 *
 * @param uri folder or {@code .zip} holding {@code synthscope-model.json}, on any Hadoop filesystem
 * @param sha256 expected SHA-256 of the manifest file (which pins every other file), or null to
 *     accept any manifest whose own file checksums hold
 * @param engine the engine the caller expects
 * @param format the weight format the caller expects
 * @param kind the manifest's {@code kind} the caller expects ({@code dnf-classifier}, {@code
 *     nsnet-encoder} ...), checked once, when the artifact is fetched for preflight or load; null
 *     accepts any kind
 */
public record ModelRef(URI uri, String sha256, ModelEngine engine, ModelFormat format, String kind)
    implements Serializable {

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public ModelRef {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(format, "format");
    if (sha256 != null) {
      sha256 = sha256.toLowerCase(Locale.ROOT);
      if (!SHA256.matcher(sha256).matches()) {
        throw new IllegalArgumentException("sha256 must be 64 hex digits, got '" + sha256 + "'");
      }
    }
    if (format.engine() != engine) {
      throw new IllegalArgumentException(
          "format " + format + " runs on " + format.engine() + ", not " + engine);
    }
  }

  /**
   * A reference that accepts a model of any kind (test fixtures, tools that inspect any artifact).
   */
  public static ModelRef of(URI uri, String sha256, ModelFormat format) {
    return new ModelRef(uri, sha256, format.engine(), format, null);
  }

  /** A reference to a model that must be of {@code kind}. */
  public static ModelRef of(URI uri, String sha256, ModelFormat format, String kind) {
    return new ModelRef(uri, sha256, format.engine(), format, kind);
  }

  /** The same reference pinned to a manifest checksum. */
  public ModelRef withSha256(String manifestSha256) {
    return new ModelRef(uri, manifestSha256, engine, format, kind);
  }

  /** The same reference expecting another kind. */
  public ModelRef withKind(String expected) {
    return new ModelRef(uri, sha256, engine, format, expected);
  }

  /** A short name for messages: the last path element of the URI. */
  public String displayName() {
    if (uri.isOpaque()) {
      return uri.toString(); // embedded:pfdiffseg
    }
    String path = uri.getPath() == null ? uri.toString() : uri.getPath();
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    int slash = trimmed.lastIndexOf('/');
    return (slash >= 0 ? trimmed.substring(slash + 1) : trimmed) + " <" + uri + ">";
  }
}
