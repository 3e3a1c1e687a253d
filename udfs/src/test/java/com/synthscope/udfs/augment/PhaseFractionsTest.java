package com.synthscope.udfs.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhaseFractionsTest {

  @Test
  void fractionsOfHandMadeMasks() {
    byte[] mask = {0, 0, 1, 2, 2, 2, 4, 4};
    assertArrayEquals(
        new float[] {0.25f, 0.125f, 0.375f, 0f, 0.25f}, PhaseFractions.of(mask, 5), 0f);
    assertArrayEquals(new float[] {1f, 0f, 0f}, PhaseFractions.of(new byte[7], 3), 0f);
    float[] odd = PhaseFractions.of(new byte[] {0, 1, 2}, 3);
    assertEquals(1f, odd[0] + odd[1] + odd[2], 1e-6);
    assertThrows(IllegalArgumentException.class, () -> PhaseFractions.of(new byte[] {0, 5}, 5));
    assertThrows(
        IllegalArgumentException.class, () -> PhaseFractions.of(new byte[] {(byte) 200}, 5));
    assertThrows(IllegalArgumentException.class, () -> PhaseFractions.of(new byte[0], 5));
  }

  @Test
  void argmaxPicksTheLargestMaskChannelPerPixelSkippingTheImageChannel() {
    int h = 1;
    int w = 3;
    int n = h * w;
    // channel 0 is the image (large values must be ignored); then 3 mask channels
    float[] c = new float[4 * n];
    c[0] = 9f;
    c[1] = 9f;
    c[2] = 9f;
    float[][] mask = {{0.9f, -1f, 0.2f}, {0.1f, 0.5f, 0.2f}, {-0.3f, 0.4f, 0.2f}};
    for (int k = 0; k < 3; k++) {
      System.arraycopy(mask[k], 0, c, (1 + k) * n, n);
    }
    // pixel 0 -> class 0, pixel 1 -> class 1, pixel 2 -> tie 0/1/2 at 0.2 -> lowest class
    assertArrayEquals(new byte[] {0, 1, 0}, PhaseFractions.argmaxMask(c, 3, h, w, 1));
    // from channel 0 the image channel wins everywhere
    assertArrayEquals(new byte[] {0, 0, 0}, PhaseFractions.argmaxMask(c, 3, h, w, 0));
    assertThrows(IllegalArgumentException.class, () -> PhaseFractions.argmaxMask(c, 4, h, w, 1));
  }

  @Test
  void argmaxRecoversAOneHotEncoding() {
    byte[] labels = {4, 0, 3, 1, 2, 2};
    int n = labels.length;
    float[] c = new float[6 * n];
    java.util.Arrays.fill(c, n, c.length, -1f);
    for (int i = 0; i < n; i++) {
      c[(1 + labels[i]) * n + i] = 1f;
      c[(1 + labels[i]) * n + i] -= 0.3f * i / n; // noisy but still the largest
    }
    assertArrayEquals(labels, PhaseFractions.argmaxMask(c, 5, 2, 3, 1));
  }

  @Test
  void l1SumsAbsoluteDifferences() {
    assertEquals(
        0.6f,
        PhaseFractions.l1(new float[] {0.5f, 0.5f, 0f}, new float[] {0.2f, 0.5f, 0.3f}),
        1e-6);
    assertEquals(0f, PhaseFractions.l1(new float[] {0.1f}, new float[] {0.1f}));
    assertThrows(
        IllegalArgumentException.class, () -> PhaseFractions.l1(new float[1], new float[2]));
  }

  @Test
  void qualityCheckPassesAtTheThresholdAndFailsAbove() {
    byte[] mask = {0, 0, 0, 1}; // achieved 0.75 / 0.25
    float[] requested = {0.5f, 0.5f};
    QualityCheck atLimit = QualityCheck.of(requested, mask, 2, 0.5f);
    assertArrayEquals(new float[] {0.75f, 0.25f}, atLimit.achieved(), 0f);
    assertEquals(0.5f, atLimit.l1());
    assertTrue(atLimit.pass());
    QualityCheck tight = QualityCheck.of(requested, mask, 2, 0.49f);
    assertFalse(tight.pass());
    assertEquals(0.5f, tight.l1());
    assertTrue(QualityCheck.of(new float[] {0.75f, 0.25f}, mask, 2, 0f).pass());
    assertThrows(
        IllegalArgumentException.class, () -> QualityCheck.of(new float[3], mask, 2, 0.1f));
  }
}
