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
    double plain = rareShareOf(new PfDiffSegBatches(train, SIZE, GreyRange.PLAIN, 0), batch);
    double boosted = rareShareOf(new PfDiffSegBatches(train, SIZE, GreyRange.PLAIN, 0.5), batch);
    assertTrue(plain < 0.25, "random crops seldom hold the rare phases: " + plain);
    assertTrue(
        boosted > plain + 0.3, "half the crops redrawn for them: " + boosted + " vs " + plain);

    // share 0 draws exactly what the constructor without the option draws
    var a = new PfDiffSegBatches(train, SIZE).next(new SplittableRandom(4), 8);
    var b = new PfDiffSegBatches(train, SIZE, GreyRange.PLAIN, 0).next(new SplittableRandom(4), 8);
    assertArrayEquals(a.x0(), b.x0());
    assertArrayEquals(a.conditions(), b.conditions());
    assertThrows(
        IllegalArgumentException.class,
        () -> new PfDiffSegBatches(train, SIZE, GreyRange.PLAIN, 1));
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
