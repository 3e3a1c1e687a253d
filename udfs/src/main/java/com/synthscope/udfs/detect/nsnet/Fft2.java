package com.synthscope.udfs.detect.nsnet;

/**
 * Two-dimensional FFT magnitudes of small square power-of-two blocks (radix-2, iterative, in
 * place). Patch selection needs only 32 x 32 magnitudes, for which a dependency-free transform is
 * as fast as a library's.
 */
public final class Fft2 {

  private final int n;
  private final int log;
  private final double[] cos;
  private final double[] sin;
  private final int[] reversed;

  public Fft2(int n) {
    if (n < 2 || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("size must be a power of two, got " + n);
    }
    this.n = n;
    this.log = Integer.numberOfTrailingZeros(n);
    cos = new double[n / 2];
    sin = new double[n / 2];
    for (int k = 0; k < n / 2; k++) {
      cos[k] = Math.cos(-2 * Math.PI * k / n);
      sin[k] = Math.sin(-2 * Math.PI * k / n);
    }
    reversed = new int[n];
    for (int i = 0; i < n; i++) {
      reversed[i] = Integer.reverse(i) >>> (32 - log);
    }
  }

  /** |DFT2| of an n x n block given row-major; returns n*n magnitudes, row-major by (ky, kx). */
  public double[] magnitude(float[] block) {
    if (block.length != n * n) {
      throw new IllegalArgumentException("expected " + n * n + " values, got " + block.length);
    }
    double[] re = new double[n * n];
    double[] im = new double[n * n];
    for (int i = 0; i < block.length; i++) {
      re[i] = block[i];
    }
    double[] rowRe = new double[n];
    double[] rowIm = new double[n];
    for (int y = 0; y < n; y++) { // rows
      for (int x = 0; x < n; x++) {
        rowRe[x] = re[y * n + x];
        rowIm[x] = im[y * n + x];
      }
      transform(rowRe, rowIm);
      for (int x = 0; x < n; x++) {
        re[y * n + x] = rowRe[x];
        im[y * n + x] = rowIm[x];
      }
    }
    for (int x = 0; x < n; x++) { // columns
      for (int y = 0; y < n; y++) {
        rowRe[y] = re[y * n + x];
        rowIm[y] = im[y * n + x];
      }
      transform(rowRe, rowIm);
      for (int y = 0; y < n; y++) {
        re[y * n + x] = rowRe[y];
        im[y * n + x] = rowIm[y];
      }
    }
    double[] mag = new double[n * n];
    for (int i = 0; i < mag.length; i++) {
      mag[i] = Math.hypot(re[i], im[i]);
    }
    return mag;
  }

  private void transform(double[] re, double[] im) {
    for (int i = 0; i < n; i++) {
      int j = reversed[i];
      if (j > i) {
        double t = re[i];
        re[i] = re[j];
        re[j] = t;
        t = im[i];
        im[i] = im[j];
        im[j] = t;
      }
    }
    for (int size = 2; size <= n; size <<= 1) {
      int half = size / 2;
      int step = n / size;
      for (int start = 0; start < n; start += size) {
        for (int k = 0; k < half; k++) {
          double wr = cos[k * step];
          double wi = sin[k * step];
          int a = start + k;
          int b = a + half;
          double tr = wr * re[b] - wi * im[b];
          double ti = wr * im[b] + wi * re[b];
          re[b] = re[a] - tr;
          im[b] = im[a] - ti;
          re[a] += tr;
          im[a] += ti;
        }
      }
    }
  }
}
