package com.synthscope.udfs.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DdpmSamplerTest {

  /**
   * T = 2 by hand, betas 0.1, 0.5 (abar 0.9, 0.45), oracle predictor. Start x_1 = z0 (stream 0).
   * Step t=1: mean = sqrt(.9) .5/.55 x0 + sqrt(.5) .1/.55 x_1 = 0.86243936 x0 + 0.12856487 x_1,
   * beta_tilde = .5 .1/.55, sigma = 0.30151134, noise z1 from stream 1. Step t=0 returns x0_hat =
   * x0, no noise.
   */
  @Test
  void twoStepsByHandWithStreams() {
    NoiseSchedule s = NoiseSchedule.linear(2, 0.1, 0.5);
    float[] x0 = {0.5f, -0.25f, 1f, 0f, -1f, 0.75f};
    long[] seeds = {17, 99};
    int size = 3;
    List<float[]> inputs = new ArrayList<>();
    List<int[]> times = new ArrayList<>();
    NoisePredictor oracle = Oracles.oracle(s, x0);
    NoisePredictor recording =
        (x, n, t) -> {
          inputs.add(x.clone());
          times.add(t.clone());
          return oracle.predictNoise(x, n, t);
        };
    float[] out = new DdpmSampler(s).sample(recording, seeds, size, false);
    assertArrayEquals(x0, out, 1e-6f);
    float[] z0 = SampleNoise.gaussian(seeds, size, 0);
    float[] z1 = SampleNoise.gaussian(seeds, size, 1);
    assertArrayEquals(z0, inputs.get(0), 0f);
    assertArrayEquals(new int[] {1, 1}, times.get(0));
    assertArrayEquals(new int[] {0, 0}, times.get(1));
    float[] expected = new float[x0.length];
    for (int j = 0; j < x0.length; j++) {
      expected[j] =
          (float)
              (0.8624393618641033 * x0[j]
                  + 0.128564869306645 * z0[j]
                  + 0.30151134457776363 * z1[j]);
    }
    assertArrayEquals(expected, inputs.get(1), 2e-6f);
  }

  /**
   * With the oracle the last step (t = 0, no noise) returns x0_hat = x0, whatever the noise drawn
   * on the way.
   */
  @Test
  void oracleEndsAtX0() {
    for (NoiseSchedule s :
        new NoiseSchedule[] {NoiseSchedule.linear(10, 0.01, 0.5), NoiseSchedule.cosine(10)}) {
      float[] x0 = {0.9f, -0.9f, 0.1f, 0f, 0.5f, -0.3f, 1f, -1f};
      for (boolean clip : new boolean[] {false, true}) {
        float[] out = new DdpmSampler(s).sample(Oracles.oracle(s, x0), new long[] {1, 2}, 4, clip);
        assertArrayEquals(x0, out, 1e-5f, s + " clip=" + clip);
      }
    }
  }

  /**
   * Ancestral sampling with the oracle composes the posterior q(x_{t-1} | x_t, x0) with q(x_t |
   * x0), so the state handed to the predictor at every t must follow the forward marginal
   * N(sqrt(abar_t) x0, 1 - abar_t). The start is N(0, 1) instead of q(x_{T-1} | x0): that offsets
   * the mean by at most sqrt(abar_{T-1}) |x0| and the variance by at most abar_{T-1}, and each
   * later step multiplies the offset by sqrt(alpha_t)(1 - abar_{t-1})/(1 - abar_t) < 1 (squared for
   * the variance), so these bounds hold at every t. Statistical slack: 5 standard errors with N =
   * 20000 samples. Using beta_t instead of beta_tilde_t, or swapping the mean's coefficients, fails
   * this.
   */
  @Test
  void statesFollowTheForwardMarginal() {
    NoiseSchedule s = NoiseSchedule.linear(10, 0.1, 0.9); // abar_9 ~ 1.6e-4
    int n = 20_000;
    float[] values = {0.8f, -0.5f};
    int size = values.length;
    float[] x0 = new float[n * size];
    long[] seeds = new long[n];
    for (int i = 0; i < n; i++) {
      seeds[i] = 1000 + i;
      System.arraycopy(values, 0, x0, i * size, size);
    }
    double[][] mean = new double[s.steps()][size];
    double[][] var = new double[s.steps()][size];
    NoisePredictor oracle = Oracles.oracle(s, x0);
    NoisePredictor recording =
        (x, nn, t) -> {
          for (int j = 0; j < size; j++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < nn; i++) {
              double v = x[i * size + j];
              sum += v;
              sq += v * v;
            }
            double m = sum / nn;
            mean[t[0]][j] = m;
            var[t[0]][j] = (sq - nn * m * m) / (nn - 1);
          }
          return oracle.predictNoise(x, nn, t);
        };
    int[] progress = new int[s.steps() + 1];
    int[] calls = {0};
    new DdpmSampler(s).sample(recording, seeds, size, false, k -> progress[calls[0]++] = k);
    double startAbar = s.alphaBar(s.steps() - 1);
    for (int t = 0; t < s.steps(); t++) {
      double abar = s.alphaBar(t);
      for (int j = 0; j < size; j++) {
        double meanTol = 5 * Math.sqrt((1 - abar) / n) + Math.sqrt(startAbar) * Math.abs(values[j]);
        double varTol = 5 * (1 - abar) * Math.sqrt(2.0 / (n - 1)) + startAbar;
        assertEquals(Math.sqrt(abar) * values[j], mean[t][j], meanTol, "mean t=" + t);
        assertEquals(1 - abar, var[t][j], varTol, "var t=" + t);
      }
    }
    assertEquals(s.steps(), calls[0]);
    int[] expected = new int[s.steps() + 1];
    for (int k = 0; k < s.steps(); k++) {
      expected[k] = k + 1;
    }
    assertArrayEquals(expected, progress);
  }

  @Test
  void aSampleDoesNotDependOnItsBatch() {
    DdpmSampler ddpm = new DdpmSampler(NoiseSchedule.linear(50));
    NoisePredictor p = Oracles.linear(0.2);
    float[] both = ddpm.sample(p, new long[] {3, 4}, 6, true);
    float[] alone = ddpm.sample(p, new long[] {4}, 6, true);
    assertArrayEquals(alone, Arrays.copyOfRange(both, 6, 12), 0f);
    assertArrayEquals(both, ddpm.sample(p, new long[] {3, 4}, 6, true), 0f);
  }

  @Test
  void rejectsBadArguments() {
    DdpmSampler ddpm = new DdpmSampler(NoiseSchedule.linear(5));
    assertThrows(
        IllegalArgumentException.class,
        () -> ddpm.sample(Oracles.linear(0), new long[0], 3, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> ddpm.sample(Oracles.linear(0), new long[] {1}, 0, false));
    assertThrows(
        IllegalStateException.class,
        () -> ddpm.sample((x, n, t) -> new float[1], new long[] {1}, 3, false));
  }
}
