package com.synthscope.udfs.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ForwardProcessTest {

  private static final NoiseSchedule HAND =
      NoiseSchedule.linear(5, 0.1, 0.5); // abar .9 .72 .504 .3024 .1512

  @Test
  void qSampleByHandWithOneTimestepPerSample() {
    // sample 0 at t=0: sqrt(.9)*1 + sqrt(.1)*0.5 ; sample 1 at t=2: sqrt(.504)*2 + sqrt(.496)*(-1)
    float[] xt =
        ForwardProcess.qSample(
            HAND, new float[] {1, 2}, new float[] {0.5f, -1}, 2, new int[] {0, 2});
    assertArrayEquals(new float[] {1.1067972f, 0.71558647f}, xt, 1e-6f);
    // two values per sample: the timestep applies to the whole sample
    float[] xt2 =
        ForwardProcess.qSample(
            HAND, new float[] {1, 1, 2, 2}, new float[] {0.5f, 0.5f, -1, -1}, 2, new int[] {0, 2});
    assertArrayEquals(new float[] {1.1067972f, 1.1067972f, 0.71558647f, 0.71558647f}, xt2, 1e-6f);
  }

  @Test
  void predictX0ByHand() {
    // (1.1067972 - sqrt(.1)*0.5)/sqrt(.9) = 1
    float[] x0 =
        ForwardProcess.predictX0(
            HAND,
            new float[] {1.1067972f, 0.71558647f},
            new float[] {0.5f, -1},
            2,
            new int[] {0, 2});
    assertArrayEquals(new float[] {1, 2}, x0, 1e-6f);
  }

  /**
   * For N draws of eps ~ N(0,1) and fixed x0, x_t ~ N(sqrt(abar) x0, 1 - abar). The sample mean has
   * standard error sqrt((1 - abar)/N), the sample variance (1 - abar) sqrt(2/(N-1)); 5 standard
   * errors bound a false failure at about 6e-7 per check.
   */
  @Test
  void qSampleHasTheForwardMarginal() {
    NoiseSchedule s = NoiseSchedule.linear(1000);
    int n = 100_000;
    float[] x0Values = {-1f, 0.3f, 0.9f};
    int size = x0Values.length;
    for (int t : new int[] {0, 100, 500, 999}) {
      float[] x0 = new float[n * size];
      float[] eps = new float[n * size];
      SplittableRandom r = new SplittableRandom(1234 + t);
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < size; j++) {
          x0[i * size + j] = x0Values[j];
          eps[i * size + j] = (float) gaussian(r);
        }
      }
      int[] ts = new int[n];
      java.util.Arrays.fill(ts, t);
      float[] xt = ForwardProcess.qSample(s, x0, eps, n, ts);
      double abar = s.alphaBar(t);
      for (int j = 0; j < size; j++) {
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
          double v = xt[i * size + j];
          sum += v;
          sq += v * v;
        }
        double mean = sum / n;
        double var = (sq - n * mean * mean) / (n - 1);
        assertEquals(
            Math.sqrt(abar) * x0Values[j], mean, 5 * Math.sqrt((1 - abar) / n), "mean t=" + t);
        assertEquals(1 - abar, var, 5 * (1 - abar) * Math.sqrt(2.0 / (n - 1)) + 1e-9, "var t=" + t);
      }
    }
  }

  /**
   * predictX0 undoes qSample. The only error is the float rounding of x_t (relative 2^-24, |x_t|
   * below ~5 here) magnified by 1/sqrt(abar_t) in the division, plus rounding of the result:
   * tolerance (|x_t| * 2^-23) / sqrt(abar_t) + 2 ulp(x0).
   */
  @Test
  void predictX0InvertsQSample() {
    NoiseSchedule[] schedules = {NoiseSchedule.linear(1000), NoiseSchedule.cosine(1000)};
    SplittableRandom r = new SplittableRandom(7);
    int n = 200;
    int size = 12;
    for (NoiseSchedule s : schedules) {
      float[] x0 = new float[n * size];
      float[] eps = new float[n * size];
      int[] t = new int[n];
      for (int i = 0; i < n; i++) {
        t[i] = i == 0 ? 0 : i == 1 ? s.steps() - 1 : r.nextInt(s.steps());
      }
      for (int j = 0; j < x0.length; j++) {
        x0[j] = (float) (2 * r.nextDouble() - 1);
        eps[j] = (float) gaussian(r);
      }
      float[] xt = ForwardProcess.qSample(s, x0, eps, n, t);
      float[] back = ForwardProcess.predictX0(s, xt, eps, n, t);
      for (int j = 0; j < x0.length; j++) {
        double tol =
            Math.abs(xt[j]) * 0x1p-23 / Math.sqrt(s.alphaBar(t[j / size])) + 2 * Math.ulp(x0[j]);
        assertEquals(x0[j], back[j], tol, s + " t=" + t[j / size]);
      }
    }
  }

  @Test
  void rejectsBadShapes() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ForwardProcess.qSample(HAND, new float[4], new float[3], 2, new int[] {0, 0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> ForwardProcess.qSample(HAND, new float[4], new float[4], 2, new int[] {0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> ForwardProcess.qSample(HAND, new float[5], new float[5], 2, new int[] {0, 0}));
    assertThrows(
        IllegalArgumentException.class,
        () -> ForwardProcess.predictX0(HAND, new float[4], new float[4], 2, new int[] {0, 5}));
    assertThrows(
        IllegalArgumentException.class,
        () -> ForwardProcess.predictX0(HAND, new float[4], new float[4], 0, new int[0]));
  }

  static double gaussian(SplittableRandom r) {
    double u1 = 1 - r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
