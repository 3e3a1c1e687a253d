package com.synthscope.udfs.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.image.ColorMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Contract, aggregation, calibration, fusion and domain check: the records the whole-image path
 * runs on.
 */
class OperatingPointsTest {

  @Test
  void aContractRoundTripsThroughTheManifestMapAndRefusesNonsense() {
    DetectorContract c = DetectorContract.MICROGRAPH_TILES;
    assertEquals(c, DetectorContract.fromMap(c.toMap()));
    assertEquals("tiles of 32 px at scale 0.25, grey", c.describe());
    DetectorContract w = DetectorContract.whole(32, ColorMode.RGB);
    assertEquals(w, DetectorContract.fromMap(w.toMap()));
    assertEquals(0.5, c.withScale(0.5).scale());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            DetectorContract.fromMap(
                Map.of("kind", "strips", "size", 32, "scale", 0.25, "colour", "grey")));
    assertThrows(
        IllegalArgumentException.class,
        () -> new DetectorContract(DetectorContract.Kind.TILES, 32, 0, ColorMode.GREY));
  }

  @Test
  void tileLogitsAggregateByTheThreeRules() {
    double[] l = {-2, -1, 0, 1, 2, 6, -4, 0};
    assertEquals(0.25, TileAggregation.MEAN_LOGIT.aggregate(l), 1e-12);
    assertEquals(6, TileAggregation.MAX.aggregate(l), 0);
    assertEquals(
        4, TileAggregation.TOP_QUARTER_MEAN.aggregate(l), 1e-12); // the highest 2 of 8: 6 and 2
    assertEquals(TileAggregation.TOP_QUARTER_MEAN, TileAggregation.parse("top-quarter-mean"));
  }

  @Test
  void theThresholdKeepsTheFalsePositiveRateAtOrBelowTheTarget() {
    double[] real = new double[200];
    for (int i = 0; i < real.length; i++) {
      real[i] = (i + 0.5) / 200; // 0.0025 .. 0.9975
    }
    double[] fake = {0.5, 0.99, 0.999, 0.9999};
    Calibration c = Calibration.fit(0.01, real, fake, "test");
    // 2 of 200 may lie above: the threshold sits above the third highest real (0.9875), in the
    // middle of the gap
    // up to the next probability (the generated 0.99), so a rescored real image does not cross it
    // by rounding
    assertEquals(0.98875, c.threshold(), 1e-12);
    assertEquals(0.01, c.fpr(), 1e-12);
    assertEquals(0.75, c.tpr(), 1e-12);
    assertEquals(c, Calibration.fromMap(c.toMap()));
    // ties never push the rate over the target
    Calibration tied =
        Calibration.fit(0.01, new double[] {0.7, 0.7, 0.7, 0.1}, new double[0], "ties");
    assertEquals(0, tied.fpr(), 0);
    assertEquals(0.85, tied.threshold(), 1e-12, "nothing above the highest real: half way to 1");
    // the lowest generated image one ulp above the highest real is still flagged
    double p = 0.3;
    Calibration tight =
        Calibration.fit(0.01, new double[] {p, 0.1}, new double[] {Math.nextUp(p)}, "ulp");
    assertEquals(0, tight.fpr(), 0);
    assertEquals(1, tight.tpr(), 0);
  }

  @Test
  void theBalancedRuleMaximisesBalancedAccuracyAndRoundTrips() {
    // real spread over [0, 0.6), generated over [0.4, 1): the best cut lies in the overlap, not at
    // 0.5 by luck
    double[] real = new double[100];
    double[] fake = new double[100];
    for (int i = 0; i < 100; i++) {
      real[i] = 0.6 * i / 100;
      fake[i] =
          0.4
              + 0.6 * i / 100
              + (i < 50 ? 0.2 : 0); // the lower half pushed up: fewer fakes below 0.6
    }
    Calibration c = Calibration.fit("balanced", real, fake, "test");
    assertEquals(Calibration.BALANCED_RULE, c.rule());
    double best = 0;
    for (double t = 0; t <= 1; t += 0.001) {
      best = Math.max(best, Calibration.rate(fake, t) - Calibration.rate(real, t));
    }
    assertEquals(best, c.tpr() - c.fpr(), 1e-12, "no threshold separates better: " + c.describe());
    assertEquals(c, Calibration.fromMap(c.toMap()));
    assertTrue(c.describe().contains("balanced accuracy"), c.describe());
    // the FPR rule by name is the numeric one
    assertEquals(
        Calibration.fit(0.05, real, fake, "test"), Calibration.fit("fpr:0.05", real, fake, "test"));
    assertThrows(IllegalArgumentException.class, () -> Calibration.fit("best", real, fake, "test"));
    assertThrows(
        IllegalArgumentException.class, () -> Calibration.fitBalanced(real, new double[0], "test"));
  }

  @Test
  void logisticFusionLearnsTheInformativeDetector() {
    Random rng = new Random(1);
    int n = 2000;
    double[][] logits = new double[2][n];
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2;
      logits[0][i] = rng.nextGaussian(); // noise
      logits[1][i] = (labels[i] == 1 ? 2 : -2) + rng.nextGaussian(); // informative
    }
    LogisticFusion f =
        LogisticFusion.fit(
            List.of("dnf", "nsnet"),
            logits,
            labels,
            Map.of("dnf", "a@1", "nsnet", "b@2"),
            0.01,
            "synthetic");
    // the log-odds of the informative logit are 4 x; the noise gets a weight near 0
    assertTrue(
        Math.abs(f.weights().get("nsnet") - 4) < 0.6 && Math.abs(f.weights().get("dnf")) < 0.4,
        f.describe());
    assertTrue(f.calibration().fpr() <= 0.01);
    assertTrue(f.calibration().tpr() > 0.8, f.calibration().describe());
    LogisticFusion back = LogisticFusion.fromJson(f.toJson());
    assertEquals(
        f.fuse(Map.of("dnf", 0.3, "nsnet", 1.0)),
        back.fuse(Map.of("dnf", 0.3, "nsnet", 1.0)),
        1e-12);
    assertTrue(back.fits(Map.of("dnf", "a@1", "nsnet", "b@2")));
    assertFalse(back.fits(Map.of("dnf", "a@1", "nsnet", "other@3")));
    assertEquals(null, back.fuse(Map.of("dnf", 0.3)));
  }

  @Test
  void theDomainCheckFlagsFeaturesFarFromTheCalibrationImages() {
    Random rng = new Random(2);
    List<float[]> seen = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      float[] f = new float[16];
      for (int k = 0; k < f.length; k++) {
        f[k] = (float) (k + rng.nextGaussian());
      }
      seen.add(f);
    }
    DomainCheck d = DomainCheck.fit(seen);
    long inside = seen.stream().filter(f -> !d.outside(d.distance(f))).count();
    assertTrue(inside >= 297, inside + " of 300 calibration images inside");
    float[] far = new float[16];
    for (int k = 0; k < far.length; k++) {
      far[k] = k + 6;
    }
    assertTrue(d.outside(d.distance(far)));
    DomainCheck back = DomainCheck.fromMap(d.toMap());
    assertEquals(d.distance(far), back.distance(far), 1e-4);
  }
}
