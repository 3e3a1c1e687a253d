package com.synthscope.udfs.image;

import java.util.Arrays;
import java.util.Objects;

/**
 * A float image in CHW layout: {@code data[(c * height + y) * width + x]}.
 *
 * <p>Equality compares the pixel values ({@link Arrays#equals(float[], float[])}), not the array
 * identity.
 */
public record FloatImage(int channels, int height, int width, float[] data) {

  public FloatImage {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "channels, height and width must be positive, got "
              + channels
              + "x"
              + height
              + "x"
              + width);
    }
    Objects.requireNonNull(data, "data");
    long expected = (long) channels * height * width;
    if (data.length != expected) {
      throw new IllegalArgumentException(
          "data has "
              + data.length
              + " values, "
              + channels
              + "x"
              + height
              + "x"
              + width
              + " needs "
              + expected);
    }
  }

  /** A zero-filled image. */
  public static FloatImage zeros(int channels, int height, int width) {
    long n = (long) channels * height * width;
    if (n > Integer.MAX_VALUE - 8 || n < 0) {
      throw new IllegalArgumentException(
          "image too large: " + channels + "x" + height + "x" + width);
    }
    return new FloatImage(channels, height, width, new float[(int) Math.max(n, 0)]);
  }

  public int index(int c, int y, int x) {
    if (c < 0 || c >= channels || y < 0 || y >= height || x < 0 || x >= width) {
      throw new IndexOutOfBoundsException(
          "(" + c + ", " + y + ", " + x + ") outside " + channels + "x" + height + "x" + width);
    }
    return (c * height + y) * width + x;
  }

  public float get(int c, int y, int x) {
    return data[index(c, y, x)];
  }

  /** A deep copy. */
  public FloatImage copy() {
    return new FloatImage(channels, height, width, data.clone());
  }

  /** The image mirrored left-right (each row reversed, every channel). */
  public FloatImage mirrored() {
    float[] m = new float[data.length];
    for (int row = 0; row < channels * height; row++) {
      int base = row * width;
      for (int x = 0; x < width; x++) {
        m[base + x] = data[base + width - 1 - x];
      }
    }
    return new FloatImage(channels, height, width, m);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatImage other
        && channels == other.channels
        && height == other.height
        && width == other.width
        && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return 31 * Objects.hash(channels, height, width) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatImage[" + channels + "x" + height + "x" + width + "]";
  }
}
