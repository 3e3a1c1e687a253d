package com.synthscope.udfs.train.segmentation;

import com.synthscope.udfs.train.LabelledMicrograph;

/**
 * Whole-image prediction with a network trained on small crops: square windows of the training size
 * laid over the image with overlap, class probabilities averaged where windows overlap, then (for
 * evaluation at full label resolution) bilinear upsampling of the probabilities and an argmax per
 * pixel.
 *
 * <p>Windows rather than one pass over the whole image because GroupNorm statistics depend on the
 * extent of its input: the network sees at test time what it saw in training.
 */
public final class SlidingWindow {

  /** Predicts class probabilities for a batch of square grey windows. */
  @FunctionalInterface
  public interface WindowModel {
    /**
     * @param grey01 n * size * size grey values in [0, 1], row-major windows one after another
     * @return n * classes * size * size probabilities (NCHW)
     */
    float[] probabilities(float[] grey01, int n, int size);
  }

  private final WindowModel model;
  private final int classes;
  private final int size;
  private final int stride;
  private final int batch;

  public SlidingWindow(WindowModel model, int classes, int size, int stride, int batch) {
    if (stride < 1 || stride > size || batch < 1) {
      throw new IllegalArgumentException("stride must be in 1.." + size + " and batch positive");
    }
    this.model = model;
    this.classes = classes;
    this.size = size;
    this.stride = stride;
    this.batch = batch;
  }

  /**
   * Window starts along a side of {@code length}: 0, stride, 2 stride ..., and a last one flush
   * with the end.
   */
  static int[] positions(int length, int window, int stride) {
    if (length < window) {
      throw new IllegalArgumentException(
          "image side " + length + " is smaller than the window " + window);
    }
    int n = (length - window) / stride + 1;
    boolean flush = (n - 1) * stride + window < length;
    int[] p = new int[n + (flush ? 1 : 0)];
    for (int i = 0; i < n; i++) {
      p[i] = i * stride;
    }
    if (flush) {
      p[n] = length - window;
    }
    return p;
  }

  /** Class probabilities of the whole image, {@code classes * height * width} (CHW). */
  public float[] probabilities(LabelledMicrograph image) {
    int h = image.height();
    int w = image.width();
    int[] ys = positions(h, size, stride);
    int[] xs = positions(w, size, stride);
    int windows = ys.length * xs.length;
    float[] sum = new float[classes * h * w];
    int[] hits = new int[h * w];
    int per = size * size;
    for (int start = 0; start < windows; start += batch) {
      int n = Math.min(batch, windows - start);
      float[] in = new float[n * per];
      for (int i = 0; i < n; i++) {
        int top = ys[(start + i) / xs.length];
        int left = xs[(start + i) % xs.length];
        for (int y = 0; y < size; y++) {
          System.arraycopy(image.grey(), (top + y) * w + left, in, i * per + y * size, size);
        }
      }
      float[] out = model.probabilities(in, n, size);
      for (int i = 0; i < n; i++) {
        int top = ys[(start + i) / xs.length];
        int left = xs[(start + i) % xs.length];
        for (int y = 0; y < size; y++) {
          for (int x = 0; x < size; x++) {
            int pix = (top + y) * w + left + x;
            hits[pix]++;
            for (int k = 0; k < classes; k++) {
              sum[k * h * w + pix] += out[((i * classes + k) * size + y) * size + x];
            }
          }
        }
      }
    }
    for (int k = 0; k < classes; k++) {
      for (int p = 0; p < h * w; p++) {
        sum[k * h * w + p] /= hits[p];
      }
    }
    return sum;
  }

  /**
   * The class of each pixel at {@code outHeight x outWidth}, from probabilities at {@code height x
   * width}: bilinear interpolation at pixel centres (source coordinate {@code (y + 0.5) * height /
   * outHeight - 0.5}, clamped to the image), then the most probable class (ties to the lower
   * index). Same size: a plain argmax.
   */
  public static byte[] upsampleArgmax(
      float[] probs, int classes, int height, int width, int outHeight, int outWidth) {
    byte[] out = new byte[outHeight * outWidth];
    int plane = height * width;
    for (int y = 0; y < outHeight; y++) {
      double sy = Math.min(height - 1, Math.max(0, (y + 0.5) * height / outHeight - 0.5));
      int y0 = (int) Math.floor(sy);
      int y1 = Math.min(height - 1, y0 + 1);
      float fy = (float) (sy - y0);
      for (int x = 0; x < outWidth; x++) {
        double sx = Math.min(width - 1, Math.max(0, (x + 0.5) * width / outWidth - 0.5));
        int x0 = (int) Math.floor(sx);
        int x1 = Math.min(width - 1, x0 + 1);
        float fx = (float) (sx - x0);
        int best = 0;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < classes; k++) {
          int o = k * plane;
          float top = probs[o + y0 * width + x0] * (1 - fx) + probs[o + y0 * width + x1] * fx;
          float bottom = probs[o + y1 * width + x0] * (1 - fx) + probs[o + y1 * width + x1] * fx;
          float v = top * (1 - fy) + bottom * fy;
          if (v > bestValue) {
            bestValue = v;
            best = k;
          }
        }
        out[y * outWidth + x] = (byte) best;
      }
    }
    return out;
  }

  /**
   * Adds one image to {@code confusion}: predicts on {@code input} (the image at the network's
   * scale) and compares with the labels of {@code truth} (the same micrograph at the resolution to
   * score, e.g. the full label size).
   */
  public void evaluate(
      LabelledMicrograph input, LabelledMicrograph truth, ConfusionMatrix confusion) {
    float[] probs = probabilities(input);
    byte[] predicted =
        upsampleArgmax(
            probs, classes, input.height(), input.width(), truth.height(), truth.width());
    confusion.add(truth.labels(), predicted);
  }
}
