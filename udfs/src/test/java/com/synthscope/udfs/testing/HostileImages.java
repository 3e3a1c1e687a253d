package com.synthscope.udfs.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Files a hostile but fair user sends (issue 14), crafted in code: valid images too large for
 * memory when decoded whole, CPU bombs, and tiny files claiming huge sizes. Shared with the job
 * module's tests.
 */
public final class HostileImages {

  private HostileImages() {}

  /**
   * A valid 8-bit RGB PNG of {@code w x h} pixels of one colour, deflated row by row without ever
   * holding the image: a 10 000 x 10 000 one is about 300 KB on disk and 300 MB as pixels.
   */
  public static byte[] largeFlatPng(int w, int h, int r, int g, int b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    byte[] ihdr = new byte[13];
    ImageCorpus.putInt(ihdr, 0, w);
    ImageCorpus.putInt(ihdr, 4, h);
    ihdr[8] = 8;
    ihdr[9] = 2; // RGB
    ImageCorpus.chunk(out, "IHDR", ihdr);
    byte[] row = new byte[1 + 3 * w]; // filter byte 0, then the pixels
    for (int x = 0; x < w; x++) {
      row[1 + 3 * x] = (byte) r;
      row[2 + 3 * x] = (byte) g;
      row[3 + 3 * x] = (byte) b;
    }
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    byte[] buf = new byte[1 << 16];
    for (int y = 0; y < h; y++) {
      deflater.setInput(row);
      while (!deflater.needsInput()) {
        idat.write(buf, 0, deflater.deflate(buf));
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      idat.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();
    ImageCorpus.chunk(out, "IDAT", idat.toByteArray());
    ImageCorpus.chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  /**
   * A progressive grey JPEG of {@code side x side} with {@code extraScans} scans appended before
   * its end: each a full-precision AC scan (Ss 1, Se 63, Ah 0, Al 0) whose data is one end-of-band
   * run over every block. The decoder accepts each without a warning and walks all blocks of the
   * image once per scan: a CPU bomb.
   */
  public static byte[] manyScanJpeg(int side, int extraScans) {
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
    Random rnd = new Random(7);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        img.getRaster().setSample(x, y, 0, (x ^ y) & 0xff ^ rnd.nextInt(16));
      }
    }
    byte[] progressive;
    try {
      ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (MemoryCacheImageOutputStream s = new MemoryCacheImageOutputStream(bytes)) {
        writer.setOutput(s);
        writer.write(null, new IIOImage(img, null, null), p);
      }
      writer.dispose();
      progressive = bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int end = progressive.length - 2; // before EOI
    if ((progressive[end] & 0xff) != 0xff || (progressive[end + 1] & 0xff) != 0xd9) {
      throw new IllegalStateException("the JPEG writer did not end with EOI");
    }
    int blocks = ((side + 7) / 8) * ((side + 7) / 8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(progressive, 0, end);
    // AC table 0: one symbol, 0xE0 (EOB run of 2^14 + 14 extra bits), code '0'
    out.writeBytes(
        new byte[] {
          (byte) 0xff,
          (byte) 0xc4,
          0,
          20,
          0x10,
          1,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          0,
          (byte) 0xe0
        });
    byte[] runs = eobRuns(blocks);
    for (int s = 0; s < extraScans; s++) {
      // SOS: one component (id 1, DC table 0, AC table 0), Ss 1, Se 63, Ah 0, Al 0
      out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xda, 0, 8, 1, 1, 0x00, 1, 63, 0x00});
      out.writeBytes(runs);
    }
    out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xd9});
    return out.toByteArray();
  }

  /**
   * Entropy data: EOB runs of 32 767 blocks (code '0' + 14 one bits) covering {@code blocks},
   * byte-stuffed.
   */
  private static byte[] eobRuns(int blocks) {
    int symbols = (blocks + 32766) / 32767;
    StringBuilder bits = new StringBuilder();
    for (int i = 0; i < symbols; i++) {
      bits.append('0').append("1".repeat(14));
    }
    while (bits.length() % 8 != 0) {
      bits.append('1');
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < bits.length(); i += 8) {
      int v = Integer.parseInt(bits.substring(i, i + 8), 2);
      out.write(v);
      if (v == 0xff) {
        out.write(0);
      }
    }
    return out.toByteArray();
  }

  /**
   * A GIF whose screen and only image claim {@code w x h} but whose LZW data holds a single pixel:
   * a few dozen bytes that lenient readers turn into a huge image of background.
   */
  public static byte[] tinyGifClaiming(int w, int h) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(
        new byte[] {(byte) w, (byte) (w >> 8), (byte) h, (byte) (h >> 8), (byte) 0x80, 0, 0});
    out.writeBytes(
        new byte[] {0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff}); // 2-entry colour table
    out.writeBytes(
        new byte[] {0x2c, 0, 0, 0, 0, (byte) w, (byte) (w >> 8), (byte) h, (byte) (h >> 8), 0});
    // LZW, minimum code size 2: clear (4), pixel 0, end (5), in 3-bit codes: 100 000 101 -> 0x44
    // 0x01
    out.writeBytes(new byte[] {2, 2, 0x44, 0x01, 0});
    out.write(0x3b);
    byte[] b = out.toByteArray();
    return Arrays.copyOf(
        b, Math.max(b.length, 62)); // padded with zeros after the trailer to the reported size
  }

  /** A WBMP-like file: {@code 00 00}, then width and height 16, then a few bytes. */
  public static byte[] wbmpLike() {
    byte[] b = new byte[12];
    b[2] = 16;
    b[3] = 16;
    return b;
  }
}
