package com.synthscope.udfs.detect.dnf;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a DNF classifier was trained on, as its artifact records it (manifest {@code
 * preprocessing}), so that scoring computes exactly the same input.
 *
 * @param kind {@link #DNF} (the diffusion noise feature of the named backbone) or {@link #PIXELS}
 *     (the image itself: the plain-CNN baseline the benchmark compares DNF with)
 * @param size side of the square input, the backbone's resolution
 * @param channels 1 (grey) or 3 (RGB)
 * @param mode DNF mode (unused for pixels)
 * @param postprocess DNF post-processing (unused for pixels)
 * @param backbone {@code id@sha256} of the backbone the features came from; null for pixels
 */
public record DnfFeature(
    String kind, int size, int channels, DnfMode mode, DnfPostprocess postprocess, String backbone)
    implements Serializable {

  public static final String DNF = "dnf";
  public static final String PIXELS = "pixels";

  /** Artifact kinds. */
  public static final String BACKBONE_KIND = "dnf-backbone";

  public static final String CLASSIFIER_KIND = "dnf-classifier";

  public DnfFeature {
    Objects.requireNonNull(kind, "kind");
    if (!kind.equals(DNF) && !kind.equals(PIXELS)) {
      throw new IllegalArgumentException("DNF feature kind must be dnf or pixels, got " + kind);
    }
    if (size < 8 || (channels != 1 && channels != 3)) {
      throw new IllegalArgumentException(
          "need size >= 8 and 1 or 3 channels, got " + size + " and " + channels);
    }
    if (kind.equals(DNF) && (mode == null || postprocess == null || backbone == null)) {
      throw new IllegalArgumentException(
          "a dnf feature needs its mode, post-processing and backbone");
    }
  }

  public boolean isDnf() {
    return kind.equals(DNF);
  }

  /** Per-sample shape {@code [channels, size, size]}. */
  public long[] sampleShape() {
    return new long[] {channels, size, size};
  }

  /** As manifest {@code preprocessing}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("feature", kind);
    m.put("size", size);
    m.put("channels", channels);
    m.put("range", "signed-unit");
    m.put("resize", "bicubic");
    if (isDnf()) {
      m.put("mode", mode.toString());
      m.put("postprocess", postprocess.label());
      m.put("backbone", backbone);
    }
    return m;
  }

  /** From manifest {@code preprocessing}. */
  public static DnfFeature fromMap(Map<String, ?> m) {
    String kind = String.valueOf(m.get("feature"));
    int size = ((Number) m.get("size")).intValue();
    int channels = ((Number) m.get("channels")).intValue();
    if (kind.equals(PIXELS)) {
      return new DnfFeature(kind, size, channels, null, null, null);
    }
    return new DnfFeature(
        kind,
        size,
        channels,
        DnfMode.parse(String.valueOf(m.get("mode"))),
        DnfPostprocess.parse(String.valueOf(m.get("postprocess"))),
        String.valueOf(m.get("backbone")));
  }
}
