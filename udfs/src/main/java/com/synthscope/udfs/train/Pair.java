package com.synthscope.udfs.train;

import java.util.Objects;

/**
 * A square training crop: image and mask.
 *
 * @param size side in pixels
 * @param grey {@code size * size} grey values in [0, 1], row-major
 * @param labels {@code size * size} class indices in {@code 0 .. MetalDam.CLASSES - 1}, row-major
 */
public record Pair(int size, float[] grey, byte[] labels) {

  public Pair {
    Objects.requireNonNull(grey, "grey");
    Objects.requireNonNull(labels, "labels");
    if (size <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + size);
    }
    long n = (long) size * size;
    if (grey.length != n || labels.length != n) {
      throw new IllegalArgumentException(
          size
              + "x"
              + size
              + " needs "
              + n
              + " values, got grey "
              + grey.length
              + " and labels "
              + labels.length);
    }
  }

  /**
   * The share of each of the {@link MetalDam#CLASSES} classes in the mask (sums to 1): the
   * PF-DiffSeg condition. Counted here rather than through {@code augment.PhaseFractions} to keep
   * {@code train} free of {@code augment}.
   */
  public float[] fractions() {
    long[] counts = new long[MetalDam.CLASSES];
    for (byte b : labels) {
      counts[b]++;
    }
    float[] f = new float[MetalDam.CLASSES];
    for (int k = 0; k < f.length; k++) {
      f[k] = (float) ((double) counts[k] / labels.length);
    }
    return f;
  }
}
