package com.synthscope.udfs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.diffusion.Prediction;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DiffusionRecipeTest {

  private static DiffusionRecipe withSchedule(int warmup, int decay, float gamma) {
    return new DiffusionRecipe(
        32, 0.25, 1000, 16, 1e-3f, 0.999f, 1, "linear", 1000, 0.1f, 100, 1f, gamma, warmup, decay,
        0f);
  }

  @Test
  void warmUpRisesLinearlyThenCosineDecayReachesATenthAndStays() {
    DiffusionRecipe r = withSchedule(10, 100, 0f);
    assertEquals(1e-4f, r.learningRateAt(0), 1e-9f);
    assertEquals(5e-4f, r.learningRateAt(4), 1e-9f);
    assertEquals(1e-3f, r.learningRateAt(10), 1e-9f);
    assertEquals(0.55e-3f, r.learningRateAt(60), 1e-8f, "half-way: 0.1 + 0.9 * 0.5");
    assertEquals(1e-4f, r.learningRateAt(110), 1e-9f);
    assertEquals(1e-4f, r.learningRateAt(5000), 1e-9f);
    assertEquals(1e-3f, withSchedule(0, 0, 0f).learningRateAt(777), 0f, "no schedule: constant");
  }

  @Test
  void minSnrGammaCapsTheWeightOfLowNoiseTimesteps() {
    DiffusionRecipe r = withSchedule(0, 0, 5f);
    assertEquals(1.0, r.timestepWeight(0.5), 1e-12, "SNR below gamma: full weight");
    assertEquals(0.25, r.timestepWeight(20), 1e-12, "SNR 20 > 5: 5 / 20");
    assertEquals(1.0, withSchedule(0, 0, 0f).timestepWeight(20), 0, "gamma 0: off");
    // a v loss already weights x0's error by SNR + 1: the same clamp is min(SNR, gamma) / (SNR + 1)
    DiffusionRecipe v = r.withTarget(Prediction.V, "");
    assertEquals(0.5 / 1.5, v.timestepWeight(0.5), 1e-12);
    assertEquals(5.0 / 21, v.timestepWeight(20), 1e-12);
    assertEquals("v", v.toMap().get("prediction"));
    assertEquals(r.toMap().size() + 1, v.toMap().size(), "only the target is added, no init");
  }

  private static DiffusionRecipe withTimestepPower(float power) {
    return new DiffusionRecipe(
        32,
        0.25,
        1000,
        16,
        1e-3f,
        0.999f,
        1,
        "linear",
        1000,
        0.1f,
        100,
        1f,
        0f,
        0,
        0,
        0f,
        Prediction.EPS,
        "",
        power,
        0f);
  }

  @Test
  void aTimestepPowerAboveOneDrawsMoreLowNoiseSteps() {
    DiffusionRecipe uniform = withTimestepPower(1f);
    SplittableRandom a = new SplittableRandom(5);
    SplittableRandom b = new SplittableRandom(5);
    for (int i = 0; i < 100; i++) {
      assertEquals(b.nextInt(1000), uniform.drawTimestep(a), "power 1: the draws of earlier runs");
    }
    assertEquals(0.25, shareBelow(uniform, 250), 0.015);
    DiffusionRecipe low = withTimestepPower(2f);
    assertEquals(0.5, shareBelow(low, 250), 0.015, "u^2 < 1/4 when u < 1/2");
    assertEquals(2.0, ((Number) low.toMap().get("timestep_power")).doubleValue());
    assertFalse(uniform.toMap().containsKey("timestep_power"), "earlier recipes still match");
    assertEquals(2f, low.withTarget(Prediction.V, "").timestepPower(), "kept by withTarget");
    assertThrows(IllegalArgumentException.class, () -> withTimestepPower(0f));
  }

  private static double shareBelow(DiffusionRecipe r, int t) {
    SplittableRandom rng = new SplittableRandom(9);
    int below = 0;
    int n = 20000;
    for (int i = 0; i < n; i++) {
      int drawn = r.drawTimestep(rng);
      assertTrue(drawn >= 0 && drawn < 1000, "in [0, T): " + drawn);
      below += drawn < t ? 1 : 0;
    }
    return (double) below / n;
  }

  @Test
  void invalidValuesAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DiffusionRecipe(
                32, 0.25, 10, 16, 1e-3f, 0.9f, 1, "linear", 1000, 0.1f, 10, 0f, 0f, 0, 0, 0f));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new DiffusionRecipe(
                32, 0.25, 10, 16, 1e-3f, 0.9f, 1, "linear", 1000, 0.1f, 10, 1f, 0f, 0, 0, 50f));
  }
}
