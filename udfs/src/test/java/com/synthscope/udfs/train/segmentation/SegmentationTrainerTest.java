package com.synthscope.udfs.train.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.nets.SegUNet;
import com.synthscope.udfs.nets.SegUNetConfig;
import com.synthscope.udfs.testing.SharedSpark;
import com.synthscope.udfs.train.LabelledMicrograph;
import com.synthscope.udfs.train.MetalDam;
import com.synthscope.udfs.train.Split;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Short real training runs of the segmentation UNet on MetalDAM crops (real DJL engine, real data).
 */
class SegmentationTrainerTest {

  private static final SegUNetConfig TINY =
      new SegUNetConfig(1, MetalDam.CLASSES, 8, List.of(1, 2), 1);
  private static List<LabelledMicrograph> train;

  @BeforeAll
  static void data() throws Exception {
    train = MetalDam.loadDownscaled(SharedSpark.metalDam(), Split.TRAIN, 0.125);
  }

  private static SegmentationRecipe recipe(int steps, long seed) {
    return new SegmentationRecipe(16, 0.125, steps, 8, 3e-3f, seed, 0, 10, 8, null);
  }

  private static double[] losses(SegmentationRecipe recipe, double[] checksum) {
    SegmentationBatches batches =
        new SegmentationBatches(train, List.of(), recipe.size(), recipe.batch(), 0);
    try (SegmentationTrainer t = new SegmentationTrainer(recipe, new SegUNet(TINY), batches)) {
      double[] losses = new double[recipe.steps()];
      for (int s = 0; s < losses.length; s++) {
        losses[s] = t.step(s);
      }
      checksum[0] = t.weightChecksum();
      return losses;
    }
  }

  @Test
  void theLossFallsInAShortRun() {
    double[] losses = losses(recipe(60, 3), new double[1]);
    double early = Arrays.stream(losses, 0, 10).average().orElseThrow();
    double late = Arrays.stream(losses, 50, 60).average().orElseThrow();
    assertTrue(early > 1.0, "cross-entropy over 5 classes starts near ln 5: " + early);
    assertTrue(late < 0.8 * early, "loss " + early + " -> " + late);
  }

  @Test
  void theSameSeedGivesTheSameLossesAndWeights() {
    double[] c1 = new double[1];
    double[] c2 = new double[1];
    double[] c3 = new double[1];
    double[] a = losses(recipe(6, 7), c1);
    double[] b = losses(recipe(6, 7), c2);
    double[] c = losses(recipe(6, 8), c3);
    assertArrayEquals(a, b, 0.0);
    assertEquals(c1[0], c2[0], 0.0);
    assertNotEquals(a[0], c[0], "another seed, other weights and crops");
  }

  @Test
  void evaluationScoresEveryLabelPixelAndSnapshotsRestore() throws Exception {
    List<LabelledMicrograph> full = List.of(MetalDam.load(SharedSpark.metalDam(), 1));
    List<LabelledMicrograph> input = List.of(MetalDam.downscale(full.get(0), 0.125));
    SegmentationRecipe r = recipe(3, 1);
    SegmentationBatches batches = new SegmentationBatches(train, List.of(), r.size(), r.batch(), 0);
    try (SegmentationTrainer t = new SegmentationTrainer(r, new SegUNet(TINY), batches)) {
      var before = t.snapshot();
      ConfusionMatrix first = t.evaluate(input, full);
      assertEquals(full.get(0).area(), first.total(), "scored at full label resolution");
      t.step(0);
      t.step(1);
      t.restore(before);
      ConfusionMatrix again = t.evaluate(input, full);
      for (int i = 0; i < MetalDam.CLASSES; i++) {
        for (int j = 0; j < MetalDam.CLASSES; j++) {
          assertEquals(first.count(i, j), again.count(i, j), "restored weights predict as before");
        }
      }
    }
  }
}
