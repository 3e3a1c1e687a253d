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
 * @param sha256 expected SHA-256 of the manifest file (which pins every other file), or null to accept any manifest
 *     whose own file checksums hold
 * @param engine the engine the caller expects
 * @param format the weight format the caller expects
 */
public record ModelRef(URI uri, String sha256, ModelEngine engine, ModelFormat format) implements Serializable {

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
      throw new IllegalArgumentException("format " + format + " runs on " + format.engine() + ", not " + engine);
    }
  }

  public static ModelRef of(URI uri, String sha256, ModelFormat format) {
    return new ModelRef(uri, sha256, format.engine(), format);
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
