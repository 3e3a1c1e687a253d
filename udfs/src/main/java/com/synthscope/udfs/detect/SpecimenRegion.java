package com.synthscope.udfs.detect;

import com.synthscope.udfs.image.FloatImage;
import java.io.Serializable;

/**
 * The part of a picture that shows the specimen: the picture without its information band (the
 * strip with scale bar and text that SEM and optical microscopes burn into the bottom or top), and
 * without uniform borders. Detectors never look outside it (METHODS.md section 4).
 *
 * <p>The rule, on the picture at its own resolution: a row (or column) is <b>non-specimen</b> when
 * at least {@value #FLAT_SHARE} of its pixels lie within {@value #FLAT_LEVELS} grey levels (of 255)
 * of the row's most common level — the uniform background of a band, whether a black strip with
 * white text or a white strip with dark text — or when at least {@value #COLOUR_SHARE} of its
 * pixels are coloured (channels differ by more than {@value #COLOUR_LEVELS} levels: scale bars and
 * marks; micrographs are grey). From each side inwards the strip of non-specimen lines is cut,
 * allowing gaps of up to {@value #GAP} specimen-like lines inside it (a line through dense text),
 * and only while the strip stays under {@value #MAX_SHARE} of the side. Micrograph texture never
 * has most of a row within a few grey levels, so a real row is not cut; a strip of rows that is, is
 * not specimen.
 *
 * @param top first specimen row
 * @param bottom one past the last specimen row
 * @param left first specimen column
 * @param right one past the last specimen column
 * @param height the picture's height
 * @param width the picture's width
 */
public record SpecimenRegion(int top, int bottom, int left, int right, int height, int width)
    implements Serializable {

  static final double FLAT_SHARE = 0.7;
  static final int FLAT_LEVELS = 3;
  static final double COLOUR_SHARE = 0.01;
  static final int COLOUR_LEVELS = 40;
  static final int GAP = 10;
  static final double MAX_SHARE = 0.3;

  public SpecimenRegion {
    if (top < 0 || left < 0 || bottom > height || right > width || top >= bottom || left >= right) {
      throw new IllegalArgumentException(
          "region ["
              + top
              + ", "
              + bottom
              + ") x ["
              + left
              + ", "
              + right
              + ") is not inside "
              + height
              + "x"
              + width);
    }
  }

  /** The whole picture. */
  public static SpecimenRegion whole(int height, int width) {
    return new SpecimenRegion(0, height, 0, width, height, width);
  }

  public int specimenHeight() {
    return bottom - top;
  }

  public int specimenWidth() {
    return right - left;
  }

  /** True when nothing was cut. */
  public boolean isWhole() {
    return top == 0 && left == 0 && bottom == height && right == width;
  }

  /** Rows cut at the bottom (the usual place of an information band). */
  public int bandRows() {
    return height - bottom;
  }

  /** Share of the picture's area outside the region. */
  public double cutShare() {
    return 1 - (double) specimenHeight() * specimenWidth() / ((double) height * width);
  }

  /**
   * The same region on the picture resampled to {@code h x w}: its edges move inwards to whole
   * pixels, so the scaled region never holds band pixels.
   */
  public SpecimenRegion scaled(int h, int w) {
    double sy = (double) h / height;
    double sx = (double) w / width;
    int t = Math.min(h - 1, (int) Math.ceil(top * sy));
    int l = Math.min(w - 1, (int) Math.ceil(left * sx));
    int b = Math.max(t + 1, (int) Math.floor(bottom * sy));
    int r = Math.max(l + 1, (int) Math.floor(right * sx));
    return new SpecimenRegion(t, Math.min(b, h), l, Math.min(r, w), h, w);
  }

  /**
   * Finds the specimen region of a picture (grey or RGB, values in [0, 1]) at its own resolution.
   */
  public static SpecimenRegion detect(FloatImage image) {
    int h = image.height();
    int w = image.width();
    // one sequential pass over the pixels fills every row's and every column's grey histogram and
    // coloured count (a line-by-line walk read each pixel twice, the columns across the cache)
    int[] rowHist = new int[h * 256];
    int[] colHist = new int[w * 256];
    int[] rowColoured = new int[h];
    int[] colColoured = new int[w];
    int hw = h * w;
    float[] d = image.data();
    boolean rgb = image.channels() >= 3;
    for (int y = 0, at = 0; y < h; y++) {
      for (int x = 0; x < w; x++, at++) {
        float g;
        if (rgb) {
          float r = d[at];
          float gr = d[hw + at];
          float b = d[2 * hw + at];
          g = 0.299f * r + 0.587f * gr + 0.114f * b;
          float spread = Math.max(Math.max(Math.abs(r - gr), Math.abs(gr - b)), Math.abs(r - b));
          if (spread * 255 > COLOUR_LEVELS) {
            rowColoured[y]++;
            colColoured[x]++;
          }
        } else {
          g = d[at];
        }
        int level = Math.max(0, Math.min(255, Math.round(g * 255)));
        rowHist[y * 256 + level]++;
        colHist[x * 256 + level]++;
      }
    }
    boolean[] rowCut = new boolean[h];
    for (int y = 0; y < h; y++) {
      rowCut[y] = nonSpecimen(rowHist, y * 256, rowColoured[y], w);
    }
    boolean[] colCut = new boolean[w];
    for (int x = 0; x < w; x++) {
      colCut[x] = nonSpecimen(colHist, x * 256, colColoured[x], h);
    }
    int bottom = h - strip(rowCut, true);
    int top = strip(rowCut, false);
    int right = w - strip(colCut, true);
    int left = strip(colCut, false);
    if (top >= bottom || left >= right) {
      return whole(h, w); // blank picture: nothing tells specimen from band; score it whole
    }
    return new SpecimenRegion(top, bottom, left, right, h, w);
  }

  /**
   * Lines of the strip cut from one side: from the end when {@code fromEnd}, else from the start.
   */
  static int strip(boolean[] cut, boolean fromEnd) {
    int n = cut.length;
    int max = (int) Math.floor(n * MAX_SHARE);
    int length = 0;
    int gap = 0;
    for (int i = 0; i < max; i++) {
      boolean c = cut[fromEnd ? n - 1 - i : i];
      if (c) {
        length = i + 1;
        gap = 0;
      } else if (++gap > GAP) {
        break;
      }
    }
    return length;
  }

  /**
   * One line of {@code n} pixels, from its grey histogram ({@code hist[from .. from + 255]}) and
   * its count of coloured pixels.
   */
  private static boolean nonSpecimen(int[] hist, int from, int coloured, int n) {
    if (coloured >= COLOUR_SHARE * n) {
      return true;
    }
    int mode = 0;
    for (int v = 1; v < 256; v++) {
      if (hist[from + v] > hist[from + mode]) {
        mode = v;
      }
    }
    int near = 0;
    for (int v = Math.max(0, mode - FLAT_LEVELS); v <= Math.min(255, mode + FLAT_LEVELS); v++) {
      near += hist[from + v];
    }
    return near >= FLAT_SHARE * n;
  }
}
