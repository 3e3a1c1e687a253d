package com.synthscope.udfs.detect;

import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.model.ModelManifest;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How a detector looks at images (METHODS.md section 4), as its artifact records it under the
 * manifest's {@code preprocessing.contract}, so that scoring derives everything from the model and
 * a user-trained detector brings its own.
 *
 * <ul>
 *   <li>{@link Kind#TILES} (micrographs): the detector learned {@code size}-px tiles of source
 *       images resampled by {@code scale}. An image is resampled by {@code scale} and covered by
 *       tiles ({@link TilePlan}).
 *   <li>{@link Kind#WHOLE} (photos of the CIFAKE kind): the detector learned whole images resized
 *       to {@code size} px. An image is resized whole; {@code scale} is unused (1).
 * </ul>
 *
 * @param kind tiles or whole
 * @param size tile side (tiles) or the side the whole image is resized to (whole), in pixels
 * @param scale pixel scale of the training images relative to their source images, in (0, 8]
 * @param colour the colour mode the detector learned
 */
public record DetectorContract(Kind kind, int size, double scale, ColorMode colour)
    implements Serializable {

  /** Where the contract lives in a manifest's {@code preprocessing}. */
  public static final String KEY = "contract";

  /** The embedded micrograph detectors: 32 px grey tiles at a quarter of MetalDAM's resolution. */
  public static final DetectorContract MICROGRAPH_TILES =
      new DetectorContract(Kind.TILES, 32, 0.25, ColorMode.GREY);

  public enum Kind {
    TILES,
    WHOLE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String s) {
      for (Kind k : values()) {
        if (k.label().equals(String.valueOf(s).strip().toLowerCase(Locale.ROOT))) {
          return k;
        }
      }
      throw new IllegalArgumentException("contract kind must be tiles or whole, got " + s);
    }
  }

  public DetectorContract {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(colour, "colour");
    if (size < 8) {
      throw new IllegalArgumentException("contract size must be >= 8 px, got " + size);
    }
    if (!(scale > 0 && scale <= 8)) {
      throw new IllegalArgumentException("contract scale must lie in (0, 8], got " + scale);
    }
  }

  /** A whole-image contract: images resized to {@code size} px in {@code colour}. */
  public static DetectorContract whole(int size, ColorMode colour) {
    return new DetectorContract(Kind.WHOLE, size, 1, colour);
  }

  public boolean tiled() {
    return kind == Kind.TILES;
  }

  /**
   * The same contract at another pixel scale ({@code --scale}: archives imaged at another
   * magnification).
   */
  public DetectorContract withScale(double s) {
    return new DetectorContract(kind, size, s, colour);
  }

  /** As manifest {@code preprocessing.contract}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind.label());
    m.put("size", size);
    m.put("scale", scale);
    m.put("colour", colour == ColorMode.GREY ? "grey" : "rgb");
    return m;
  }

  public static DetectorContract fromMap(Map<?, ?> m) {
    String colour = String.valueOf(m.get("colour")).toLowerCase(Locale.ROOT);
    if (!colour.equals("grey") && !colour.equals("rgb")) {
      throw new IllegalArgumentException("contract colour must be grey or rgb, got " + colour);
    }
    Object scale = m.get("scale");
    return new DetectorContract(
        Kind.parse(String.valueOf(m.get("kind"))),
        ((Number) m.get("size")).intValue(),
        scale == null ? 1 : ((Number) scale).doubleValue(),
        colour.equals("grey") ? ColorMode.GREY : ColorMode.RGB);
  }

  /**
   * The contract a manifest states; an artifact made before contracts existed states none and gets
   * {@code fallback} (its detector's input size, whole), which scores as such artifacts always
   * were.
   *
   * @throws IllegalArgumentException for a malformed contract
   */
  public static DetectorContract of(ModelManifest manifest, DetectorContract fallback) {
    Object c = manifest.preprocessing().get(KEY);
    if (c == null) {
      return fallback;
    }
    if (!(c instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("preprocessing.contract must be an object");
    }
    return fromMap(m);
  }

  /** One line for consoles and reports, e.g. {@code tiles of 32 px at scale 0.25, grey}. */
  public String describe() {
    String c = colour == ColorMode.GREY ? "grey" : "RGB";
    return tiled()
        ? String.format(Locale.ROOT, "tiles of %d px at scale %s, %s", size, trim(scale), c)
        : String.format(Locale.ROOT, "whole image resized to %d px, %s", size, c);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }
}
