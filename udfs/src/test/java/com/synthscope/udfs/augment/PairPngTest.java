package com.synthscope.udfs.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PairPngTest {

  private static int[] decodeGrey(byte[] png, int h, int w) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(w, img.getWidth());
    assertEquals(h, img.getHeight());
    Raster r = img.getRaster();
    assertEquals(1, r.getNumBands());
    assertEquals(8, r.getSampleModel().getSampleSize(0));
    return r.getSamples(0, 0, w, h, 0, new int[h * w]);
  }

  @Test
  void greyPngIsDeterministicAndDecodesToRoundedClampedValues() throws IOException {
    int h = 37;
    int w = 53;
    float[] grey = new float[h * w];
    SplittableRandom rng = new SplittableRandom(4);
    for (int i = 0; i < grey.length; i++) {
      grey[i] =
          i % 7 == 0 ? (float) rng.nextDouble(-0.5, 1.5) : (float) (0.5 + 0.4 * Math.sin(i * 0.01));
    }
    grey[0] = Float.NaN;
    grey[1] = 0.5f / 255f + 1e-4f; // rounds up to 1
    grey[2] = 0.5f / 255f - 1e-4f; // rounds down to 0
    byte[] a = PairPng.greyPng(grey, h, w);
    byte[] b = PairPng.greyPng(grey.clone(), h, w);
    assertArrayEquals(a, b);
    int[] back = decodeGrey(a, h, w);
    for (int i = 3; i < grey.length; i++) {
      int expected = Math.round(Math.min(1f, Math.max(0f, grey[i])) * 255f);
      assertEquals(expected, back[i], "pixel " + i);
    }
    assertEquals(0, back[0]);
    assertEquals(1, back[1]);
    assertEquals(0, back[2]);
  }

  @Test
  void maskPngStoresClassIndicesAndIsDeterministic() throws IOException {
    int h = 64;
    int w = 48;
    byte[] labels = new byte[h * w];
    SplittableRandom rng = new SplittableRandom(9);
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (byte) (i / 500 % 2 == 0 ? rng.nextInt(5) : (i / w) % 5);
    }
    byte[] png = PairPng.maskPng(labels, h, w);
    assertArrayEquals(png, PairPng.maskPng(labels.clone(), h, w));
    int[] back = decodeGrey(png, h, w);
    for (int i = 0; i < labels.length; i++) {
      assertEquals(labels[i], back[i]);
    }
    // nothing but IHDR, IDAT, IEND: no timestamp or text chunks
    String ascii = new String(png, java.nio.charset.StandardCharsets.ISO_8859_1);
    for (String chunk : new String[] {"tIME", "tEXt", "iTXt", "zTXt", "pHYs", "gAMA"}) {
      assertEquals(-1, ascii.indexOf(chunk), chunk);
    }
    assertEquals(1, ascii.split("IDAT", -1).length - 1);
    assertThrows(IllegalArgumentException.class, () -> PairPng.maskPng(labels, h, w + 1));
  }

  @Test
  void colourMaskUsesThePalette() {
    byte[] labels = {0, 1, 2, 3, 4, 7};
    BufferedImage img = PairPng.colourMask(labels, 2, 3);
    assertEquals(3, img.getWidth());
    assertEquals(2, img.getHeight());
    for (int i = 0; i < 5; i++) {
      assertEquals(PairPng.PALETTE[i], img.getRGB(i % 3, i / 3) & 0xffffff, "class " + i);
    }
    assertEquals(0xff00ff, img.getRGB(2, 1) & 0xffffff);
  }
}
