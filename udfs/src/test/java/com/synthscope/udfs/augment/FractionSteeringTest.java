package com.synthscope.udfs.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.diffusion.DdimSampler;
import com.synthscope.udfs.diffusion.NoisePredictor;
import com.synthscope.udfs.diffusion.NoiseSchedule;
import java.util.Random;
import org.junit.jupiter.api.Test;

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
            (x, n, t) -> x, NoiseSchedule.cosine(1000), CLASSES, PIXELS, request, 1.0);
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
   * follows the request.
   */
  @Test
  void steeringMakesTheSampledMaskFollowTheRequestWhereTheNetworkIgnoresIt() {
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
                new FractionSteering(ignoresRequest, schedule, CLASSES, PIXELS, request, 1.0),
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

  private static double l1(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += Math.abs(a[i] - b[i]);
    }
    return s;
  }
}
