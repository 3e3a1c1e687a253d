package com.synthscope.udfs.train;

import com.synthscope.udfs.image.GreyRange;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * An endless, seeded stream of random square crops of labelled micrographs (METHODS.md 3.5): a
 * random image chosen with probability proportional to its area, a uniformly random position, then
 * a random horizontal flip, a random vertical flip and a random rotation by 0, 90, 180 or 270
 * degrees (all valid for micrographs). The same images, size and seed give the same sequence. Not
 * thread-safe: one instance per thread.
 */
public final class PairCrops {

  private final List<LabelledMicrograph> images;
  private final int size;
  private final long[] cumulativeArea;
  private final SplittableRandom rng;

  /**
   * @param images micrographs, already downscaled to the training scale; each must be at least
   *     {@code size} on both sides
   */
  public PairCrops(List<LabelledMicrograph> images, int size, long seed) {
    Objects.requireNonNull(images, "images");
    if (images.isEmpty()) {
      throw new IllegalArgumentException("no images to crop from");
    }
    if (size <= 0) {
      throw new IllegalArgumentException("crop size must be positive, got " + size);
    }
    this.images = List.copyOf(images);
    this.size = size;
    this.cumulativeArea = new long[this.images.size()];
    long total = 0;
    for (int i = 0; i < this.images.size(); i++) {
      LabelledMicrograph m = this.images.get(i);
      if (m.height() < size || m.width() < size) {
        throw new IllegalArgumentException(
            "crop "
                + size
                + "x"
                + size
                + " does not fit micrograph "
                + m.number()
                + " of "
                + m.height()
                + "x"
                + m.width());
      }
      total += m.area();
      cumulativeArea[i] = total;
    }
    this.rng = new SplittableRandom(seed);
  }

  public int size() {
    return size;
  }

  /** The next crop of the sequence. */
  public Pair next() {
    long pick = rng.nextLong(cumulativeArea[cumulativeArea.length - 1]);
    int index = Arrays.binarySearch(cumulativeArea, pick + 1);
    if (index < 0) {
      index = -index - 1;
    }
    LabelledMicrograph m = images.get(index);
    int top = rng.nextInt(m.height() - size + 1);
    int left = rng.nextInt(m.width() - size + 1);
    boolean flipH = rng.nextBoolean();
    boolean flipV = rng.nextBoolean();
    int quarterTurns = rng.nextInt(4);
    return transform(m, top, left, size, flipH, flipV, quarterTurns);
  }

  /**
   * The crop at {@code (top, left)}, flipped horizontally (x mirrored) and/or vertically (y
   * mirrored), then rotated {@code quarterTurns} times by 90 degrees clockwise. Package-private for
   * tests.
   */
  static Pair transform(
      LabelledMicrograph m,
      int top,
      int left,
      int size,
      boolean flipH,
      boolean flipV,
      int quarterTurns) {
    float[] grey = new float[size * size];
    byte[] labels = new byte[size * size];
    int w = m.width();
    float[] srcGrey = m.grey();
    byte[] srcLabels = m.labels();
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        // output (y, x) <- rotated-back position (ry, rx) <- un-flipped crop position (cy, cx)
        int ry;
        int rx;
        switch (quarterTurns & 3) {
          case 0 -> {
            ry = y;
            rx = x;
          }
          case 1 -> { // clockwise: out(y, x) = in(size-1-x, y)
            ry = size - 1 - x;
            rx = y;
          }
          case 2 -> {
            ry = size - 1 - y;
            rx = size - 1 - x;
          }
          default -> { // 270 clockwise: out(y, x) = in(x, size-1-y)
            ry = x;
            rx = size - 1 - y;
          }
        }
        int cy = flipV ? size - 1 - ry : ry;
        int cx = flipH ? size - 1 - rx : rx;
        int src = (top + cy) * w + left + cx;
        grey[y * size + x] = srcGrey[src];
        labels[y * size + x] = srcLabels[src];
      }
    }
    return new Pair(size, grey, labels);
  }

  /**
   * A pair flipped horizontally and/or vertically, then rotated {@code quarterTurns} times by 90
   * degrees clockwise: the same transform as the crops get, for pairs from elsewhere (generated
   * ones).
   */
  public static Pair transform(Pair p, boolean flipH, boolean flipV, int quarterTurns) {
    LabelledMicrograph whole = new LabelledMicrograph(-1, p.size(), p.size(), p.grey(), p.labels());
    return transform(whole, 0, 0, p.size(), flipH, flipV, quarterTurns);
  }

  /**
   * The PF-DiffSeg state of a pair (METHODS.md 3.1), CHW with {@code 1 + MetalDam.CLASSES}
   * channels: channel 0 the grey image mapped to [-1, 1] ({@code grey * 2 - 1}), then one channel
   * per class that is +1 where the pixel has that class and -1 elsewhere.
   */
  public static float[] toChannels(Pair p) {
    return toChannels(p, GreyRange.PLAIN);
  }

  /** As {@link #toChannels(Pair)}, the grey mapped to [-1, 1] by {@code range}. */
  public static float[] toChannels(Pair p, GreyRange range) {
    int n = p.size() * p.size();
    int k = MetalDam.CLASSES;
    float[] out = new float[(1 + k) * n];
    Arrays.fill(out, n, out.length, -1f);
    float[] grey = p.grey();
    byte[] labels = p.labels();
    for (int i = 0; i < n; i++) {
      out[i] = range.isPlain() ? grey[i] * 2f - 1f : range.toSigned(grey[i]);
      out[(1 + labels[i]) * n + i] = 1f;
    }
    return out;
  }
}
