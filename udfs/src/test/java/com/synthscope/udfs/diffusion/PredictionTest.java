package com.synthscope.udfs.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PredictionTest {

  private static final NoiseSchedule COSINE = NoiseSchedule.cosine(1000);

  @Test
  void theNoiseReadFromAPerfectVEqualsTheNoiseThatWasAdded() {
    SplittableRandom rng = new SplittableRandom(7);
    int n = 3;
    int per = 50;
    int[] t = {0, 480, 980};
    float[] x0 = new float[n * per];
    float[] noise = new float[n * per];
    for (int j = 0; j < x0.length; j++) {
      x0[j] = (float) (2 * rng.nextDouble() - 1);
      noise[j] = (float) rng.nextGaussian();
    }
    float[] xt = ForwardProcess.qSample(COSINE, x0, noise, n, t);
    float[] v = new float[x0.length];
    for (int i = 0; i < n; i++) {
      Prediction.V.target(x0, noise, COSINE.alphaBar(t[i]), i * per, (i + 1) * per, v);
    }
    // at t = 980 v is almost -x0: the target carries the clean image, not the noise
    double s = Math.sqrt(COSINE.alphaBar(980));
    assertEquals(-Math.sqrt(1 - s * s) * x0[2 * per], v[2 * per] - s * noise[2 * per], 1e-6);

    float[] read = Prediction.V.toNoise(v.clone(), xt, n, t, COSINE);
    assertArrayEquals(noise, read, 2e-5f);
  }

  @Test
  void aNoiseModelsOutputIsItsOwnTargetAndPassesThroughUnchanged() {
    float[] x0 = {0.5f, -0.5f};
    float[] noise = {1f, 2f};
    float[] target = new float[2];
    Prediction.EPS.target(x0, noise, 0.3, 0, 2, target);
    assertArrayEquals(noise, target);
    float[] out = {3f, 4f};
    assertSame(out, Prediction.EPS.toNoise(out, new float[2], 1, new int[] {5}, COSINE));
    assertArrayEquals(new float[] {3f, 4f}, out);
  }

  @Test
  void manifestsWithoutTheKeyPredictTheNoiseAndUnknownTargetsAreRefused() {
    assertEquals(Prediction.EPS, Prediction.ofPreprocessing(Map.of("size", 32)));
    assertEquals(Prediction.EPS, Prediction.ofPreprocessing(null));
    assertEquals(Prediction.V, Prediction.ofPreprocessing(Map.of(Prediction.KEY, "v")));
    assertEquals(Prediction.V, Prediction.parse(" V "));
    assertThrows(IllegalArgumentException.class, () -> Prediction.parse("x0"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Prediction.ofPreprocessing(Map.of(Prediction.KEY, "sample")));
  }
}
