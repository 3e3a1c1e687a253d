package com.synthscope.udfs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.image.GreyRange;
import com.synthscope.udfs.testing.SharedSpark;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Training batches of PF-DiffSeg from the real MetalDAM training split. */
class PfDiffSegBatchesTest {

  private static final int SIZE = 32;
  private static List<LabelledMicrograph> train;

  @BeforeAll
  static void load() throws Exception {
    train = MetalDam.loadDownscaled(SharedSpark.metalDam(), Split.TRAIN, 0.25);
  }

  @Test
  void rareCropsHoldPrecipitateOrDefectFarMoreOftenAndPlainRunsDrawAsBefore() {
    int batch = 256;
    double plain = rareShareOf(new PfDiffSegBatches(train, SIZE, GreyRange.PLAIN, 0, 1), batch);
    double boosted = rareShareOf(new PfDiffSegBatches(train, SIZE, GreyRange.PLAIN, 0.5, 1), batch);
    assertTrue(plain < 0.25, "random crops seldom hold the rare phases: " + plain);
    assertTrue(
        boosted > plain + 0.3, "half the crops redrawn for them: " + boosted + " vs " + plain);

    // share 0 draws exactly what the constructor without the option draws
    var a = new PfDiffSegBatches(train, SIZE).next(new SplittableRandom(4), 8);
    var b =
        new PfDiffSegBatches(train, SIZE, GreyRange.PLAIN, 0, 1).next(new SplittableRandom(4), 8);
    assertArrayEquals(a.x0(), b.x0());
    assertArrayEquals(a.conditions(), b.conditions());
    assertThrows(
        IllegalArgumentException.class,
        () -> new PfDiffSegBatches(train, SIZE, GreyRange.PLAIN, 1, 1));
  }

  @Test
  void rarePhasePixelsOfTheImageChannelWeighMoreAndOthersWeighOne() {
    int n = 64;
    var plain = new PfDiffSegBatches(train, SIZE, GreyRange.PLAIN, 0.5, 1).next(rng(), n);
    var weighted = new PfDiffSegBatches(train, SIZE, GreyRange.PLAIN, 0.5, 4).next(rng(), n);
    assertEquals(0, plain.firstChannelPixelWeights().length, "weight 1: no pixel weights");
    assertArrayEquals(plain.x0(), weighted.x0(), "the weight does not change the crops");

    int pixels = SIZE * SIZE;
    int per = weighted.x0().length / n;
    float[] w = weighted.firstChannelPixelWeights();
    assertEquals(n * pixels, w.length);
    int heavy = 0;
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < pixels; k++) {
        // the one-hot mask channels follow the image channel: class c at channel 1 + c
        boolean rare = false;
        for (int c = PfDiffSegBatches.RARE_FIRST_CLASS; c < MetalDam.CLASSES; c++) {
          rare |= weighted.x0()[i * per + (1 + c) * pixels + k] > 0;
        }
        assertEquals(rare ? 4f : 1f, w[i * pixels + k], "crop " + i + " pixel " + k);
        heavy += rare ? 1 : 0;
      }
    }
    assertTrue(heavy > 0, "rare crops hold rare pixels");
    assertThrows(
        IllegalArgumentException.class,
        () -> new PfDiffSegBatches(train, SIZE, GreyRange.PLAIN, 0, 0.5f));
  }

  private static SplittableRandom rng() {
    return new SplittableRandom(21);
  }

  /** The share of a batch's crops whose conditions give precipitate + defect at least 1 %. */
  private static double rareShareOf(PfDiffSegBatches batches, int n) {
    var batch = batches.next(new SplittableRandom(11), n);
    int classes = batches.conditionDim();
    int rare = 0;
    for (int i = 0; i < n; i++) {
      float cover = 0;
      for (int c = PfDiffSegBatches.RARE_FIRST_CLASS; c < classes; c++) {
        cover += batch.conditions()[i * classes + c];
      }
      rare += cover >= PfDiffSegBatches.RARE_MIN_SHARE ? 1 : 0;
    }
    assertEquals(n, batch.n());
    return (double) rare / n;
  }
}
