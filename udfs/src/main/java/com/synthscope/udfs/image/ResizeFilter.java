package com.synthscope.udfs.image;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Resampling filters of {@link Resampler}, with PIL's definitions and supports. */
public enum ResizeFilter {
  /** Nearest neighbour: source pixel {@code floor((x + 0.5) * scale)}; no antialiasing. */
  NEAREST(0.0),
  /** Box (area average when downscaling by an integer factor), support 0.5. */
  BOX(0.5),
  /** Triangle, support 1. */
  BILINEAR(1.0),
  /** Keys cubic with a = -0.5, support 2. */
  BICUBIC(2.0),
  /** Lanczos windowed sinc with a = 3, support 3. */
  LANCZOS3(3.0);

  private final double support;

  ResizeFilter(double support) {
    this.support = support;
  }

  /** Half-width of the kernel at scale 1, in source pixels. */
  public double support() {
    return support;
  }

  /** The kernel's value at distance {@code x} (in filter units). */
  public double weight(double x) {
    switch (this) {
      case NEAREST:
      case BOX:
        return x >= -0.5 && x < 0.5 ? 1.0 : 0.0;
      case BILINEAR:
        {
          double ax = Math.abs(x);
          return ax < 1.0 ? 1.0 - ax : 0.0;
        }
      case BICUBIC:
        {
          final double a = -0.5;
          double ax = Math.abs(x);
          if (ax < 1.0) {
            return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1.0;
          }
          if (ax < 2.0) {
            return (((ax - 5.0) * ax + 8.0) * ax - 4.0) * a;
          }
          return 0.0;
        }
      case LANCZOS3:
        {
          double ax = Math.abs(x);
          return ax < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
        }
      default:
        throw new AssertionError(this);
    }
  }

  private static double sinc(double x) {
    if (x == 0.0) {
      return 1.0;
    }
    double px = Math.PI * x;
    return Math.sin(px) / px;
  }

  /** Case-insensitive name lookup ("bilinear", "Lanczos3", ...). */
  public static ResizeFilter parse(String name) {
    if (name != null) {
      String wanted = name.trim().toUpperCase(Locale.ROOT);
      for (ResizeFilter f : values()) {
        if (f.name().equals(wanted)) {
          return f;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown resize filter '"
            + name
            + "'; expected one of "
            + Arrays.stream(values())
                .map(f -> f.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", ")));
  }
}
