package com.synthscope.udfs.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class FractionControlTest {

  @Test
  void handComputedControlErrors() {
    List<float[]> req = List.of(new float[] {0.5f, 0.5f}, new float[] {1f, 0f});
    List<float[]> ach = List.of(new float[] {0.5f, 0.5f}, new float[] {0.8f, 0.2f});
    FractionControl fc = FractionControl.of(req, ach, 0.05f);
    assertEquals(0.2, fc.meanL1(), 1e-6); // (0 + 0.4) / 2
    assertEquals(0.5, fc.passRate(), 1e-9);
    assertArrayEquals(new double[] {0.1, 0.1}, fc.perClassError(), 1e-6);
    assertArrayEquals(new double[] {0.75, 0.25}, fc.meanRequested(), 1e-6);
    assertArrayEquals(new double[] {0.65, 0.35}, fc.meanAchieved(), 1e-6);
  }
}
