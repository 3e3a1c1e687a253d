package com.synthscope.udfs.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.diffusion.DdimSampler;
import com.synthscope.udfs.diffusion.NoisePredictor;
import com.synthscope.udfs.diffusion.NoiseSchedule;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FractionSteeringTest {

  private static final int CLASSES = 3;
  private static final int SIDE = 16;
  private static final int PIXELS = SIDE * SIDE;

  @Test
  void theBalancedAssignmentHasTheRequestedClassTotals() {
    Random rng = new Random(1);
    double[] m = new double[CLASSES * PIXELS];
    for (int j = 0; j < m.length; j++) {
      m[j] = rng.nextDouble() * 2 - 1;
    }
    float[] request = {0.6f, 0.3f, 0.1f};
    FractionSteering s =
        new FractionSteering(
            (x, n, t) -> x,
            NoiseSchedule.cosine(1000),
            CLASSES,
            PIXELS,
            request,
            1.0,
            SteeringSchedule.CONSTANT);
    double[] p = s.balancedAssignment(m, 0);
    for (int c = 0; c < CLASSES; c++) {
      double total = 0;
      for (int px = 0; px < PIXELS; px++) {
        total += p[c * PIXELS + px];
      }
      assertEquals(request[c], total / PIXELS, 0.01, "class " + c);
    }
  }

  /**
   * A "network" that has learned only that masks are one-hot and that class 0 is everywhere:
   * without steering the sampled mask is all class 0 whatever the request; with it, the mask
   * follows the request, on every schedule.
   */
  @ParameterizedTest
  @EnumSource(SteeringSchedule.class)
  void steeringMakesTheSampledMaskFollowTheRequestWhereTheNetworkIgnoresIt(
      SteeringSchedule timing) {
    NoiseSchedule schedule = NoiseSchedule.cosine(1000);
    int per = (1 + CLASSES) * PIXELS;
    NoisePredictor ignoresRequest =
        (x, n, t) -> {
          float[] eps = new float[x.length];
          for (int i = 0; i < n; i++) {
            double abar = schedule.alphaBar(t[i]);
            for (int c = 0; c <= CLASSES; c++) {
              for (int px = 0; px < PIXELS; px++) {
                int j = i * per + c * PIXELS + px;
                // its x0: grey 0, class 0 on (+1), the others off (-1) -- except what x_t already
                // says strongly
                double x0 =
                    c == 0
                        ? 0
                        : Math.max(-1, Math.min(1, x[j] / Math.sqrt(abar) + (c == 1 ? 0.5 : -0.5)));
                eps[j] = (float) ((x[j] - Math.sqrt(abar) * x0) / Math.sqrt(1 - abar));
              }
            }
          }
          return eps;
        };
    float[] request = {0.2f, 0.5f, 0.3f};
    long[] seeds = {7};
    float[] plain = new DdimSampler(schedule, 20).sample(ignoresRequest, seeds, per, true);
    float[] steered =
        new DdimSampler(schedule, 20)
            .sample(
                new FractionSteering(
                    ignoresRequest, schedule, CLASSES, PIXELS, request, 1.0, timing),
                seeds,
                per,
                true);
    float[] before =
        PhaseFractions.of(PhaseFractions.argmaxMask(plain, CLASSES, SIDE, SIDE, 1), CLASSES);
    float[] after =
        PhaseFractions.of(PhaseFractions.argmaxMask(steered, CLASSES, SIDE, SIDE, 1), CLASSES);
    assertTrue(
        l1(before, request) > 0.5,
        "the network alone ignores the request: " + java.util.Arrays.toString(before));
    assertTrue(l1(after, request) < 0.1, "steered: " + java.util.Arrays.toString(after));
  }

  /**
   * Each step moves every mask channel toward the request by the strength times the schedule's
   * weight for that class at that step's abar: by the full distance at every step when constant,
   * barely at t = 980 and almost fully near t = 0 when weighted by abar, the minority class (2
   * here) fully and the others by sqrt(abar) with minority-first; the grey channel never moves.
   */
  @ParameterizedTest
  @EnumSource(SteeringSchedule.class)
  void eachStepMovesEachMaskClassByItsScheduledShareAndLeavesTheGreyAlone(SteeringSchedule timing) {
    NoiseSchedule schedule = NoiseSchedule.cosine(1000);
    float[] request = {0.2f, 0.5f, 0.3f};
    double[] before = {1, -1, -1}; // the network's estimate: class 0 everywhere
    NoisePredictor noNoise = (x, n, t) -> new float[x.length];
    FractionSteering steering =
        new FractionSteering(noNoise, schedule, CLASSES, PIXELS, request, 0.8, timing);
    for (int t : new int[] {980, 500, 10}) {
      double abar = schedule.alphaBar(t);
      float[] x = new float[(1 + CLASSES) * PIXELS];
      for (int ch = 0; ch <= CLASSES; ch++) {
        for (int px = 0; px < PIXELS; px++) {
          // x0 estimate (eps = 0): grey 0.3, then the mask channels
          x[ch * PIXELS + px] = (float) (Math.sqrt(abar) * (ch == 0 ? 0.3 : before[ch - 1]));
        }
      }
      float[] eps = steering.predictNoise(x, 1, new int[] {t});
      for (int ch = 0; ch <= CLASSES; ch++) {
        // every pixel alike: the balanced assignment is the request itself in each, so class c's
        // channel would move to 2 r_c - 1 at weight 1
        double expected =
            ch == 0
                ? 0.3
                : before[ch - 1]
                    + 0.8
                        * timing.weight(abar, ch - 1)
                        * (2 * request[ch - 1] - 1 - before[ch - 1]);
        for (int px = 0; px < PIXELS; px++) {
          int j = ch * PIXELS + px;
          double x0 = (x[j] - Math.sqrt(1 - abar) * eps[j]) / Math.sqrt(abar);
          assertEquals(expected, x0, 1e-3, timing + ", t = " + t + ", channel " + ch);
        }
      }
    }
  }

  @Test
  void theScheduleWeightsFollowTheirDefinitions() {
    double abar = 0.25;
    assertEquals(1, SteeringSchedule.CONSTANT.weight(abar, 0));
    assertEquals(0.5, SteeringSchedule.SQRT_ABAR.weight(abar, 4), 1e-12);
    assertEquals(0.25, SteeringSchedule.ABAR.weight(abar, 1), 1e-12);
    assertEquals(0.5, SteeringSchedule.MINORITY_FIRST.weight(abar, 0), 1e-12);
    assertEquals(0.5, SteeringSchedule.MINORITY_FIRST.weight(abar, 1), 1e-12);
    for (int c = 2; c <= 4; c++) {
      assertEquals(1, SteeringSchedule.MINORITY_FIRST.weight(abar, c), "class " + c);
    }
  }

  @Test
  void schedulesParseByTheirLabelsAndNameTheChoicesOtherwise() {
    assertEquals(SteeringSchedule.SQRT_ABAR, SteeringSchedule.parse(" Sqrt-Abar"));
    for (SteeringSchedule v : SteeringSchedule.values()) {
      assertEquals(v, SteeringSchedule.parse(v.label()));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SteeringSchedule.parse("cosine"));
    assertTrue(
        e.getMessage().contains("[constant, sqrt-abar, abar, minority-first]"), e.getMessage());
  }

  private static double l1(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += Math.abs(a[i] - b[i]);
    }
    return s;
  }
}
