package com.synthscope.udfs.train.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.synthscope.udfs.train.LabelledMicrograph;
import org.junit.jupiter.api.Test;

/** Window placement, overlap averaging and upsampling to the label resolution. */
class SlidingWindowTest {

  @Test
  void windowsCoverTheImageAndTheLastOneIsFlushWithTheEnd() {
    assertArrayEquals(
        new int[] {0, 16, 32, 48, 64, 80, 96, 112, 128, 144}, SlidingWindow.positions(176, 32, 16));
    assertArrayEquals(new int[] {0, 8}, SlidingWindow.positions(40, 32, 16));
    assertArrayEquals(new int[] {0}, SlidingWindow.positions(32, 32, 16));
    assertArrayEquals(new int[] {0, 4, 5}, SlidingWindow.positions(9, 4, 4));
    assertThrows(IllegalArgumentException.class, () -> SlidingWindow.positions(31, 32, 16));
  }

  @Test
  void aPerPixelModelIsReproducedExactlyWhateverTheOverlap() {
    // A "network" that says class 1 where the pixel is bright and class 0 elsewhere, with
    // certainty.
    SlidingWindow.WindowModel threshold =
        (grey, n, size) -> {
          float[] p = new float[n * 2 * size * size];
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < size * size; j++) {
              int k = grey[i * size * size + j] > 0.5f ? 1 : 0;
              p[(i * 2 + k) * size * size + j] = 1f;
            }
          }
          return p;
        };
    int h = 13;
    int w = 21;
    float[] grey = new float[h * w];
    byte[] labels = new byte[h * w];
    for (int i = 0; i < grey.length; i++) {
      labels[i] = (byte) ((i * 7 + i / w) % 3 == 0 ? 1 : 0);
      grey[i] = labels[i] == 1 ? 0.9f : 0.1f;
    }
    LabelledMicrograph m = new LabelledMicrograph(0, h, w, grey, labels);
    SlidingWindow window = new SlidingWindow(threshold, 2, 8, 3, 5);
    float[] probs = window.probabilities(m);
    for (int i = 0; i < h * w; i++) {
      assertEquals(labels[i], probs[h * w + i], 1e-6f, "pixel " + i);
      assertEquals(1 - labels[i], probs[i], 1e-6f);
    }
    ConfusionMatrix cm = new ConfusionMatrix(2);
    window.evaluate(m, m, cm);
    assertEquals(1.0, cm.pixelAccuracy(), 0);
  }

  @Test
  void overlappingWindowsAreAveraged() {
    // Every window says class 0 with probability 1 at its top-left pixel, 0.5 elsewhere. A 4x4
    // image, window 2,
    // stride 1: pixel (1,1) is covered by 4 windows and is the top-left of one of them.
    SlidingWindow.WindowModel corner =
        (grey, n, size) -> {
          float[] p = new float[n * 2 * size * size];
          for (int i = 0; i < n; i++) {
            for (int j = 0; j < size * size; j++) {
              float v = j == 0 ? 1f : 0.5f;
              p[(i * 2) * size * size + j] = v;
              p[(i * 2 + 1) * size * size + j] = 1 - v;
            }
          }
          return p;
        };
    LabelledMicrograph m = new LabelledMicrograph(0, 4, 4, new float[16], new byte[16]);
    float[] probs = new SlidingWindow(corner, 2, 2, 1, 3).probabilities(m);
    assertEquals(1f, probs[0], 1e-6f, "(0,0): one window, its top-left");
    assertEquals((1f + 0.5f * 3) / 4, probs[5], 1e-6f, "(1,1): four windows, top-left of one");
    assertEquals(0.5f, probs[15], 1e-6f, "(3,3): one window, its bottom-right");
  }

  @Test
  void upsamplingInterpolatesBilinearlyAtPixelCentres() {
    // 2 classes at 1x2: class 1 probability 0.2 on the left, 0.8 on the right; upsampled to 1x4
    // source
    // coordinates are -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped 1): p1 = 0.2, 0.35, 0.65, 0.8.
    float[] probs = {0.8f, 0.2f, 0.2f, 0.8f};
    assertArrayEquals(new byte[] {0, 0, 1, 1}, SlidingWindow.upsampleArgmax(probs, 2, 1, 2, 1, 4));
    // 3x: p0 = 0.7 | 0.2, p1 = 0.3 | 0.8; centres at -1/3 (clamped 0), 0, 1/3, 2/3, 1, 4/3 (clamped
    // 1):
    // p1 = 0.3, 0.3, 0.467, 0.633, 0.8, 0.8 -> class 1 from the fourth column
    float[] p = {0.7f, 0.2f, 0.3f, 0.8f};
    assertArrayEquals(
        new byte[] {0, 0, 0, 1, 1, 1}, SlidingWindow.upsampleArgmax(p, 2, 1, 2, 1, 6));
    // same size: a plain argmax
    assertArrayEquals(new byte[] {0, 1}, SlidingWindow.upsampleArgmax(p, 2, 1, 2, 1, 2));
  }
}
