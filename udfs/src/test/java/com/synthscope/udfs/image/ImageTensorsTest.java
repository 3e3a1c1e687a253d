package com.synthscope.udfs.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.testing.ImageCorpus;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import org.junit.jupiter.api.Test;

class ImageTensorsTest {

  private static final float EPS = 1e-6f;

  @Test
  void grey8IsDividedBy255AndReplicatedForRgb() {
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster r = img.getRaster();
    r.setSample(0, 0, 0, 0);
    r.setSample(1, 0, 0, 51);
    r.setSample(0, 1, 0, 102);
    r.setSample(1, 1, 0, 255);
    FloatImage grey = ImageTensors.toFloat(img, ColorMode.GREY);
    assertEquals(1, grey.channels());
    assertArrayEquals(new float[] {0f, 0.2f, 0.4f, 1f}, grey.data(), EPS);
    FloatImage rgb = ImageTensors.toFloat(img, ColorMode.RGB);
    assertArrayEquals(
        new float[] {0f, 0.2f, 0.4f, 1f, 0f, 0.2f, 0.4f, 1f, 0f, 0.2f, 0.4f, 1f}, rgb.data(), EPS);
  }

  @Test
  void grey16KeepsItsPrecision() {
    BufferedImage img = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
    WritableRaster r = img.getRaster();
    int[] values = {0, 1, 257, 65535};
    for (int x = 0; x < 4; x++) {
      r.setSample(x, 0, 0, values[x]);
    }
    FloatImage f = ImageTensors.toFloat(img, ColorMode.GREY);
    assertEquals(0f, f.get(0, 0, 0));
    assertEquals(1f / 65535f, f.get(0, 0, 1), 1e-9f);
    assertTrue(f.get(0, 0, 1) > 0f, "a one-step 16-bit value must not round to 0");
    assertEquals(257f / 65535f, f.get(0, 0, 2), 1e-9f);
    assertEquals(1f, f.get(0, 0, 3));
  }

  @Test
  void rgbChannelsInChwOrderAndBt601Luma() {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
    img.setRGB(0, 0, 0xff0000);
    img.setRGB(1, 0, 0x0a141e); // 10, 20, 30
    FloatImage rgb = ImageTensors.toFloat(img, ColorMode.RGB);
    assertArrayEquals(new float[] {1f, 10 / 255f, 0f, 20 / 255f, 0f, 30 / 255f}, rgb.data(), EPS);
    FloatImage grey = ImageTensors.toFloat(img, ColorMode.GREY);
    assertEquals(0.299f, grey.get(0, 0, 0), EPS);
    assertEquals((0.299f * 10 + 0.587f * 20 + 0.114f * 30) / 255f, grey.get(0, 0, 1), EPS);
  }

  @Test
  void threeByteBgrComponentImageIsReadInRgbOrder() {
    BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR);
    img.setRGB(0, 0, 0x336699);
    assertArrayEquals(
        new float[] {0x33 / 255f, 0x66 / 255f, 0x99 / 255f},
        ImageTensors.toFloat(img, ColorMode.RGB).data(),
        EPS);
  }

  @Test
  void alphaIsCompositedOverWhite() {
    BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
    img.setRGB(0, 0, 0x80ff0000); // red, alpha 128
    img.setRGB(1, 0, 0x00000000); // fully transparent black
    img.setRGB(2, 0, 0xff00ff00); // opaque green
    FloatImage f = ImageTensors.toFloat(img, ColorMode.RGB);
    float a = 128 / 255f;
    assertArrayEquals(new float[] {1f, 1f, 0f}, red(f), EPS);
    assertArrayEquals(new float[] {1f - a, 1f, 1f}, green(f), EPS);
    assertArrayEquals(new float[] {1f - a, 1f, 0f}, blue(f), EPS);
  }

  @Test
  void componentRgbaAndPremultipliedAlpha() {
    BufferedImage straight = new BufferedImage(1, 1, BufferedImage.TYPE_4BYTE_ABGR);
    straight.getRaster().setPixel(0, 0, new int[] {64, 0, 255, 128}); // R G B A
    float a = 128 / 255f;
    assertArrayEquals(
        new float[] {64 / 255f * a + 1 - a, 1 - a, 1f},
        ImageTensors.toFloat(straight, ColorMode.RGB).data(),
        EPS);

    BufferedImage pre = new BufferedImage(1, 1, BufferedImage.TYPE_4BYTE_ABGR_PRE);
    pre.getRaster().setPixel(0, 0, new int[] {64, 0, 128, 128}); // already multiplied by alpha
    assertArrayEquals(
        new float[] {(64 + 127) / 255f, 127 / 255f, 1f},
        ImageTensors.toFloat(pre, ColorMode.RGB).data(),
        EPS);
  }

  @Test
  void greyWithAlpha() {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_GRAY),
            true,
            false,
            Transparency.TRANSLUCENT,
            DataBuffer.TYPE_BYTE);
    WritableRaster r = cm.createCompatibleWritableRaster(2, 1);
    r.setPixel(0, 0, new int[] {0, 51}); // black at alpha 0.2 -> 0.8
    r.setPixel(1, 0, new int[] {255, 0}); // transparent white -> 1
    BufferedImage img = new BufferedImage(cm, r, false, null);
    assertArrayEquals(
        new float[] {0.8f, 1f}, ImageTensors.toFloat(img, ColorMode.GREY).data(), EPS);
  }

  @Test
  void paletteGoesThroughTheColourModel() {
    byte[] reds = {0, (byte) 255, 0};
    byte[] greens = {0, 0, (byte) 128};
    byte[] blues = {0, 0, (byte) 255};
    IndexColorModel icm = new IndexColorModel(2, 3, reds, greens, blues);
    BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY, icm);
    WritableRaster r = img.getRaster();
    r.setSample(0, 0, 0, 0);
    r.setSample(1, 0, 0, 1);
    r.setSample(2, 0, 0, 2);
    FloatImage f = ImageTensors.toFloat(img, ColorMode.RGB);
    assertArrayEquals(new float[] {0f, 1f, 0f}, red(f), EPS);
    assertArrayEquals(new float[] {0f, 0f, 128 / 255f}, green(f), EPS);
    assertArrayEquals(new float[] {0f, 0f, 1f}, blue(f), EPS);
  }

  @Test
  void otherColourSpacesAreConvertedToSrgb() {
    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_LINEAR_RGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_BYTE);
    WritableRaster r = cm.createCompatibleWritableRaster(3, 1);
    r.setPixel(0, 0, new int[] {0, 0, 0});
    r.setPixel(1, 0, new int[] {255, 255, 255});
    r.setPixel(2, 0, new int[] {51, 51, 51}); // linear 0.2 -> sRGB about 0.48
    FloatImage f = ImageTensors.toFloat(new BufferedImage(cm, r, false, null), ColorMode.GREY);
    assertEquals(0f, f.get(0, 0, 0), 0.01f);
    assertEquals(1f, f.get(0, 0, 1), 0.01f);
    assertEquals(0.48f, f.get(0, 0, 2), 0.03f);
  }

  @Test
  void decodedCmykJpegComesOutAsColours() {
    BufferedImage img = decode(ImageCorpus.cmykJpegForTests());
    FloatImage f = ImageTensors.toFloat(img, ColorMode.RGB);
    // bottom-left: no cyan, full magenta, yellow 200, no black -> red
    assertTrue(f.get(0, 31, 0) > 0.8f && f.get(1, 31, 0) < 0.2f && f.get(2, 31, 0) < 0.35f, "red");
    // bottom-right: full cyan and magenta, no yellow -> blue
    assertTrue(
        f.get(2, 31, 31) > 0.8f && f.get(0, 31, 31) < 0.2f && f.get(1, 31, 31) < 0.2f, "blue");
    // black ink on the top quarter darkens it
    assertTrue(f.get(0, 0, 0) < 0.7f, "darker with black ink");
  }

  @Test
  void decodedGrey16TiffIsExact() {
    BufferedImage img = decode(ImageCorpus.encode(ImageCorpus.grey16Ramp(40, 30), "tiff"));
    FloatImage f = ImageTensors.toFloat(img, ColorMode.GREY);
    for (int y = 0; y < 30; y++) {
      for (int x = 0; x < 40; x++) {
        assertEquals(ImageCorpus.grey16Value(40, x, y) / 65535f, f.get(0, y, x), 1e-7f);
      }
    }
  }

  @Test
  void decodedRgbaPngCompositesTransparentBackgroundToWhite() {
    BufferedImage img = decode(ImageCorpus.encode(ImageCorpus.rgbaDisc(20, 20), "png"));
    FloatImage f = ImageTensors.toFloat(img, ColorMode.RGB);
    assertArrayEquals(new float[] {1f, 1f, 1f}, pixel(f, 19, 19), EPS); // transparent corner
    assertArrayEquals(new float[] {1f, 0f, 0f}, pixel(f, 10, 10), EPS); // opaque red centre
    float a = 128 / 255f;
    assertArrayEquals(
        new float[] {1 - a, 1 - a, 1f}, pixel(f, 0, 5), EPS); // half-transparent blue row
  }

  @Test
  void signedUnit() {
    FloatImage f = new FloatImage(1, 1, 3, new float[] {0f, 0.5f, 1f});
    assertArrayEquals(new float[] {-1f, 0f, 1f}, ImageTensors.toSignedUnit(f).data(), EPS);
    assertArrayEquals(new float[] {0f, 0.5f, 1f}, f.data(), "input untouched");
  }

  private static BufferedImage decode(byte[] bytes) {
    DecodeResult r = new ImageDecoder(DecodeLimits.defaults()).decode(bytes);
    assertTrue(r.ok(), r::toString);
    return ((DecodeResult.Decoded) r).image();
  }

  private static float[] pixel(FloatImage f, int y, int x) {
    return new float[] {f.get(0, y, x), f.get(1, y, x), f.get(2, y, x)};
  }

  private static float[] red(FloatImage f) {
    return plane(f, 0);
  }

  private static float[] green(FloatImage f) {
    return plane(f, 1);
  }

  private static float[] blue(FloatImage f) {
    return plane(f, 2);
  }

  private static float[] plane(FloatImage f, int c) {
    int n = f.height() * f.width();
    float[] p = new float[n];
    System.arraycopy(f.data(), c * n, p, 0, n);
    return p;
  }
}
