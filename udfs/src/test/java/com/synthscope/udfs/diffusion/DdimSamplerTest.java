package com.synthscope.udfs.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DdimSamplerTest {

  private static final NoiseSchedule HAND =
      NoiseSchedule.linear(5, 0.1, 0.5); // abar .9 .72 .504 .3024 .1512

  @Test
  void uniformTimesteps() {
    NoiseSchedule s = NoiseSchedule.linear(1000);
    int[] fifty = new DdimSampler(s, 50).timesteps();
    assertEquals(50, fifty.length);
    for (int i = 0; i < 50; i++) {
      assertEquals(20 * i, fifty[i]);
    }
    assertArrayEquals(new int[] {0}, new DdimSampler(s, 1).timesteps());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, new DdimSampler(HAND, 5).timesteps());
    assertArrayEquals(new int[] {0, 2}, new DdimSampler(HAND, 2).timesteps());
    int[] k21 = new DdimSampler(s, 21).timesteps(); // floor(1000/21) = 47: always exactly K entries
    assertEquals(21, k21.length);
    assertEquals(940, k21[20]);
    assertArrayEquals(new int[] {0, 7, 500}, new DdimSampler(s, new int[] {0, 7, 500}).timesteps());
    assertThrows(IllegalArgumentException.class, () -> new DdimSampler(s, 0));
    assertThrows(IllegalArgumentException.class, () -> new DdimSampler(s, 1001));
    assertThrows(IllegalArgumentException.class, () -> new DdimSampler(s, new int[] {0, 5, 5}));
    assertThrows(IllegalArgumentException.class, () -> new DdimSampler(s, new int[] {0, 1000}));
    assertThrows(IllegalArgumentException.class, () -> new DdimSampler(s, new int[0]));
  }

  /**
   * Two steps by hand, T = 5, timesteps {0, 2}, eps = 0.5 x, x_T = 1: t=2: x0_hat = (1 - sqrt(.496)
   * 0.5)/sqrt(.504), x = sqrt(.9) x0_hat + sqrt(.1) 0.5; t=0: x0_hat = (x - sqrt(.1) 0.5
   * x)/sqrt(.9) = 0.9085982, returned.
   */
  @Test
  void twoStepsByHand() {
    List<int[]> seen = new ArrayList<>();
    NoisePredictor half = Oracles.linear(0.5);
    NoisePredictor recording =
        (x, n, t) -> {
          seen.add(t.clone());
          return half.predictNoise(x, n, t);
        };
    float[] out = new DdimSampler(HAND, 2).sample(recording, new float[] {1f, 1f}, 2, false);
    assertArrayEquals(new float[] {0.9085982f, 0.9085982f}, out, 1e-6f);
    assertEquals(2, seen.size());
    assertArrayEquals(new int[] {2, 2}, seen.get(0));
    assertArrayEquals(new int[] {0, 0}, seen.get(1));
  }

  /**
   * eta = 1 over all T timesteps is DDPM's ancestral step: sqrt(1 - abar_prev - sigma^2) / sqrt(1 -
   * abar_t) = sqrt(alpha_t) (1 - abar_prev) / (1 - abar_t) when sigma^2 is the posterior variance,
   * and both draw the step at t from stream t of the seeds. So the two samplers agree (up to
   * rounding), with and without clipping, for any predictor.
   */
  @Test
  void etaOneOverEveryTimestepIsDdpm() {
    NoiseSchedule s = NoiseSchedule.linear(40);
    NoisePredictor eps = Oracles.linear(0.3);
    long[] seeds = {7, 8, 9};
    for (boolean clip : new boolean[] {false, true}) {
      float[] ddpm = new DdpmSampler(s).sample(eps, seeds, 64, clip);
      float[] ddim = new DdimSampler(s, 40, 1.0).sample(eps, seeds, 64, clip);
      assertArrayEquals(ddpm, ddim, 2e-4f);
    }
  }

  /**
   * eta > 0 draws fresh noise at every step but the last, from the seeds: a sample differs from the
   * deterministic one, repeats exactly for the same seed in any batch, and eta = 0 through the
   * three-argument constructor is the deterministic sampler, bit for bit.
   */
  @Test
  void stochasticSamplesDependOnTheirSeedAlone() {
    NoiseSchedule s = NoiseSchedule.cosine(1000);
    NoisePredictor eps = Oracles.linear(0.2);
    float[] deterministic = new DdimSampler(s, 10).sample(eps, new long[] {3, 4}, 16, true);
    assertArrayEquals(
        deterministic, new DdimSampler(s, 10, 0).sample(eps, new long[] {3, 4}, 16, true));
    float[] both = new DdimSampler(s, 10, 1).sample(eps, new long[] {3, 4}, 16, true);
    float[] alone = new DdimSampler(s, 10, 1).sample(eps, new long[] {4}, 16, true);
    assertArrayEquals(alone, Arrays.copyOfRange(both, 16, 32));
    assertTrue(!Arrays.equals(deterministic, both));
    float[] half = new DdimSampler(s, 10, 0.5).sample(eps, new long[] {3, 4}, 16, true);
    assertTrue(!Arrays.equals(half, both) && !Arrays.equals(half, deterministic));
    assertThrows(IllegalArgumentException.class, () -> new DdimSampler(s, 10, 1.5));
    assertThrows(IllegalArgumentException.class, () -> new DdimSampler(s, 10, -0.1));
    assertThrows(
        IllegalStateException.class,
        () -> new DdimSampler(s, 10, 1).sample(eps, new float[16], 1, true));
  }

  /** With eps = 0 and one step the result is x_T / sqrt(abar_0); clipping bounds it to [-1, 1]. */
  @Test
  void clipX0() {
    DdimSampler one = new DdimSampler(HAND, 1);
    NoisePredictor zero = (x, n, t) -> new float[x.length];
    float[] xT = {2f, -0.5f, -3f};
    float s = (float) Math.sqrt(0.9);
    assertArrayEquals(
        new float[] {2f / s, -0.5f / s, -3f / s}, one.sample(zero, xT, 3, false), 1e-6f);
    assertArrayEquals(new float[] {1f, -0.5f / s, -1f}, one.sample(zero, xT, 3, true), 1e-6f);
  }

  /**
   * The oracle makes x0_hat = x0 at every step and the last step returns x0_hat, so any x_T gives
   * x0. Error: the oracle's eps is rounded to float (relative 2^-24) and the last step (t = 0)
   * divides its sqrt(1 - abar) eps term by sqrt(abar_0) ~ 1: well under 1e-5 for |x_T| < 6.
   */
  @Test
  void oracleReconstructsX0FromAnyStart() {
    SplittableRandom r = new SplittableRandom(11);
    int n = 6;
    int size = 2 * 3 * 3;
    float[] x0 = new float[n * size];
    for (int j = 0; j < x0.length; j++) {
      x0[j] = (float) (2 * r.nextDouble() - 1);
    }
    for (NoiseSchedule s :
        new NoiseSchedule[] {NoiseSchedule.linear(1000), NoiseSchedule.cosine(1000)}) {
      for (int k : new int[] {1, 2, 10, 50, 1000}) {
        DdimSampler ddim = new DdimSampler(s, k);
        float[] xT = SampleNoise.gaussian(new long[] {1, 2, 3, 4, 5, k}, size, 0);
        assertArrayEquals(
            x0, ddim.sample(Oracles.oracle(s, x0), xT, n, false), 1e-5f, s + " K=" + k);
        assertArrayEquals(
            x0, ddim.sample(Oracles.oracle(s, x0), xT, n, true), 1e-5f, s + " K=" + k);
        float[] scaled = xT.clone();
        for (int j = 0; j < scaled.length; j++) {
          scaled[j] *= 3;
        }
        assertArrayEquals(
            x0, ddim.sample(Oracles.oracle(s, x0), scaled, n, false), 1e-5f, s + " K=" + k);
      }
    }
  }

  @Test
  void seedsGiveStream0AsStart() {
    DdimSampler ddim = new DdimSampler(NoiseSchedule.linear(1000), 10);
    NoisePredictor p = Oracles.linear(0.3);
    long[] seeds = {9, 10};
    float[] fromSeeds = ddim.sample(p, seeds, 8, false);
    assertArrayEquals(ddim.sample(p, SampleNoise.gaussian(seeds, 8, 0), 2, false), fromSeeds, 0f);
    // per-sample: batching does not change a sample (the predictor acts per sample)
    assertArrayEquals(
        Arrays.copyOfRange(fromSeeds, 8, 16), ddim.sample(p, new long[] {10}, 8, false), 0f);
  }

  /**
   * With an eps that depends on nothing but the sample (constant c), every move keeps x0_hat, so
   * inversion ends at sqrt(abar(t_{K-1})) x0 + sqrt(1 - abar(t_{K-1})) c (= qSample) and sampling
   * from there returns x0. The float rounding of x_T (relative 2^-24, |x_T| < 5) is magnified by
   * 1/sqrt(abar(t_{K-1})) when sampling back; the tolerance is that bound times 4.
   */
  @Test
  void inversionThenSamplingReturnsTheStartForAConstantEps() {
    SplittableRandom r = new SplittableRandom(5);
    int n = 3;
    int size = 10;
    float[] x0 = new float[n * size];
    float[] c = new float[n * size];
    for (int j = 0; j < x0.length; j++) {
      x0[j] = (float) (2 * r.nextDouble() - 1);
      c[j] = (float) ForwardProcessTest.gaussian(r);
    }
    for (NoiseSchedule s :
        new NoiseSchedule[] {NoiseSchedule.linear(1000), NoiseSchedule.cosine(1000), HAND}) {
      for (int k : new int[] {1, 2, 5, 20, 50}) {
        if (k > s.steps()) {
          continue;
        }
        DdimSampler ddim = new DdimSampler(s, k);
        int[] ts = ddim.timesteps();
        DdimSampler.Inversion inv = ddim.invert(Oracles.constant(c), x0, n);
        int[] last = new int[n];
        Arrays.fill(last, ts[k - 1]);
        assertArrayEquals(
            ForwardProcess.qSample(s, x0, c, n, last), inv.xT(), 1e-5f, s + " K=" + k);
        assertEquals(k, inv.eps().size());
        assertArrayEquals(c, inv.firstEps(), 0f);
        assertArrayEquals(c, inv.lastEps(), 0f);
        assertArrayEquals(c, inv.meanEps(), 1e-6f);
        float tol = (float) (4 * 5 * 0x1p-24 / Math.sqrt(s.alphaBar(ts[k - 1])));
        assertArrayEquals(
            x0, ddim.sample(Oracles.constant(c), inv.xT(), n, false), tol, s + " K=" + k);
      }
    }
  }

  /**
   * Inversion by hand, T = 5, timesteps {0, 2}, eps = 0.5 x, x0 = 1: eps_0 = 0.5 (on x0, at t=0), x
   * = sqrt(.9) + sqrt(.1) 0.5; eps_1 = 0.5 x = 0.5533986 (at t=2), x0_hat = (x - sqrt(.1)
   * eps_1)/sqrt(.9), x_T = sqrt(.504) x0_hat + sqrt(.496) eps_1.
   */
  @Test
  void inversionByHand() {
    List<float[]> inputs = new ArrayList<>();
    List<int[]> times = new ArrayList<>();
    NoisePredictor half = Oracles.linear(0.5);
    NoisePredictor recording =
        (x, n, t) -> {
          inputs.add(x.clone());
          times.add(t.clone());
          return half.predictNoise(x, n, t);
        };
    DdimSampler.Inversion inv = new DdimSampler(HAND, 2).invert(recording, new float[] {1f}, 1);
    assertArrayEquals(new float[] {1.0870367f}, inv.xT(), 1e-6f);
    assertArrayEquals(new float[] {0.5f}, inv.firstEps(), 1e-7f);
    assertArrayEquals(new float[] {0.5533986f}, inv.lastEps(), 1e-6f);
    assertArrayEquals(new float[] {0.5266993f}, inv.meanEps(), 1e-6f);
    assertArrayEquals(
        new float[] {1f}, inputs.get(0), 0f); // first eps is eps(x0, t_0): DNF's t0 feature
    assertArrayEquals(new int[] {0}, times.get(0));
    assertArrayEquals(new int[] {2}, times.get(1));
  }

  /**
   * Timestep-dependent eps: first/last/mean pick eps at t_0, t_{K-1} and the average over the K
   * timesteps.
   */
  @Test
  void epsAccessors() {
    NoisePredictor byTime =
        (x, n, t) -> {
          float[] e = new float[x.length];
          int size = x.length / n;
          for (int j = 0; j < e.length; j++) {
            e[j] = t[j / size] / 1000f + j;
          }
          return e;
        };
    DdimSampler ddim = new DdimSampler(NoiseSchedule.linear(1000), 4); // 0, 250, 500, 750
    DdimSampler.Inversion inv = ddim.invert(byTime, new float[4], 2);
    assertArrayEquals(new float[] {0f, 1f, 2f, 3f}, inv.firstEps(), 0f);
    assertArrayEquals(new float[] {0.75f, 1.75f, 2.75f, 3.75f}, inv.lastEps(), 1e-6f);
    assertArrayEquals(new float[] {0.375f, 1.375f, 2.375f, 3.375f}, inv.meanEps(), 1e-6f);
    assertThrows(UnsupportedOperationException.class, () -> inv.eps().add(new float[4]));
    inv.firstEps()[0] = 42f;
    assertEquals(0f, inv.firstEps()[0]);
  }

  /**
   * A predictor that reuses its output buffer (as a network wrapper may) must not corrupt the
   * stored eps.
   */
  @Test
  void inversionCopiesEps() {
    float[] buffer = new float[2];
    int[] calls = {0};
    NoisePredictor reusing =
        (x, n, t) -> {
          Arrays.fill(buffer, ++calls[0]);
          return buffer;
        };
    DdimSampler.Inversion inv =
        new DdimSampler(NoiseSchedule.linear(100), 3).invert(reusing, new float[2], 1);
    assertArrayEquals(new float[] {1f, 1f}, inv.firstEps(), 0f);
    assertArrayEquals(new float[] {3f, 3f}, inv.lastEps(), 0f);
    assertArrayEquals(new float[] {2f, 2f}, inv.meanEps(), 0f);
  }

  @Test
  void rejectsBadShapes() {
    DdimSampler ddim = new DdimSampler(HAND, 2);
    assertThrows(
        IllegalArgumentException.class,
        () -> ddim.sample(Oracles.linear(1), new float[5], 2, false));
    assertThrows(
        IllegalArgumentException.class, () -> ddim.invert(Oracles.linear(1), new float[4], 0));
    assertThrows(
        IllegalStateException.class,
        () -> ddim.sample((x, n, t) -> new float[1], new float[4], 2, false));
    assertThrows(
        IllegalArgumentException.class,
        () -> ddim.sample(Oracles.linear(1), new long[0], 4, false));
    assertTrue(ddim.timesteps() != ddim.timesteps());
  }
}
