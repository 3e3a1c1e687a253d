package com.synthscope.udfs.diffusion;

import java.util.Arrays;
import java.util.Objects;

/**
 * MultiDiffusion (Bar-Tal et al. 2023; METHODS.md section 5): a noise predictor for a canvas larger
 * than the network's window. At every step the canvas is cut into overlapping {@code window x
 * window} squares, the window predictor sees each (all channels together: image and mask), and the
 * predicted noise is averaged per pixel over every window that covers it. Any sampler can then run
 * on the whole canvas: its update is the MultiDiffusion least-squares step for equal window
 * weights.
 *
 * <p>Windows start at {@code 0, stride, 2 stride, ...} along each axis, plus a last one flush with
 * the far edge, so every pixel is covered and the tiling is fixed by (canvas, window, stride)
 * alone. Each canvas's windows are predicted in a fixed order, in batches of at most {@code
 * maxBatch} that never mix canvases: the same input gives the same output, and a canvas's result
 * does not depend on the other canvases of the batch.
 */
public final class MultiDiffusion implements NoisePredictor {

  /**
   * Noise prediction for a batch of windows.
   *
   * @param windows flat (count, channels, window, window)
   * @param sampleOf for each window, the index of the canvas sample it was cut from (for per-sample
   *     conditions)
   * @param t for each window, its timestep
   */
  @FunctionalInterface
  public interface WindowPredictor {
    float[] predictNoise(float[] windows, int[] sampleOf, int[] t);
  }

  /**
   * How a window's prediction counts at each of its pixels. UNIFORM is the plain MultiDiffusion
   * mean. GAUSSIAN weighs each window by {@code exp(-d^2 / (2 sigma^2))}, d the distance from the
   * window's centre, sigma a quarter of the window (as Mixture of Diffusers does): where windows
   * disagree, e.g. on the brightness of a region, their predictions blend smoothly instead of
   * changing in steps at the window borders, which with a uniform mean show as blocks on a grid of
   * the stride.
   */
  public enum Weighting {
    UNIFORM,
    GAUSSIAN;

    public static Weighting parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "window weighting must be uniform or gaussian, got " + s, e);
      }
    }

    double[] weights(int window) {
      double[] w = new double[window * window];
      double c = (window - 1) / 2.0;
      double sigma = window / 4.0;
      for (int y = 0; y < window; y++) {
        for (int x = 0; x < window; x++) {
          double d2 = (y - c) * (y - c) + (x - c) * (x - c);
          w[y * window + x] = this == UNIFORM ? 1.0 : Math.exp(-d2 / (2 * sigma * sigma));
        }
      }
      return w;
    }
  }

  private final int channels;
  private final double[] weights;
  private final int canvas;
  private final int window;
  private final int[] offsets;
  private final int maxBatch;
  private final WindowPredictor inner;

  /** The plain mean over windows ({@link Weighting#UNIFORM}). */
  public MultiDiffusion(
      int channels, int canvas, int window, int stride, int maxBatch, WindowPredictor inner) {
    this(channels, canvas, window, stride, maxBatch, Weighting.UNIFORM, inner);
  }

  public MultiDiffusion(
      int channels,
      int canvas,
      int window,
      int stride,
      int maxBatch,
      Weighting weighting,
      WindowPredictor inner) {
    if (channels < 1
        || window < 1
        || canvas < window
        || stride < 1
        || stride > window
        || maxBatch < 1) {
      throw new IllegalArgumentException(
          "MultiDiffusion needs 1 <= stride <= window <= canvas and maxBatch >= 1, got"
              + " canvas "
              + canvas
              + ", window "
              + window
              + ", stride "
              + stride
              + ", maxBatch "
              + maxBatch);
    }
    this.channels = channels;
    this.canvas = canvas;
    this.window = window;
    this.offsets = offsets(canvas, window, stride);
    this.maxBatch = maxBatch;
    this.inner = Objects.requireNonNull(inner, "window predictor");
    this.weights = weighting.weights(window);
  }

  /**
   * Window starts along one axis: 0, stride, ... while they fit, then one flush with the far edge
   * if needed.
   */
  public static int[] offsets(int canvas, int window, int stride) {
    int count = (canvas - window) / stride + 1;
    boolean flush = (canvas - window) % stride != 0;
    int[] o = new int[count + (flush ? 1 : 0)];
    for (int i = 0; i < count; i++) {
      o[i] = i * stride;
    }
    if (flush) {
      o[count] = canvas - window;
    }
    return o;
  }

  /**
   * Windows per canvas and step: the cost in network evaluations relative to one window-sized
   * sample.
   */
  public int windowsPerCanvas() {
    return offsets.length * offsets.length;
  }

  @Override
  public float[] predictNoise(float[] x, int n, int[] t) {
    int plane = canvas * canvas;
    int per = channels * plane;
    if (x.length != n * per || t.length != n) {
      throw new IllegalArgumentException(
          "expected "
              + n
              + " canvases of "
              + channels
              + " x "
              + canvas
              + " x "
              + canvas
              + " and "
              + n
              + " timesteps, got "
              + x.length
              + " values and "
              + t.length
              + " timesteps");
    }
    int perCanvas = windowsPerCanvas();
    int wPlane = window * window;
    int wPer = channels * wPlane;
    double[] sum = new double[x.length];
    double[] cover = new double[plane];
    for (int oy : offsets) {
      for (int ox : offsets) {
        for (int y = 0; y < window; y++) {
          for (int xx = 0; xx < window; xx++) {
            cover[(oy + y) * canvas + ox + xx] += weights[y * window + xx];
          }
        }
      }
    }
    // chunks never span two canvases, so a canvas's result does not depend on the others in the
    // batch
    for (int i = 0; i < n; i++) {
      for (int start = 0; start < perCanvas; start += maxBatch) {
        int count = Math.min(maxBatch, perCanvas - start);
        float[] windows = new float[count * wPer];
        int[] sampleOf = new int[count];
        int[] tw = new int[count];
        Arrays.fill(sampleOf, i);
        Arrays.fill(tw, t[i]);
        for (int k = 0; k < count; k++) {
          int oy = offsets[(start + k) / offsets.length];
          int ox = offsets[(start + k) % offsets.length];
          for (int c = 0; c < channels; c++) {
            for (int y = 0; y < window; y++) {
              System.arraycopy(
                  x,
                  i * per + c * plane + (oy + y) * canvas + ox,
                  windows,
                  k * wPer + c * wPlane + y * window,
                  window);
            }
          }
        }
        float[] eps = inner.predictNoise(windows, sampleOf, tw);
        if (eps.length != windows.length) {
          throw new IllegalStateException(
              "window predictor returned " + eps.length + " values for " + windows.length);
        }
        for (int k = 0; k < count; k++) {
          int oy = offsets[(start + k) / offsets.length];
          int ox = offsets[(start + k) % offsets.length];
          for (int c = 0; c < channels; c++) {
            for (int y = 0; y < window; y++) {
              int dst = i * per + c * plane + (oy + y) * canvas + ox;
              int src = k * wPer + c * wPlane + y * window;
              for (int xx = 0; xx < window; xx++) {
                sum[dst + xx] += weights[y * window + xx] * eps[src + xx];
              }
            }
          }
        }
      }
    }
    float[] out = new float[x.length];
    for (int j = 0; j < out.length; j++) {
      out[j] = (float) (sum[j] / cover[j % plane]);
    }
    return out;
  }

  @Override
  public String toString() {
    return "MultiDiffusion[canvas "
        + canvas
        + ", window "
        + window
        + ", offsets "
        + Arrays.toString(offsets)
        + "]";
  }
}
