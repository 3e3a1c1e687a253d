package com.synthscope.udfs.detect.nsnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.synthscope.udfs.image.FloatImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PatchSelectionTest {

  private final PatchSelection ps = new PatchSelection();

  @Test
  void fftMatchesANaiveDft() {
    Fft2 fft = new Fft2(8);
    float[] x = new float[64];
    Random r = new Random(1);
    for (int i = 0; i < 64; i++) {
      x[i] = r.nextFloat();
    }
    double[] fast = fft.magnitude(x);
    for (int ky = 0; ky < 8; ky++) {
      for (int kx = 0; kx < 8; kx++) {
        double re = 0;
        double im = 0;
        for (int y = 0; y < 8; y++) {
          for (int xx = 0; xx < 8; xx++) {
            double a = -2 * Math.PI * (ky * y + kx * xx) / 8.0;
            re += x[y * 8 + xx] * Math.cos(a);
            im += x[y * 8 + xx] * Math.sin(a);
          }
        }
        assertEquals(Math.hypot(re, im), fast[ky * 8 + kx], 1e-9);
      }
    }
    assertThrows(IllegalArgumentException.class, () -> new Fft2(12));
  }

  @Test
  void handComputedEntropies() {
    float[] constant = new float[1024];
    java.util.Arrays.fill(constant, 0.7f);
    assertEquals(0.0, ps.entropy(constant), 1e-9, "only the DC bin: p = (1, 0, ...)");
    assertEquals(0.0, ps.entropy(new float[1024]), 0.0, "an all-zero patch");
    float[] impulse = new float[1024];
    impulse[0] = 1f;
    assertEquals(
        Math.log(1024), ps.entropy(impulse), 1e-9, "|F| = 1 everywhere: uniform over 1024 bins");
    float[] wave = new float[1024];
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        wave[y * 32 + x] = (float) Math.cos(2 * Math.PI * x / 32);
      }
    }
    assertEquals(Math.log(2), ps.entropy(wave), 1e-5, "two equal bins, kx = 1 and 31");
  }

  @Test
  void keepsTheHighestAndLowestQuarter() {
    List<PatchSelection.Scored> scored =
        List.of(s(0, 3), s(1, 7), s(2, 1), s(3, 5), s(4, 2), s(5, 8), s(6, 4), s(7, 6));
    List<List<PatchSelection.Scored>> hl = PatchSelection.select(scored);
    assertEquals(
        List.of(8.0, 7.0), hl.get(0).stream().map(PatchSelection.Scored::entropy).toList());
    assertEquals(
        List.of(1.0, 2.0), hl.get(1).stream().map(PatchSelection.Scored::entropy).toList());
  }

  @Test
  void theCanvasAlternatesHighAndLowRepeatsCyclicallyAndZeroPads() {
    // 40 x 40 grey image: 2 x 2 patches; the bottom-right one holds 8 x 8 real pixels and zero
    // padding.
    float[] px = new float[40 * 40];
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 40; x++) {
        px[y * 40 + x] =
            (x < 32 && y < 32) ? ((x * 7 + y * 3) % 5) / 4f : 0.5f; // textured top-left
      }
    }
    FloatImage img = new FloatImage(1, 40, 40, px);
    FloatImage canvas = ps.canvas(img);
    assertEquals(224, canvas.height());
    List<List<PatchSelection.Scored>> hl = PatchSelection.select(ps.score(img));
    assertEquals(1, hl.get(0).size());
    assertEquals(1, hl.get(1).size());
    PatchSelection.Scored high = hl.get(0).get(0);
    PatchSelection.Scored low = hl.get(1).get(0);
    for (int t = 0; t < 49; t++) {
      PatchSelection.Scored expect = t % 2 == 0 ? high : low;
      int oy = (t / 7) * 32;
      int ox = (t % 7) * 32;
      for (int y = 0; y < 32; y += 5) {
        for (int x = 0; x < 32; x += 5) {
          int sy = expect.top() + y;
          int sx = expect.left() + x;
          float want = sy < 40 && sx < 40 ? img.get(0, sy, sx) : 0f;
          assertEquals(want, canvas.get(0, oy + y, ox + x), 0f, "tile " + t);
        }
      }
    }
  }

  @Test
  void trainingCanvasesAreReproducibleForASeedAndDifferAcrossSeeds() {
    float[] px = new float[3 * 96 * 96];
    Random r = new Random(4);
    for (int i = 0; i < px.length; i++) {
      px[i] = r.nextFloat() * (i % 96 < 48 ? 1f : 0.1f);
    }
    FloatImage img = new FloatImage(3, 96, 96, px);
    assertArrayEquals(
        ps.trainingCanvas(img, new Random(9)).data(), ps.trainingCanvas(img, new Random(9)).data());
    assertEquals(3, ps.trainingCanvas(img, new Random(9)).channels());
  }

  private static PatchSelection.Scored s(int i, double e) {
    return new PatchSelection.Scored(0, i * 32, e);
  }
}
