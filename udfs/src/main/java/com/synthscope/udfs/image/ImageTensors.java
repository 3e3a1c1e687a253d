package com.synthscope.udfs.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.util.Objects;

/**
 * Converts decoded images to CHW float arrays in [0, 1].
 *
 * <ul>
 *   <li>Grey and sRGB images with component samples (8-, 16-bit, float) are read straight from the
 *       raster and divided by {@code 2^bits - 1}, so 16-bit data keeps its precision. Stored values
 *       are taken as they are (gamma-encoded, as in PIL); Java's linear {@code CS_GRAY} is not
 *       applied.
 *   <li>Palette and packed images go through their {@link ColorModel} (8 bits per channel); any
 *       other colour space (CMYK, YCCK, linear RGB, ICC profiles) is converted to sRGB with {@link
 *       ColorConvertOp}.
 *   <li>Alpha is composited over <b>white</b> (a transparent pixel becomes 1.0), matching how
 *       transparent scans and screenshots are usually viewed; the alpha channel is then dropped.
 *   <li>{@link ColorMode#GREY} from colour uses ITU-R BT.601 luma {@code 0.299 R + 0.587 G + 0.114
 *       B}; {@link ColorMode#RGB} from grey replicates the channel.
 * </ul>
 */
public final class ImageTensors {

  static final double LUMA_R = 0.299;
  static final double LUMA_G = 0.587;
  static final double LUMA_B = 0.114;

  private ImageTensors() {}

  public static FloatImage toFloat(BufferedImage img, ColorMode mode) {
    Objects.requireNonNull(img, "img");
    Objects.requireNonNull(mode, "mode");
    int w = img.getWidth();
    int h = img.getHeight();
    ColorModel cm = img.getColorModel();
    ColorSpace cs = cm.getColorSpace();
    int colours = cm.getNumColorComponents();
    boolean grey = colours == 1 && cs.getType() == ColorSpace.TYPE_GRAY;
    boolean srgb = colours == 3 && cs.isCS_sRGB();

    // per pixel: colour components (1 or 3) already composited over white
    float[][] planes;
    if (cm instanceof ComponentColorModel && (grey || srgb) && rawReadable(img.getRaster(), cm)) {
      planes = readRaw(img.getRaster(), cm, colours, w, h);
    } else {
      BufferedImage argbSource = img;
      if (!cs.isCS_sRGB()) {
        argbSource = toSrgb(img);
      }
      planes = readArgb(argbSource, w, h);
    }
    FloatImage out = FloatImage.zeros(mode.channels(), h, w);
    float[] data = out.data();
    int n = w * h;
    if (mode == ColorMode.RGB) {
      for (int c = 0; c < 3; c++) {
        float[] src = planes.length == 1 ? planes[0] : planes[c];
        System.arraycopy(src, 0, data, c * n, n);
      }
    } else if (planes.length == 1) {
      System.arraycopy(planes[0], 0, data, 0, n);
    } else {
      float[] r = planes[0];
      float[] g = planes[1];
      float[] b = planes[2];
      for (int i = 0; i < n; i++) {
        data[i] = clamp01(LUMA_R * r[i] + LUMA_G * g[i] + LUMA_B * b[i]);
      }
    }
    return out;
  }

  /** Maps [0, 1] to [-1, 1]: {@code x * 2 - 1}. */
  public static FloatImage toSignedUnit(FloatImage img) {
    float[] src = img.data();
    float[] dst = new float[src.length];
    for (int i = 0; i < src.length; i++) {
      dst[i] = src[i] * 2f - 1f;
    }
    return new FloatImage(img.channels(), img.height(), img.width(), dst);
  }

  private static boolean rawReadable(Raster raster, ColorModel cm) {
    int type = raster.getDataBuffer().getDataType();
    if (type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE) {
      return true;
    }
    if (type != DataBuffer.TYPE_BYTE
        && type != DataBuffer.TYPE_USHORT
        && type != DataBuffer.TYPE_INT) {
      return false; // signed short: let the colour model handle it
    }
    for (int b = 0; b < raster.getNumBands(); b++) {
      int bits = raster.getSampleModel().getSampleSize(b);
      if (bits < 1 || bits > 31) {
        return false;
      }
    }
    return raster.getNumBands() == cm.getNumComponents();
  }

  private static float[][] readRaw(Raster raster, ColorModel cm, int colours, int w, int h) {
    int type = raster.getDataBuffer().getDataType();
    boolean floating = type == DataBuffer.TYPE_FLOAT || type == DataBuffer.TYPE_DOUBLE;
    boolean alpha = cm.hasAlpha();
    boolean premultiplied = cm.isAlphaPremultiplied();
    int bands = raster.getNumBands();
    double[] scale = new double[bands];
    for (int b = 0; b < bands; b++) {
      scale[b] = floating ? 1.0 : 1.0 / ((1L << raster.getSampleModel().getSampleSize(b)) - 1);
    }
    float[][] planes = new float[colours][w * h];
    double[] row = new double[w];
    double[] alphaRow = new double[w];
    int minX = raster.getMinX();
    int minY = raster.getMinY();
    for (int y = 0; y < h; y++) {
      if (alpha) {
        raster.getSamples(minX, minY + y, w, 1, colours, alphaRow);
        for (int x = 0; x < w; x++) {
          alphaRow[x] = clamp01d(alphaRow[x] * scale[colours]);
        }
      }
      for (int c = 0; c < colours; c++) {
        raster.getSamples(minX, minY + y, w, 1, c, row);
        float[] plane = planes[c];
        int base = y * w;
        for (int x = 0; x < w; x++) {
          double v = row[x] * scale[c];
          if (alpha) {
            double a = alphaRow[x];
            v = (premultiplied ? v : v * a) + (1.0 - a);
          }
          plane[base + x] = clamp01(v);
        }
      }
    }
    return planes;
  }

  /**
   * Reads 8-bit ARGB through the colour model (sRGB, non-premultiplied) and composites over white.
   */
  private static float[][] readArgb(BufferedImage img, int w, int h) {
    float[][] planes = new float[3][w * h];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      img.getRGB(0, y, w, 1, row, 0, w);
      int base = y * w;
      for (int x = 0; x < w; x++) {
        int p = row[x];
        double a = ((p >>> 24) & 0xff) / 255.0;
        double r = ((p >>> 16) & 0xff) / 255.0;
        double g = ((p >>> 8) & 0xff) / 255.0;
        double b = (p & 0xff) / 255.0;
        planes[0][base + x] = clamp01(r * a + (1.0 - a));
        planes[1][base + x] = clamp01(g * a + (1.0 - a));
        planes[2][base + x] = clamp01(b * a + (1.0 - a));
      }
    }
    return planes;
  }

  private static BufferedImage toSrgb(BufferedImage img) {
    int type =
        img.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
    BufferedImage dst = new BufferedImage(img.getWidth(), img.getHeight(), type);
    new ColorConvertOp(null).filter(img, dst);
    return dst;
  }

  private static float clamp01(double v) {
    return (float) clamp01d(v);
  }

  private static double clamp01d(double v) {
    if (v < 0) {
      return 0;
    }
    return v > 1 ? 1 : v;
  }
}
