package com.synthscope.udfs.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * A small corpus of good and bad image files, generated in code (no binary fixtures), with what
 * {@code ImageDecoder} under {@code DecodeLimits.defaults()} must report for each. Shared with
 * other modules' tests through the udfs test-jar.
 */
public final class ImageCorpus {

  /**
   * One generated file and its expected decode outcome.
   *
   * @param fileName file name inside the corpus folder (one contains spaces and non-ASCII letters)
   * @param expectedStatus "ok" or "error"
   * @param expectedReason DecodeFailure code for errors, null when ok
   * @param expectedFormat format from the header; null when no reader recognises the content
   * @param expectedWidth width from the header, 0 when unknown
   * @param expectedHeight height from the header, 0 when unknown
   * @param expectedChannels stored channels from the header, 0 when unknown
   * @param expectedBitDepth stored bits per sample from the header, 0 when unknown
   */
  public record Case(
      String fileName,
      String expectedStatus,
      String expectedReason,
      String expectedFormat,
      int expectedWidth,
      int expectedHeight,
      int expectedChannels,
      int expectedBitDepth) {

    public boolean expectOk() {
      return "ok".equals(expectedStatus);
    }
  }

  public static final String EMPTY = "empty.png";
  public static final String TRUNCATED_PNG = "truncated.png";
  public static final String TRUNCATED_JPEG = "truncated.jpg";
  public static final String NOTES = "notes.png";
  public static final String TINY = "tiny.png";
  public static final String GREY16_TIFF = "grey16.tif";
  public static final String CMYK_JPEG = "cmyk.jpg";
  public static final String RGBA_PNG = "rgba.png";
  public static final String BOMB = "bomb.png";
  public static final String UNICODE_NAME = "name with spaces \u00fc \u00e9.png";
  public static final String BMP = "rgb.bmp";
  public static final String GREY8_PNG = "grey8.png";

  private ImageCorpus() {}

  /** Writes every corpus file into {@code dir} (created if missing) and returns the cases. */
  public static List<Case> write(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Case> cases = new ArrayList<>();

    Files.write(dir.resolve(EMPTY), new byte[0]);
    cases.add(error(EMPTY, "empty", null, 0, 0, 0, 0));

    byte[] png = encode(noiseRgb(64, 48, 1), "png");
    Files.write(dir.resolve(TRUNCATED_PNG), Arrays.copyOf(png, png.length / 2));
    cases.add(error(TRUNCATED_PNG, "corrupt", "png", 64, 48, 3, 8));

    byte[] jpeg = encode(noiseRgb(64, 48, 2), "jpeg");
    Files.write(dir.resolve(TRUNCATED_JPEG), Arrays.copyOf(jpeg, jpeg.length / 2));
    cases.add(error(TRUNCATED_JPEG, "corrupt", "jpeg", 64, 48, 3, 8));

    Files.writeString(
        dir.resolve(NOTES),
        "These are plain-text notes, not an image.\nSecond line.\n",
        StandardCharsets.UTF_8);
    cases.add(error(NOTES, "unknown_format", null, 0, 0, 0, 0));

    Files.write(dir.resolve(TINY), encode(noiseRgb(1, 1, 3), "png"));
    cases.add(error(TINY, "too_small", "png", 1, 1, 3, 8));

    Files.write(dir.resolve(GREY16_TIFF), encode(grey16Ramp(40, 30), "tiff"));
    cases.add(ok(GREY16_TIFF, "tiff", 40, 30, 1, 16));

    Files.write(dir.resolve(CMYK_JPEG), cmykJpeg(32, 32));
    cases.add(ok(CMYK_JPEG, "jpeg", 32, 32, 4, 8));

    Files.write(dir.resolve(RGBA_PNG), encode(rgbaDisc(20, 20), "png"));
    cases.add(ok(RGBA_PNG, "png", 20, 20, 4, 8));

    Files.write(dir.resolve(BOMB), pngBomb(50_000, 50_000));
    cases.add(error(BOMB, "too_many_pixels", "png", 50_000, 50_000, 3, 8));

    Files.write(dir.resolve(UNICODE_NAME), encode(noiseRgb(24, 16, 4), "png"));
    cases.add(ok(UNICODE_NAME, "png", 24, 16, 3, 8));

    BufferedImage bgr = new BufferedImage(24, 20, BufferedImage.TYPE_3BYTE_BGR);
    paintQuadrants(bgr);
    Files.write(dir.resolve(BMP), encode(bgr, "bmp"));
    cases.add(ok(BMP, "bmp", 24, 20, 3, 8));

    Files.write(dir.resolve(GREY8_PNG), encode(grey8Ramp(16, 12), "png"));
    cases.add(ok(GREY8_PNG, "png", 16, 12, 1, 8));

    return List.copyOf(cases);
  }

  private static Case ok(String name, String format, int w, int h, int channels, int bits) {
    return new Case(name, "ok", null, format, w, h, channels, bits);
  }

  private static Case error(
      String name, String reason, String format, int w, int h, int channels, int bits) {
    return new Case(name, "error", reason, format, w, h, channels, bits);
  }

  // ---- image makers (public: handy for other tests) ----

  /** Seeded RGB noise, TYPE_INT_RGB. */
  public static BufferedImage noiseRgb(int w, int h, long seed) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random rng = new Random(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rng.nextInt(0x1000000));
      }
    }
    return img;
  }

  /**
   * 16-bit grey, value {@code (y * w + x) * 37 mod 65536}: uses the low byte, so 8-bit rounding
   * shows.
   */
  public static BufferedImage grey16Ramp(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
    WritableRaster r = img.getRaster();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        r.setSample(x, y, 0, grey16Value(w, x, y));
      }
    }
    return img;
  }

  public static int grey16Value(int w, int x, int y) {
    return ((y * w + x) * 37) & 0xffff;
  }

  /** 8-bit grey, value {@code (x * 13 + y * 7) mod 256}. */
  public static BufferedImage grey8Ramp(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster r = img.getRaster();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        r.setSample(x, y, 0, (x * 13 + y * 7) & 0xff);
      }
    }
    return img;
  }

  /** A red opaque disc on a fully transparent background, plus a half-transparent blue top row. */
  public static BufferedImage rgbaDisc(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double dx = x + 0.5 - w / 2.0;
        double dy = y + 0.5 - h / 2.0;
        boolean inside = dx * dx + dy * dy <= (w / 3.0) * (w / 3.0);
        img.setRGB(x, y, inside ? 0xffff0000 : 0x00000000);
      }
    }
    for (int x = 0; x < w; x++) {
      img.setRGB(x, 0, 0x800000ff);
    }
    return img;
  }

  private static void paintQuadrants(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    try {
      int w = img.getWidth();
      int h = img.getHeight();
      g.setColor(Color.RED);
      g.fillRect(0, 0, w / 2, h / 2);
      g.setColor(Color.GREEN);
      g.fillRect(w / 2, 0, w - w / 2, h / 2);
      g.setColor(Color.BLUE);
      g.fillRect(0, h / 2, w / 2, h - h / 2);
      g.setColor(Color.WHITE);
      g.fillRect(w / 2, h / 2, w - w / 2, h - h / 2);
    } finally {
      g.dispose();
    }
  }

  /**
   * Encodes with the first ImageIO writer for the image type and format; fails loudly when there is
   * none. Writes through an in-memory stream, so it works whatever ImageIO's cache setting and
   * java.io.tmpdir are.
   */
  public static byte[] encode(BufferedImage img, String format) {
    Iterator<ImageWriter> writers =
        ImageIO.getImageWriters(ImageTypeSpecifier.createFromRenderedImage(img), format);
    if (!writers.hasNext()) {
      throw new IllegalStateException("no ImageIO writer for " + format + " and " + img);
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(img);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /**
   * A 4-component CMYK JPEG (Adobe APP14, transform 0), written as a raw raster: cyan grows to the
   * right, magenta downwards, yellow 200 on the left half, black 128 on the top quarter. Values are
   * stored inverted (255 = no ink), as Adobe CMYK JPEGs conventionally are.
   */
  public static byte[] cmykJpeg(int w, int h) throws IOException {
    BufferedImage carrier = new BufferedImage(w, h, BufferedImage.TYPE_4BYTE_ABGR);
    WritableRaster raster = carrier.getRaster().createCompatibleWritableRaster(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int c = x * 255 / Math.max(1, w - 1);
        int m = y * 255 / Math.max(1, h - 1);
        int ye = x < w / 2 ? 200 : 0;
        int k = y < h / 4 ? 128 : 0;
        raster.setSample(x, y, 0, 255 - c);
        raster.setSample(x, y, 1, 255 - m);
        raster.setSample(x, y, 2, 255 - ye);
        raster.setSample(x, y, 3, 255 - k);
      }
    }
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    ImageWriter writer = null;
    while (writers.hasNext()) {
      ImageWriter candidate = writers.next();
      if (writer == null && candidate.canWriteRasters()) {
        writer = candidate;
      } else {
        candidate.dispose();
      }
    }
    if (writer == null) {
      throw new IllegalStateException("no JPEG writer that writes rasters");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
    } finally {
      writer.dispose();
    }
    // The JDK writes a 4-component frame with neither JFIF nor Adobe marker, which readers take for
    // YCbCr +
    // alpha. Splice in an Adobe APP14 segment with transform 0 (= CMYK, no colour transform) after
    // SOI.
    byte[] plain = bytes.toByteArray();
    byte[] adobe = {
      (byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0
    };
    ByteArrayOutputStream spliced = new ByteArrayOutputStream(plain.length + adobe.length);
    spliced.write(plain, 0, 2);
    spliced.writeBytes(adobe);
    spliced.write(plain, 2, plain.length - 2);
    return spliced.toByteArray();
  }

  /** {@link #cmykJpeg(int, int)} at 32 x 32, as in the corpus, without the checked exception. */
  public static byte[] cmykJpegForTests() {
    try {
      return cmykJpeg(32, 32);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A PNG whose IHDR claims {@code w x h} RGB 8-bit, with correct CRCs and a tiny IDAT (one zlib'd
   * row).
   */
  public static byte[] pngBomb(int w, int h) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    byte[] ihdr = new byte[13];
    putInt(ihdr, 0, w);
    putInt(ihdr, 4, h);
    ihdr[8] = 8; // bit depth
    ihdr[9] = 2; // colour type RGB
    chunk(out, "IHDR", ihdr);
    Deflater deflater = new Deflater();
    deflater.setInput(new byte[64]);
    deflater.finish();
    byte[] buf = new byte[256];
    int n = deflater.deflate(buf);
    deflater.end();
    chunk(out, "IDAT", Arrays.copyOf(buf, n));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  /** One PNG chunk: length, type, data, CRC-32. */
  static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] len = new byte[4];
    putInt(len, 0, data.length);
    out.writeBytes(len);
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    byte[] c = new byte[4];
    putInt(c, 0, (int) crc.getValue());
    out.writeBytes(c);
  }

  static void putInt(byte[] b, int off, int v) {
    b[off] = (byte) (v >>> 24);
    b[off + 1] = (byte) (v >>> 16);
    b[off + 2] = (byte) (v >>> 8);
    b[off + 3] = (byte) v;
  }
}
