package com.synthscope.udfs.image;

import java.util.Objects;
import java.util.Random;

/**
 * Rectangular crops of {@link FloatImage}s (all channels). Crops never pad: a window outside the
 * image is an error.
 */
public final class Crops {

  private Crops() {}

  /** The window {@code [top, top + height) x [left, left + width)}. */
  public static FloatImage crop(FloatImage src, int top, int left, int height, int width) {
    Objects.requireNonNull(src, "src");
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("crop size must be positive, got " + height + "x" + width);
    }
    if (top < 0
        || left < 0
        || (long) top + height > src.height()
        || (long) left + width > src.width()) {
      throw new IllegalArgumentException(
          "crop "
              + height
              + "x"
              + width
              + " at ("
              + top
              + ", "
              + left
              + ") does not fit in "
              + src.height()
              + "x"
              + src.width());
    }
    FloatImage dst = FloatImage.zeros(src.channels(), height, width);
    float[] in = src.data();
    float[] out = dst.data();
    for (int c = 0; c < src.channels(); c++) {
      for (int y = 0; y < height; y++) {
        System.arraycopy(
            in,
            (c * src.height() + top + y) * src.width() + left,
            out,
            (c * height + y) * width,
            width);
      }
    }
    return dst;
  }

  /**
   * The centred window; when the margin is odd the extra pixel is left at the bottom/right (offset
   * rounds down).
   */
  public static FloatImage center(FloatImage src, int height, int width) {
    checkFits(src, height, width);
    return crop(src, (src.height() - height) / 2, (src.width() - width) / 2, height, width);
  }

  /** A window at an offset drawn uniformly from all valid offsets. */
  public static FloatImage random(FloatImage src, int height, int width, Random rng) {
    Objects.requireNonNull(rng, "rng");
    checkFits(src, height, width);
    int top = rng.nextInt(src.height() - height + 1);
    int left = rng.nextInt(src.width() - width + 1);
    return crop(src, top, left, height, width);
  }

  private static void checkFits(FloatImage src, int height, int width) {
    Objects.requireNonNull(src, "src");
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("crop size must be positive, got " + height + "x" + width);
    }
    if (height > src.height() || width > src.width()) {
      throw new IllegalArgumentException(
          "crop "
              + height
              + "x"
              + width
              + " is larger than the image "
              + src.height()
              + "x"
              + src.width());
    }
  }
}
