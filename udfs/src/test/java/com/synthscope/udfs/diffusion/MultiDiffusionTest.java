package com.synthscope.udfs.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultiDiffusionTest {

  @Test
  void windowStartsCoverTheCanvasWithALastWindowFlushWithTheEdge() {
    assertArrayEquals(new int[] {0}, MultiDiffusion.offsets(32, 32, 16));
    assertArrayEquals(new int[] {0, 8}, MultiDiffusion.offsets(40, 32, 16));
    assertArrayEquals(new int[] {0, 16, 32}, MultiDiffusion.offsets(64, 32, 16));
    int[] big = MultiDiffusion.offsets(256, 32, 16);
    assertEquals(15, big.length);
    assertEquals(224, big[14]);
    assertArrayEquals(
        new int[] {0, 24, 48, 72, 96, 120, 144, 168, 192, 216, 224},
        MultiDiffusion.offsets(256, 32, 24));
  }

  /**
   * Hand case: a 3 x 3 canvas holding 0..8, windows of 2 at stride 1 (starts (0,0), (0,1), (1,0),
   * (1,1)); each window predicts the constant found at its top-left corner: 0, 1, 3 and 4. A
   * pixel's noise is the mean over the windows that cover it.
   */
  @Test
  void eachPixelGetsTheMeanOfTheWindowsThatCoverIt() {
    MultiDiffusion md =
        new MultiDiffusion(
            1,
            3,
            2,
            1,
            8,
            (windows, sampleOf, t) -> {
              float[] out = new float[windows.length];
              for (int k = 0; k < sampleOf.length; k++) {
                Arrays.fill(out, k * 4, k * 4 + 4, windows[k * 4]);
              }
              return out;
            });
    float[] canvas = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    float[] eps = md.predictNoise(canvas, 1, new int[] {7});
    float[] expected = {
      0f, (0 + 1) / 2f, 1f, (0 + 3) / 2f, (0 + 1 + 3 + 4) / 4f, (1 + 4) / 2f, 3f, (3 + 4) / 2f, 4f
    };
    assertArrayEquals(expected, eps, 1e-6f);
  }

  @Test
  void everyWindowSeesAllChannelsItsCanvasAndItsTimestep() {
    List<int[]> calls = new ArrayList<>();
    MultiDiffusion md =
        new MultiDiffusion(
            2,
            6,
            4,
            2,
            3,
            (windows, sampleOf, t) -> {
              calls.add(sampleOf.clone());
              for (int k = 0; k < sampleOf.length; k++) {
                assertEquals(sampleOf[k] == 0 ? 10 : 20, t[k]);
              }
              float[] out = windows.clone();
              for (int j = 0; j < out.length; j++) {
                out[j] *= 2; // a window predictor that is linear in its input: the average must be
                // exactly 2 x
              }
              return out;
            });
    float[] x = new float[2 * 2 * 36];
    for (int j = 0; j < x.length; j++) {
      x[j] = (j % 17) * 0.25f - 1f;
    }
    float[] eps = md.predictNoise(x, 2, new int[] {10, 20});
    for (int j = 0; j < x.length; j++) {
      assertEquals(2 * x[j], eps[j], 1e-6f, "value " + j);
    }
    assertEquals(4, md.windowsPerCanvas());
    // 4 windows per canvas in batches of at most 3, never mixing canvases: 3 + 1 for each
    assertEquals(4, calls.size());
    assertArrayEquals(new int[] {0, 0, 0}, calls.get(0));
    assertArrayEquals(new int[] {0}, calls.get(1));
    assertArrayEquals(new int[] {1, 1, 1}, calls.get(2));
  }

  @Test
  void aCanvasResultDoesNotDependOnTheOtherCanvasesOfTheBatch() {
    MultiDiffusion.WindowPredictor nonlinear =
        (windows, sampleOf, t) -> {
          float[] out = new float[windows.length];
          for (int j = 0; j < out.length; j++) {
            out[j] = (float) Math.tanh(windows[j] * 3 + t[j / 16] * 1e-3);
          }
          return out;
        };
    MultiDiffusion md = new MultiDiffusion(1, 10, 4, 3, 5, nonlinear);
    float[] a = new float[100];
    float[] b = new float[100];
    for (int j = 0; j < 100; j++) {
      a[j] = (float) Math.sin(j);
      b[j] = (float) Math.cos(3 * j);
    }
    float[] both = new float[200];
    System.arraycopy(a, 0, both, 0, 100);
    System.arraycopy(b, 0, both, 100, 100);
    float[] together = md.predictNoise(both, 2, new int[] {5, 9});
    assertArrayEquals(md.predictNoise(a, 1, new int[] {5}), Arrays.copyOfRange(together, 0, 100));
    assertArrayEquals(md.predictNoise(b, 1, new int[] {9}), Arrays.copyOfRange(together, 100, 200));
  }

  /**
   * 1 x 6 canvas rows, windows of 4 at stride 2 (starts 0 and 2 along each axis); each window
   * predicts the constant of its left edge, 0 or 10. Gaussian weights: pixels only one window
   * covers keep its value; in the overlap the value moves from 0 towards 10 smoothly, where the
   * uniform mean jumps to 5.
   */
  @Test
  void gaussianWeightsBlendOverlapsTowardsTheNearerWindowCentre() {
    MultiDiffusion.WindowPredictor leftEdge =
        (windows, sampleOf, t) -> {
          float[] out = new float[windows.length];
          for (int k = 0; k < sampleOf.length; k++) {
            Arrays.fill(out, k * 16, k * 16 + 16, windows[k * 16]);
          }
          return out;
        };
    float[] canvas = new float[36];
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 6; x++) {
        canvas[y * 6 + x] = x < 2 ? 0 : 10;
      }
    }
    float[] uniform =
        new MultiDiffusion(1, 6, 4, 2, 8, leftEdge).predictNoise(canvas, 1, new int[] {0});
    float[] gauss =
        new MultiDiffusion(1, 6, 4, 2, 8, MultiDiffusion.Weighting.GAUSSIAN, leftEdge)
            .predictNoise(canvas, 1, new int[] {0});
    float[] row = Arrays.copyOfRange(gauss, 0, 6);
    assertEquals(0f, row[0], 1e-6f);
    assertEquals(0f, row[1], 1e-6f);
    assertEquals(10f, row[4], 1e-6f);
    assertEquals(10f, row[5], 1e-6f);
    assertEquals(5f, uniform[2], 1e-6f);
    assertEquals(5f, uniform[3], 1e-6f);
    // column 2 is nearer the first window's centre (1.5) than the second's (3.5), column 3 the
    // reverse
    assertEquals(10f * (float) (1 / (1 + Math.exp(1.0))), row[2], 1e-5f);
    assertEquals(10f - row[2], row[3], 1e-5f);
    // any weighting reproduces a predictor that agrees everywhere
    float[] doubled =
        new MultiDiffusion(
                1,
                6,
                4,
                2,
                8,
                MultiDiffusion.Weighting.GAUSSIAN,
                (w, s, t) -> {
                  float[] o = w.clone();
                  for (int j = 0; j < o.length; j++) {
                    o[j] *= 2;
                  }
                  return o;
                })
            .predictNoise(canvas, 1, new int[] {0});
    for (int j = 0; j < 36; j++) {
      assertEquals(2 * canvas[j], doubled[j], 1e-5f);
    }
  }

  @Test
  void badShapesAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> new MultiDiffusion(1, 8, 16, 8, 4, (w, s, t) -> w));
    assertThrows(
        IllegalArgumentException.class, () -> new MultiDiffusion(1, 32, 16, 17, 4, (w, s, t) -> w));
    MultiDiffusion md = new MultiDiffusion(1, 8, 4, 4, 4, (w, s, t) -> w);
    assertThrows(
        IllegalArgumentException.class, () -> md.predictNoise(new float[63], 1, new int[] {0}));
  }
}
