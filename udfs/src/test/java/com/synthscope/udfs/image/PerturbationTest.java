package com.synthscope.udfs.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PerturbationTest {

  /** A 32 px RGB checkerboard of 1-px cells: all high frequency. */
  private static byte[] checkerboard() throws Exception {
    BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        img.setRGB(x, y, (x + y) % 2 == 0 ? 0xFFFFFF : 0x000000);
      }
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    ImageIO.write(img, "png", b);
    return b.toByteArray();
  }

  private static FloatImage decode(byte[] bytes) throws Exception {
    return ImageTensors.toFloat(ImageIO.read(new ByteArrayInputStream(bytes)), ColorMode.RGB);
  }

  private static double contrast(FloatImage f) {
    double s = 0;
    for (int i = 1; i < f.width(); i++) {
      s += Math.abs(f.get(0, 16, i) - f.get(0, 16, i - 1));
    }
    return s / (f.width() - 1);
  }

  @Test
  void eachPerturbationKeepsTheSizeAndWeakensTheFinestDetail() throws Exception {
    byte[] original = checkerboard();
    assertEquals(1.0, contrast(decode(original)), 1e-6);
    for (String spec : new String[] {"downup:0.5", "blur:0.5"}) {
      byte[] out = Perturbation.parse(spec).apply(original);
      FloatImage f = decode(out);
      assertEquals(32, f.width(), spec);
      assertEquals(32, f.height(), spec);
      assertTrue(contrast(f) < 0.9, spec + " left contrast " + contrast(f));
    }
    byte[] jpeg = Perturbation.parse("jpeg:75").apply(original);
    FloatImage j = decode(jpeg);
    assertEquals(32, j.width());
    FloatImage o = decode(original);
    double diff = 0;
    for (int i = 0; i < o.data().length; i++) {
      diff += Math.abs(o.data()[i] - j.data()[i]) / o.data().length;
    }
    assertTrue(diff > 0.002 && diff < 0.2, "JPEG q75 is lossy but close: mean difference " + diff);
    assertEquals((byte) 0xFF, jpeg[0], "a JPEG starts with SOI");
    assertEquals((byte) 0xD8, jpeg[1]);
  }

  @Test
  void largeEnlargesToTheLongerSideAsAJpeg() throws Exception {
    Perturbation p = Perturbation.parse("large:512");
    assertEquals("large:512", p.toString());
    byte[] out = p.apply(checkerboard());
    assertEquals((byte) 0xFF, out[0], "a JPEG");
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(out));
    assertEquals(512, img.getWidth());
    assertEquals(512, img.getHeight());
    FloatImage wide = FloatImage.zeros(3, 10, 40);
    FloatImage e = Perturbation.enlarge(wide, 1000);
    assertEquals(1000, e.width());
    assertEquals(250, e.height(), "the aspect ratio is kept");
    assertEquals(40, Perturbation.enlarge(wide, 20).width(), "never smaller");
    assertThrows(IllegalArgumentException.class, () -> Perturbation.parse("large:10"));
  }

  @Test
  void blurKeepsAFlatImageAndItsMean() {
    FloatImage flat = FloatImage.zeros(3, 8, 8);
    java.util.Arrays.fill(flat.data(), 0.25f);
    FloatImage b = Perturbation.blur(flat, 1.0);
    float[] expected = new float[flat.data().length];
    java.util.Arrays.fill(expected, 0.25f);
    assertArrayEquals(expected, b.data(), 1e-6f);
  }

  @Test
  void badSpecsAreRefusedAndUndecodableBytesGiveNull() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> Perturbation.parse("jpeg:101"));
    assertThrows(IllegalArgumentException.class, () -> Perturbation.parse("downup:1.5"));
    assertThrows(IllegalArgumentException.class, () -> Perturbation.parse("sharpen:1"));
    assertThrows(IllegalArgumentException.class, () -> Perturbation.parse("blur"));
    assertEquals("jpeg:75", Perturbation.parse("jpeg:75").toString());
    assertEquals("downup:0.5", Perturbation.parse("downup:0.5").toString());
    assertNull(Perturbation.parse("blur:0.5").apply(new byte[] {1, 2, 3}));
  }
}
