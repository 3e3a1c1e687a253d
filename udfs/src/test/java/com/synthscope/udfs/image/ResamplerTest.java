package com.synthscope.udfs.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ResamplerTest {

  private static final float EPS = 1e-5f;

  @Test
  void nearestDoublesEachPixel() {
    FloatImage src = new FloatImage(1, 2, 2, new float[] {1, 2, 3, 4});
    FloatImage up = Resampler.resize(src, 4, 4, ResizeFilter.NEAREST);
    assertArrayEquals(
        new float[] {
          1, 1, 2, 2,
          1, 1, 2, 2,
          3, 3, 4, 4,
          3, 3, 4, 4
        },
        up.data());
  }

  @Test
  void nearestHalvingPicksTheSecondOfEachPair() {
    // source index floor((i + 0.5) * 2) = 1, 3
    FloatImage src = new FloatImage(1, 1, 4, new float[] {10, 11, 12, 13});
    assertArrayEquals(
        new float[] {11, 13}, Resampler.resize(src, 1, 2, ResizeFilter.NEAREST).data());
  }

  @Test
  void boxHalvingIsTheBlockMean() {
    FloatImage src =
        new FloatImage(
            1,
            4,
            4,
            new float[] {
              1, 2, 3, 4,
              5, 6, 7, 8,
              9, 10, 11, 12,
              13, 14, 15, 16
            });
    FloatImage down = Resampler.resize(src, 2, 2, ResizeFilter.BOX);
    assertArrayEquals(
        new float[] {
          (1 + 2 + 5 + 6) / 4f, (3 + 4 + 7 + 8) / 4f,
          (9 + 10 + 13 + 14) / 4f, (11 + 12 + 15 + 16) / 4f
        },
        down.data(),
        EPS);
  }

  @Test
  void boxThirdingIsTheBlockMeanToo() {
    FloatImage src = new FloatImage(1, 1, 6, new float[] {0, 3, 6, 1, 1, 1});
    assertArrayEquals(
        new float[] {3, 1}, Resampler.resize(src, 1, 2, ResizeFilter.BOX).data(), EPS);
  }

  @Test
  void bilinearUpscaleOfARampStaysLinearInTheInterior() {
    int n = 8;
    float[] ramp = new float[n];
    for (int i = 0; i < n; i++) {
      ramp[i] = 3 * i + 1;
    }
    FloatImage up =
        Resampler.resize(new FloatImage(1, 1, n, ramp), 1, 2 * n, ResizeFilter.BILINEAR);
    for (int i = 1; i < 2 * n - 1; i++) {
      double srcX = (i + 0.5) / 2 - 0.5; // aligned pixel centres
      assertEquals(3 * srcX + 1, up.get(0, 0, i), EPS, "x=" + i);
    }
    // the border replicates the edge pixel
    assertEquals(1f, up.get(0, 0, 0), EPS);
    assertEquals(3 * (n - 1) + 1, up.get(0, 0, 2 * n - 1), EPS);
  }

  @Test
  void bilinearDownscaleOfARampStaysLinearInTheInterior() {
    int n = 24;
    float[] ramp = new float[n];
    for (int i = 0; i < n; i++) {
      ramp[i] = 0.5f * i;
    }
    FloatImage down =
        Resampler.resize(new FloatImage(1, n, 1, ramp), n / 3, 1, ResizeFilter.BILINEAR);
    for (int i = 1; i < n / 3 - 1; i++) {
      double srcY = (i + 0.5) * 3 - 0.5;
      assertEquals(0.5 * srcY, down.get(0, i, 0), EPS, "y=" + i);
    }
  }

  @Test
  void bilinearUpscaleIn2dInterpolatesBothAxes() {
    FloatImage src = new FloatImage(1, 2, 2, new float[] {0, 1, 2, 3});
    FloatImage up = Resampler.resize(src, 4, 4, ResizeFilter.BILINEAR);
    // output pixel 1 maps to source 0.25, pixel 2 to 0.75
    assertEquals(0.25f * 1 + 0.25f * 2, up.get(0, 1, 1), EPS);
    assertEquals(0.75f * 1 + 0.75f * 2, up.get(0, 2, 2), EPS);
    assertEquals(0f, up.get(0, 0, 0), EPS);
    assertEquals(3f, up.get(0, 3, 3), EPS);
  }

  @Test
  void kernelValues() {
    assertEquals(1.0, ResizeFilter.BICUBIC.weight(0), 1e-12);
    assertEquals(0.5625, ResizeFilter.BICUBIC.weight(0.5), 1e-12); // a = -0.5
    assertEquals(0.0, ResizeFilter.BICUBIC.weight(1.0), 1e-12);
    assertEquals(-0.0625, ResizeFilter.BICUBIC.weight(1.5), 1e-12);
    assertEquals(-0.0625, ResizeFilter.BICUBIC.weight(-1.5), 1e-12);
    assertEquals(0.0, ResizeFilter.BICUBIC.weight(2.0), 1e-12);
    assertEquals(1.0, ResizeFilter.LANCZOS3.weight(0), 1e-12);
    assertEquals(0.0, ResizeFilter.LANCZOS3.weight(1), 1e-12);
    assertEquals((2 / Math.PI) * (0.5 / (Math.PI / 6)), ResizeFilter.LANCZOS3.weight(0.5), 1e-12);
    assertEquals(0.0, ResizeFilter.LANCZOS3.weight(3.2), 1e-12);
    assertEquals(0.75, ResizeFilter.BILINEAR.weight(-0.25), 1e-12);
    assertEquals(1.0, ResizeFilter.BOX.weight(-0.5), 1e-12);
    assertEquals(0.0, ResizeFilter.BOX.weight(0.5), 1e-12);
  }

  @Test
  void bicubicUpscaleHitsTheHandComputedValue() {
    // output x=2 of 4 from 2 samples maps to source 0.75: taps at -1(clipped),0,1,2(clipped)
    // weights: w(0.75) for x=0 and w(0.25) for x=1 after dropping out-of-range taps and
    // renormalising
    FloatImage src = new FloatImage(1, 1, 2, new float[] {0, 1});
    FloatImage up = Resampler.resize(src, 1, 4, ResizeFilter.BICUBIC);
    double w0 = ResizeFilter.BICUBIC.weight(0.75);
    double w1 = ResizeFilter.BICUBIC.weight(0.25);
    double wm1 = ResizeFilter.BICUBIC.weight(1.75);
    double w2 = ResizeFilter.BICUBIC.weight(1.25);
    // both neighbours of the 2-pixel row are out of range: only the in-range weights remain
    assertEquals(w1 / (w0 + w1), up.get(0, 0, 2), EPS);
    assertTrue(wm1 < 0 && w2 < 0, "the cubic has negative lobes");
  }

  @ParameterizedTest
  @EnumSource(ResizeFilter.class)
  void identitySizeReturnsAnEqualCopy(ResizeFilter filter) {
    FloatImage src = randomImage(3, 5, 7, 1);
    FloatImage same = Resampler.resize(src, 5, 7, filter);
    assertEquals(src, same);
    assertNotSame(src, same);
    assertNotSame(src.data(), same.data());
  }

  @ParameterizedTest
  @EnumSource(ResizeFilter.class)
  void constantImagesStayConstant(ResizeFilter filter) {
    float[] data = new float[2 * 9 * 13];
    java.util.Arrays.fill(data, 0, 9 * 13, 0.25f);
    java.util.Arrays.fill(data, 9 * 13, data.length, 0.75f);
    FloatImage src = new FloatImage(2, 9, 13, data);
    for (int[] size : new int[][] {{3, 4}, {20, 31}, {9, 5}, {1, 1}}) {
      FloatImage out = Resampler.resize(src, size[0], size[1], filter);
      assertEquals(2, out.channels());
      assertEquals(size[0], out.height());
      assertEquals(size[1], out.width());
      for (int y = 0; y < size[0]; y++) {
        for (int x = 0; x < size[1]; x++) {
          assertEquals(0.25f, out.get(0, y, x), EPS);
          assertEquals(0.75f, out.get(1, y, x), EPS);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ResizeFilter.class)
  void channelsAreResampledIndependently(ResizeFilter filter) {
    FloatImage both = randomImage(2, 10, 12, 3);
    FloatImage out = Resampler.resize(both, 7, 17, filter);
    for (int c = 0; c < 2; c++) {
      FloatImage one = Crops.crop(channel(both, c), 0, 0, 10, 12);
      FloatImage alone = Resampler.resize(one, 7, 17, filter);
      for (int y = 0; y < 7; y++) {
        for (int x = 0; x < 17; x++) {
          assertEquals(alone.get(0, y, x), out.get(c, y, x), EPS);
        }
      }
    }
  }

  @Test
  void antialiasingAveragesACheckerboardToGrey() {
    float[] data = new float[16 * 16];
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        data[y * 16 + x] = (x + y) % 2;
      }
    }
    FloatImage down =
        Resampler.resize(new FloatImage(1, 16, 16, data), 4, 4, ResizeFilter.BILINEAR);
    for (float v : down.data()) {
      assertEquals(0.5f, v, 0.02f);
    }
  }

  @Test
  void rejectsBadSizes() {
    FloatImage src = randomImage(1, 2, 2, 0);
    assertThrows(
        IllegalArgumentException.class, () -> Resampler.resize(src, 0, 2, ResizeFilter.BOX));
    assertThrows(
        IllegalArgumentException.class, () -> Resampler.resize(src, 2, -1, ResizeFilter.BOX));
    assertThrows(NullPointerException.class, () -> Resampler.resize(src, 2, 2, null));
  }

  @Test
  void parseIsCaseInsensitiveAndListsTheNames() {
    assertSame(ResizeFilter.BILINEAR, ResizeFilter.parse("bilinear"));
    assertSame(ResizeFilter.LANCZOS3, ResizeFilter.parse(" Lanczos3 "));
    assertSame(ResizeFilter.NEAREST, ResizeFilter.parse("NEAREST"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ResizeFilter.parse("cubic"));
    assertEquals(
        "unknown resize filter 'cubic'; expected one of nearest, box, bilinear, bicubic, lanczos3",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ResizeFilter.parse(null));
  }

  static FloatImage randomImage(int c, int h, int w, long seed) {
    Random rng = new Random(seed);
    float[] d = new float[c * h * w];
    for (int i = 0; i < d.length; i++) {
      d[i] = rng.nextFloat();
    }
    return new FloatImage(c, h, w, d);
  }

  private static FloatImage channel(FloatImage f, int c) {
    int n = f.height() * f.width();
    float[] d = new float[n];
    System.arraycopy(f.data(), c * n, d, 0, n);
    return new FloatImage(1, f.height(), f.width(), d);
  }
}
