package com.synthscope.udfs.augment;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * PNG encoding of generated pairs for the augmentation set ({@code image_png}, {@code mask_png})
 * and for export.
 *
 * <p>The encoder is written here rather than taken from ImageIO so that the bytes are a pure
 * function of the pixels: only the IHDR, IDAT and IEND chunks are written (no time, text, gamma or
 * physical-size chunks), rows use a fixed filter-choice rule (the filter type with the smallest sum
 * of absolute filtered bytes, ties to the lower type) and one {@link Deflater} at level 6. The same
 * input gives the same bytes on the same JVM; every PNG decoder returns the same pixels regardless.
 */
public final class PairPng {

  /**
   * Colours of {@link #colourMask}, RGB, by class: matrix dark blue-grey {@code #2b3a67}, austenite
   * light grey-blue {@code #b8c4d6}, martensite/austenite orange {@code #f28e2b}, precipitate green
   * {@code #59a14f}, defect red {@code #e15759}; any further class magenta {@code #ff00ff}. Chosen
   * so the three minority classes stand out against the two majority phases.
   */
  public static final int[] PALETTE = {0x2b3a67, 0xb8c4d6, 0xf28e2b, 0x59a14f, 0xe15759};

  static final int UNKNOWN_CLASS_COLOUR = 0xff00ff;

  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final int DEFLATE_LEVEL = 6;

  private PairPng() {}

  /** 8-bit grey PNG of values in [0, 1]: {@code round(v * 255)}, clamped; NaN becomes 0. */
  public static byte[] greyPng(float[] grey01, int height, int width) {
    Objects.requireNonNull(grey01, "grey01");
    checkSize(grey01.length, height, width);
    byte[] pixels = new byte[height * width];
    for (int i = 0; i < pixels.length; i++) {
      float v = grey01[i];
      int b = Float.isNaN(v) ? 0 : Math.round(Math.min(1f, Math.max(0f, v)) * 255f);
      pixels[i] = (byte) b;
    }
    return encodeGrey8(pixels, height, width);
  }

  /** 8-bit grey PNG whose value is the class index, as MetalDAM's label files are stored. */
  public static byte[] maskPng(byte[] labels, int height, int width) {
    Objects.requireNonNull(labels, "labels");
    checkSize(labels.length, height, width);
    return encodeGrey8(labels, height, width);
  }

  /** An RGB picture of a mask in the {@link #PALETTE} colours, for previews and reports. */
  public static BufferedImage colourMask(byte[] labels, int height, int width) {
    Objects.requireNonNull(labels, "labels");
    checkSize(labels.length, height, width);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int k = labels[y * width + x] & 0xff;
        row[x] = k < PALETTE.length ? PALETTE[k] : UNKNOWN_CLASS_COLOUR;
      }
      img.setRGB(0, y, width, 1, row, 0, width);
    }
    return img;
  }

  private static void checkSize(int length, int height, int width) {
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("size must be positive, got " + height + "x" + width);
    }
    if ((long) height * width != length) {
      throw new IllegalArgumentException(
          height + "x" + width + " needs " + (long) height * width + " values, got " + length);
    }
  }

  /** PNG colour type 0 (grey), bit depth 8, no interlace. */
  static byte[] encodeGrey8(byte[] pixels, int height, int width) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(pixels.length / 2 + 64);
    out.writeBytes(SIGNATURE);
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, width);
    putInt(ihdr, 4, height);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 0; // colour type: grey
    ihdr[10] = 0; // deflate
    ihdr[11] = 0; // adaptive filtering
    ihdr[12] = 0; // no interlace
    chunk(out, "IHDR", ihdr);
    chunk(out, "IDAT", deflate(filter(pixels, height, width)));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  /** Filtered scanlines, each prefixed by its filter type (bytes per pixel 1). */
  private static byte[] filter(byte[] pixels, int height, int width) {
    byte[] out = new byte[height * (width + 1)];
    byte[][] candidates = new byte[5][width];
    for (int y = 0; y < height; y++) {
      int rowStart = y * width;
      int prevStart = (y - 1) * width;
      for (int x = 0; x < width; x++) {
        int cur = pixels[rowStart + x] & 0xff;
        int a = x > 0 ? pixels[rowStart + x - 1] & 0xff : 0;
        int b = y > 0 ? pixels[prevStart + x] & 0xff : 0;
        int c = x > 0 && y > 0 ? pixels[prevStart + x - 1] & 0xff : 0;
        candidates[0][x] = (byte) cur;
        candidates[1][x] = (byte) (cur - a);
        candidates[2][x] = (byte) (cur - b);
        candidates[3][x] = (byte) (cur - ((a + b) >>> 1));
        candidates[4][x] = (byte) (cur - paeth(a, b, c));
      }
      int best = 0;
      long bestCost = Long.MAX_VALUE;
      for (int t = 0; t < 5; t++) {
        long cost = 0;
        for (int x = 0; x < width; x++) {
          cost +=
              Math.abs((int) candidates[t][x]); // bytes as signed: small magnitudes compress well
        }
        if (cost < bestCost) {
          bestCost = cost;
          best = t;
        }
      }
      int o = y * (width + 1);
      out[o] = (byte) best;
      System.arraycopy(candidates[best], 0, out, o + 1, width);
    }
    return out;
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    if (pa <= pb && pa <= pc) {
      return a;
    }
    return pb <= pc ? b : c;
  }

  private static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(DEFLATE_LEVEL);
    try {
      deflater.setInput(data);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 2));
      byte[] buffer = new byte[64 * 1024];
      while (!deflater.finished()) {
        int n = deflater.deflate(buffer);
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] header = new byte[8];
    putInt(header, 0, data.length);
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(typeBytes, 0, header, 4, 4);
    out.write(header, 0, 8);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    byte[] tail = new byte[4];
    putInt(tail, 0, (int) crc.getValue());
    out.writeBytes(tail);
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }
}
