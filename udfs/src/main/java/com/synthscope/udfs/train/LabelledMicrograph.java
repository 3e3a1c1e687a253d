package com.synthscope.udfs.train;

import java.util.Objects;

/**
 * One labelled micrograph, cropped to its label (the SEM information band removed).
 *
 * @param number micrograph number (file {@code micrograph<number>})
 * @param height rows
 * @param width columns
 * @param grey {@code height * width} grey values in [0, 1], row-major
 * @param labels {@code height * width} class indices in {@code 0 .. MetalDam.CLASSES - 1},
 *     row-major
 */
public record LabelledMicrograph(int number, int height, int width, float[] grey, byte[] labels) {

  public LabelledMicrograph {
    Objects.requireNonNull(grey, "grey");
    Objects.requireNonNull(labels, "labels");
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + height + "x" + width);
    }
    long n = (long) height * width;
    if (grey.length != n || labels.length != n) {
      throw new IllegalArgumentException(
          "micrograph "
              + number
              + ": "
              + height
              + "x"
              + width
              + " needs "
              + n
              + " values, got grey "
              + grey.length
              + " and labels "
              + labels.length);
    }
  }

  /** {@code height * width}. */
  public long area() {
    return (long) height * width;
  }

  @Override
  public String toString() {
    return "LabelledMicrograph[" + number + ", " + height + "x" + width + "]";
  }
}
