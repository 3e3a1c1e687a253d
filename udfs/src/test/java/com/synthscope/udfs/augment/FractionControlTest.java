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

  @Test
  void aMinorityPhaseCountsAsPresentOnlyWhenItsMaskHoldsIt() {
    // class 2 asked for in three pairs (one below the 1 % presence threshold), produced in one of
    // the two that count
    List<float[]> req =
        List.of(
            new float[] {0.9f, 0.05f, 0.05f},
            new float[] {0.8f, 0.1f, 0.1f},
            new float[] {0.995f, 0f, 0.005f});
    List<float[]> ach =
        List.of(
            new float[] {0.9f, 0.05f, 0.05f},
            new float[] {0.9f, 0.1f, 0f},
            new float[] {1f, 0f, 0f});
    FractionControl fc = FractionControl.of(req, ach, 0.05f);
    assertArrayEquals(new int[] {3, 2, 2}, fc.requestedCount());
    assertEquals(0.5, fc.presentShare()[2], 1e-9);
    assertEquals(1.0, fc.presentShare()[1], 1e-9);
    assertEquals(
        java.util.Map.of("requested", 2, "present", 0.5),
        ((java.util.Map<?, ?>) fc.toMap(List.of("a", "b", "c")).get("present_when_requested"))
            .get("c"));
  }
}
