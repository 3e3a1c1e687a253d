package com.synthscope.udfs.image;

import java.util.Objects;

/**
 * Separable resampling of {@link FloatImage}s, following PIL's {@code Image.resize}: pixel centres
 * are aligned (output {@code x} samples source position {@code (x + 0.5) * scale - 0.5}), and when
 * downscaling the kernel is widened by the scale factor (antialiasing). Weights falling outside the
 * image are dropped and the rest renormalised, so borders behave like edge replication for
 * interpolating filters. {@link ResizeFilter#NEAREST} picks source pixel {@code floor((x + 0.5) *
 * scale)}. Channels are resampled independently.
 */
public final class Resampler {

  private Resampler() {}

  public static FloatImage resize(FloatImage src, int height, int width, ResizeFilter filter) {
    Objects.requireNonNull(src, "src");
    Objects.requireNonNull(filter, "filter");
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "target size must be positive, got " + height + "x" + width);
    }
    if (height == src.height() && width == src.width()) {
      return src.copy();
    }
    FloatImage tmp = src;
    if (width != src.width()) {
      tmp = resizeHorizontal(tmp, width, filter);
    }
    if (height != src.height()) {
      tmp = resizeVertical(tmp, height, filter);
    }
    return tmp;
  }

  /**
   * Precomputed 1-D weights: output i reads {@code count[i]} source samples from {@code start[i]}.
   */
  private record Kernel(int[] start, int[] count, double[] weights, int stride) {}

  static Kernel kernel(int inSize, int outSize, ResizeFilter filter) {
    double scale = (double) inSize / outSize;
    int[] start = new int[outSize];
    int[] count = new int[outSize];
    if (filter == ResizeFilter.NEAREST) {
      double[] weights = new double[outSize];
      for (int i = 0; i < outSize; i++) {
        start[i] = Math.min(inSize - 1, (int) Math.floor((i + 0.5) * scale));
        count[i] = 1;
        weights[i] = 1.0;
      }
      return new Kernel(start, count, weights, 1);
    }
    double filterScale = Math.max(scale, 1.0);
    double support = filter.support() * filterScale;
    int stride = (int) Math.ceil(support) * 2 + 1;
    double[] weights = new double[outSize * stride];
    for (int i = 0; i < outSize; i++) {
      double center = (i + 0.5) * scale;
      int min = Math.max((int) Math.floor(center - support + 0.5), 0);
      int max = Math.min((int) Math.floor(center + support + 0.5), inSize);
      int n = Math.min(max - min, stride);
      double total = 0;
      for (int j = 0; j < n; j++) {
        double w = filter.weight((j + min - center + 0.5) / filterScale);
        weights[i * stride + j] = w;
        total += w;
      }
      if (total != 0) {
        for (int j = 0; j < n; j++) {
          weights[i * stride + j] /= total;
        }
      }
      start[i] = min;
      count[i] = n;
    }
    return new Kernel(start, count, weights, stride);
  }

  private static FloatImage resizeHorizontal(FloatImage src, int outW, ResizeFilter filter) {
    int c = src.channels();
    int h = src.height();
    int inW = src.width();
    Kernel k = kernel(inW, outW, filter);
    FloatImage dst = FloatImage.zeros(c, h, outW);
    float[] in = src.data();
    float[] out = dst.data();
    for (int row = 0; row < c * h; row++) {
      int inBase = row * inW;
      int outBase = row * outW;
      for (int x = 0; x < outW; x++) {
        int s = k.start[x];
        int wBase = x * k.stride;
        double acc = 0;
        for (int j = 0; j < k.count[x]; j++) {
          acc += in[inBase + s + j] * k.weights[wBase + j];
        }
        out[outBase + x] = (float) acc;
      }
    }
    return dst;
  }

  private static FloatImage resizeVertical(FloatImage src, int outH, ResizeFilter filter) {
    int c = src.channels();
    int inH = src.height();
    int w = src.width();
    Kernel k = kernel(inH, outH, filter);
    FloatImage dst = FloatImage.zeros(c, outH, w);
    float[] in = src.data();
    float[] out = dst.data();
    double[] acc = new double[w];
    for (int ch = 0; ch < c; ch++) {
      int inPlane = ch * inH * w;
      int outPlane = ch * outH * w;
      for (int y = 0; y < outH; y++) {
        java.util.Arrays.fill(acc, 0);
        int s = k.start[y];
        int wBase = y * k.stride;
        for (int j = 0; j < k.count[y]; j++) {
          double wt = k.weights[wBase + j];
          int rowBase = inPlane + (s + j) * w;
          for (int x = 0; x < w; x++) {
            acc[x] += in[rowBase + x] * wt;
          }
        }
        int outBase = outPlane + y * w;
        for (int x = 0; x < w; x++) {
          out[outBase + x] = (float) acc[x];
        }
      }
    }
    return dst;
  }
}
