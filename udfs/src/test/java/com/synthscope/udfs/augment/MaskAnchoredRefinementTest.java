package com.synthscope.udfs.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.diffusion.MultiDiffusion;
import com.synthscope.udfs.diffusion.NoisePredictor;
import com.synthscope.udfs.diffusion.NoiseSchedule;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MaskAnchoredRefinementTest {

  private static final int CLASSES = 3;
  private static final int SIDE = 8;
  private static final int PIXELS = SIDE * SIDE;
  private static final int PER = (1 + CLASSES) * PIXELS;
  private static final NoiseSchedule SCHEDULE = NoiseSchedule.cosine(1000);

  /**
   * A "network" that has learned one thing about images: they are bright (+1) where the mask says
   * class 2 and dark (-1) elsewhere. It reads class 2 from the noisy mask channel of x_t.
   */
  private static final NoisePredictor IMAGE_FOLLOWS_CLASS_2 =
      (x, n, t) -> {
        float[] eps = new float[x.length];
        for (int i = 0; i < n; i++) {
          double abar = SCHEDULE.alphaBar(t[i]);
          double s = Math.sqrt(abar);
          double q = Math.sqrt(1 - abar);
          for (int p = 0; p < PIXELS; p++) {
            int grey = i * PER + p;
            double greyX0 = x[i * PER + (1 + 2) * PIXELS + p] > 0 ? 1 : -1;
            eps[grey] = (float) ((x[grey] - s * greyX0) / q);
          }
          // the mask channels' noise is left at 0: the refinement must replace it
        }
        return eps;
      };

  /** A finished sample: grey 0 everywhere, a soft mask with class 2 on a 4 x 4 square. */
  private static float[] finished() {
    float[] x0 = new float[PER];
    for (int p = 0; p < PIXELS; p++) {
      boolean square = p / SIDE >= 2 && p / SIDE < 6 && p % SIDE >= 2 && p % SIDE < 6;
      x0[PIXELS + p] = square ? -0.4f : 0.3f; // class 0
      x0[2 * PIXELS + p] = -0.8f; // class 1
      x0[3 * PIXELS + p] = square ? 0.2f : -0.5f; // class 2
    }
    return x0;
  }

  @Test
  void theImageIsReformedAroundTheFinishedMaskWhichComesBackUnchanged() {
    float[] x0 = finished();
    byte[] before = PhaseFractions.argmaxMask(x0, CLASSES, SIDE, SIDE, 1);
    int[] timesteps = SamplerSpec.parse("ddim:50").timestepsUpTo(SCHEDULE, 0.5);
    float[] refined =
        new MaskAnchoredRefinement(SCHEDULE, timesteps, CLASSES, SIDE)
            .refine(IMAGE_FOLLOWS_CLASS_2, x0, new long[] {3});

    assertArrayEquals(before, PhaseFractions.argmaxMask(refined, CLASSES, SIDE, SIDE, 1));
    for (int c = 0; c < CLASSES; c++) {
      for (int p = 0; p < PIXELS; p++) {
        assertEquals(
            before[p] == c ? 1f : -1f,
            refined[(1 + c) * PIXELS + p],
            0f,
            "the mask comes back as exact one-hot channels");
      }
    }
    for (int p = 0; p < PIXELS; p++) {
      assertEquals(
          before[p] == 2 ? 1f : -1f,
          refined[p],
          1e-3f,
          "pixel " + p + ": the image now shows the mask's class 2 (it was grey 0)");
    }
  }

  @Test
  void aPairDependsOnlyOnItsOwnSeedAndTheSeedChangesTheStartingNoise() {
    NoisePredictor keepsNoise = (x, n, t) -> new float[x.length]; // x0 = x_t / sqrt(abar)
    int[] timesteps = SamplerSpec.parse("ddim:10").timestepsUpTo(SCHEDULE, 0.3);
    MaskAnchoredRefinement r = new MaskAnchoredRefinement(SCHEDULE, timesteps, CLASSES, SIDE);
    float[] one = r.refine(keepsNoise, finished(), new long[] {5});
    float[] two = finished();
    two = Arrays.copyOf(two, 2 * PER);
    System.arraycopy(finished(), 0, two, PER, PER);
    float[] both = r.refine(keepsNoise, two, new long[] {9, 5});
    assertArrayEquals(one, Arrays.copyOfRange(both, PER, 2 * PER));
    assertTrue(
        !Arrays.equals(
            Arrays.copyOfRange(both, 0, PIXELS), Arrays.copyOfRange(both, PER, PER + PIXELS)),
        "another seed re-noises the image differently");
  }

  @Test
  void theSamplersStepsUpToTheLevelAreTheRefinementsSteps() {
    assertArrayEquals(
        java.util.stream.IntStream.rangeClosed(0, 25).map(i -> 20 * i).toArray(),
        SamplerSpec.parse("ddim:50").timestepsUpTo(SCHEDULE, 0.5));
    assertEquals(101, SamplerSpec.parse("ddpm").timestepsUpTo(SCHEDULE, 0.1).length);
    assertEquals(0, SamplerSpec.parse("ddim:2").timestepsUpTo(SCHEDULE, 0.4)[0]);
  }

  @Test
  void theLevelMustLieInZeroToOne() {
    SamplerSpec ddim = SamplerSpec.parse("ddim:4");
    for (float bad : new float[] {-0.1f, 1f, Float.NaN}) {
      assertThrows(
          IllegalArgumentException.class,
          () ->
              new PfDiffSegGenerator.Settings(
                  ddim,
                  1f,
                  0,
                  0,
                  MultiDiffusion.Weighting.GAUSSIAN,
                  1f,
                  SteeringSchedule.DEFAULT,
                  bad),
          "level " + bad);
    }
  }
}
