package com.synthscope.udfs.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TwoSampleRealismTest {

  private static final int SIZE = 16;

  @Test
  void aCosineHasAllItsPowerAtItsRadius() {
    float[] g = new float[SIZE * SIZE];
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        g[y * SIZE + x] = (float) (0.5 + 0.25 * Math.cos(2 * Math.PI * 4 * x / SIZE));
      }
    }
    double[] s = TwoSampleRealism.radialSpectrum(g, SIZE);
    for (int r = 0; r < s.length; r++) {
      if (r == 4) {
        assertTrue(s[r] > 0.1, "power at radius 4: " + s[r]);
      } else {
        assertEquals(0, s[r], 1e-9, "radius " + r);
      }
    }
  }

  @Test
  void theSameImagesAreAtDistanceZeroAndNoiseIsToldFromSmoothImages() {
    SplittableRandom rng = new SplittableRandom(3);
    List<float[]> smooth = new ArrayList<>();
    List<float[]> noise = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      float[] a = new float[SIZE * SIZE];
      float[] b = new float[SIZE * SIZE];
      double phase = rng.nextDouble() * 6;
      for (int p = 0; p < a.length; p++) {
        a[p] = (float) (0.4 + 0.1 * Math.sin(phase + (p % SIZE) / 5.0));
        b[p] = (float) Math.min(1, Math.max(0, 0.4 + 0.1 * rng.nextGaussian()));
      }
      smooth.add(a);
      noise.add(b);
    }
    TwoSampleRealism.Result same = TwoSampleRealism.compare(smooth, smooth, SIZE, 1);
    assertEquals(0, same.histogramDistance(), 1e-12);
    assertEquals(0, same.spectrumDistance(), 1e-12);
    TwoSampleRealism.Result apart = TwoSampleRealism.compare(smooth, noise, SIZE, 1);
    assertEquals(1.0, apart.classifierAccuracy(), 1e-12);
    assertTrue(
        apart.spectrumDistance() > 0.5, "white noise has far more high-frequency power: " + apart);
    assertEquals(apart, TwoSampleRealism.compare(smooth, noise, SIZE, 1), "deterministic");
  }
}
