package com.synthscope.udfs.augment;

import java.util.Objects;

/**
 * Phase-fraction vectors of masks: the PF-DiffSeg condition and its quality-control measure
 * (METHODS.md 3.2, 3.7).
 */
public final class PhaseFractions {

  private PhaseFractions() {}

  /**
   * The share of each class {@code 0 .. classes - 1} among the pixels of {@code labels}; sums to 1.
   *
   * @throws IllegalArgumentException when the mask is empty or holds a value outside {@code 0 ..
   *     classes - 1}
   */
  public static float[] of(byte[] labels, int classes) {
    Objects.requireNonNull(labels, "labels");
    checkClasses(classes);
    if (labels.length == 0) {
      throw new IllegalArgumentException("empty mask");
    }
    long[] counts = new long[classes];
    for (int i = 0; i < labels.length; i++) {
      int v = labels[i] & 0xff;
      if (v >= classes) {
        throw new IllegalArgumentException(
            "mask value " + v + " at index " + i + " is outside 0.." + (classes - 1));
      }
      counts[v]++;
    }
    float[] f = new float[classes];
    for (int k = 0; k < classes; k++) {
      f[k] = (float) ((double) counts[k] / labels.length);
    }
    return f;
  }

  /**
   * The mask of a generated (1+K) x H x W sample (CHW): for every pixel the class whose channel
   * {@code firstMaskChannel + k} is largest; ties go to the lower class; NaN never wins over a
   * number.
   */
  public static byte[] argmaxMask(
      float[] channels, int classes, int height, int width, int firstMaskChannel) {
    Objects.requireNonNull(channels, "channels");
    checkClasses(classes);
    if (classes > 256) {
      throw new IllegalArgumentException("at most 256 classes fit a byte mask, got " + classes);
    }
    if (height <= 0 || width <= 0 || firstMaskChannel < 0) {
      throw new IllegalArgumentException(
          "bad layout: " + height + "x" + width + ", first mask channel " + firstMaskChannel);
    }
    int n = height * width;
    long needed = (long) (firstMaskChannel + classes) * n;
    if (channels.length < needed) {
      throw new IllegalArgumentException(
          "channels has "
              + channels.length
              + " values; "
              + classes
              + " mask channels from channel "
              + firstMaskChannel
              + " of "
              + height
              + "x"
              + width
              + " need "
              + needed);
    }
    byte[] mask = new byte[n];
    int base = firstMaskChannel * n;
    for (int i = 0; i < n; i++) {
      int best = 0;
      float bestValue = channels[base + i];
      for (int k = 1; k < classes; k++) {
        float v = channels[base + k * n + i];
        if (v > bestValue || (Float.isNaN(bestValue) && !Float.isNaN(v))) {
          best = k;
          bestValue = v;
        }
      }
      mask[i] = (byte) best;
    }
    return mask;
  }

  /** Sum of absolute differences of two vectors of the same length. */
  public static float l1(float[] a, float[] b) {
    Objects.requireNonNull(a, "a");
    Objects.requireNonNull(b, "b");
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += Math.abs((double) a[i] - b[i]);
    }
    return (float) s;
  }

  private static void checkClasses(int classes) {
    if (classes <= 0) {
      throw new IllegalArgumentException("classes must be positive, got " + classes);
    }
  }
}
