package com.synthscope.udfs.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DetectionMetricsTest {

  @Test
  void perfectRankingHasApOneWhateverTheThreshold() {
    DetectionMetrics m =
        DetectionMetrics.of(new double[] {0.1, 0.2, 0.3, 0.4}, new int[] {0, 0, 1, 1});
    assertEquals(1.0, m.averagePrecision(), 1e-12);
    // threshold 0.5: both fakes (0.3, 0.4) are missed, both reals right
    assertEquals(0.5, m.accuracy(), 1e-12);
    assertEquals(1.0, m.realAccuracy(), 1e-12);
    assertEquals(0.0, m.fakeAccuracy(), 1e-12);
  }

  @Test
  void averagePrecisionByHand() {
    // ranking: 0.9 (1), 0.8 (0), 0.7 (1), 0.1 (0) -> precision at each positive: 1/1, 2/3; recall
    // steps 1/2 each
    double ap =
        DetectionMetrics.averagePrecision(
            new double[] {0.9, 0.8, 0.7, 0.1}, new int[] {1, 0, 1, 0});
    assertEquals(0.5 * 1 + 0.5 * (2.0 / 3), ap, 1e-12);
  }

  @Test
  void tiedScoresEnterTogether() {
    // all four tied: one threshold, recall 1, precision 2/4
    assertEquals(
        0.5,
        DetectionMetrics.averagePrecision(
            new double[] {0.5, 0.5, 0.5, 0.5}, new int[] {1, 0, 1, 0}),
        1e-12);
    // 0.9 (1), then tie 0.6 {1, 0}: (1/2)*1 + (1/2)*(2/3)
    assertEquals(
        0.5 + 1.0 / 3,
        DetectionMetrics.averagePrecision(new double[] {0.9, 0.6, 0.6}, new int[] {1, 1, 0}),
        1e-12);
  }

  @Test
  void accuraciesPerClassAtThreshold() {
    DetectionMetrics m =
        DetectionMetrics.of(new double[] {0.6, 0.4, 0.5, 0.2, 0.9}, new int[] {0, 0, 1, 1, 1});
    assertEquals(2, m.real());
    assertEquals(3, m.fake());
    assertEquals(0.5, m.realAccuracy(), 1e-12); // 0.4 right, 0.6 wrong
    assertEquals(2.0 / 3, m.fakeAccuracy(), 1e-12); // 0.5 counts as generated, 0.2 missed
    assertEquals(3.0 / 5, m.accuracy(), 1e-12);
  }

  @Test
  void noPositivesGivesNanApAndBadInputIsRefused() {
    assertTrue(
        Double.isNaN(DetectionMetrics.of(new double[] {0.1}, new int[] {0}).averagePrecision()));
    assertThrows(
        IllegalArgumentException.class,
        () -> DetectionMetrics.of(new double[] {0.1}, new int[] {2}));
    assertThrows(
        IllegalArgumentException.class,
        () -> DetectionMetrics.of(new double[] {0.1, 0.2}, new int[] {0}));
  }

  @Test
  void aurocByHand() {
    // pairs (fake, real): fakes 0.9, 0.7; reals 0.8, 0.1 -> (0.9>0.8) (0.9>0.1) (0.7<0.8)
    // (0.7>0.1): 3 of 4
    assertEquals(
        0.75,
        DetectionMetrics.auroc(new double[] {0.9, 0.8, 0.7, 0.1}, new int[] {1, 0, 1, 0}),
        1e-12);
    // a tie between a fake and a real counts one half: fake 0.6 vs reals 0.6, 0.2 -> (0.5 + 1) / 2
    assertEquals(
        0.75, DetectionMetrics.auroc(new double[] {0.6, 0.6, 0.2}, new int[] {1, 0, 0}), 1e-12);
    // perfect ranking, and reversed
    assertEquals(
        1.0,
        DetectionMetrics.of(new double[] {0.1, 0.2, 0.3, 0.4}, new int[] {0, 0, 1, 1}).auroc(),
        1e-12);
    assertEquals(
        0.0,
        DetectionMetrics.auroc(new double[] {0.9, 0.8, 0.1, 0.2}, new int[] {0, 0, 1, 1}),
        1e-12);
    // all tied: chance
    assertEquals(
        0.5,
        DetectionMetrics.auroc(new double[] {0.5, 0.5, 0.5, 0.5}, new int[] {1, 0, 1, 0}),
        1e-12);
  }

  @Test
  void aurocNeedsBothClasses() {
    assertTrue(Double.isNaN(DetectionMetrics.auroc(new double[] {0.1, 0.2}, new int[] {1, 1})));
    assertTrue(Double.isNaN(DetectionMetrics.of(new double[] {0.1}, new int[] {0}).auroc()));
  }
}
