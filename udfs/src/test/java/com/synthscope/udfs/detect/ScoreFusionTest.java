package com.synthscope.udfs.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScoreFusionTest {

  @Test
  void theFusedScoreIsTheMeanOfTheAvailableProbabilities() {
    assertEquals(0.5, ScoreFusion.fuse(0.2, 0.8), 1e-12);
    assertEquals(0.3, ScoreFusion.fuse(0.1, 0.2, 0.6), 1e-12);
    assertEquals(0.0, ScoreFusion.fuse(0.0, 0.0), 0.0);
    assertEquals(1.0, ScoreFusion.fuse(1.0, 1.0), 0.0);
  }

  @Test
  void aSingleDetectorGivesItsOwnProbability() {
    assertEquals(0.73, ScoreFusion.fuse(0.73), 0.0);
  }

  @Test
  void missingProbabilitiesAreLeftOutNotCountedAsZero() {
    assertEquals(0.8, ScoreFusion.fuse(null, 0.8), 0.0);
    assertEquals(0.4, ScoreFusion.fuse(0.4, Double.NaN), 0.0);
    assertNull(ScoreFusion.fuse(null, null));
    assertNull(ScoreFusion.fuse());
  }

  @Test
  void aProbabilityOutsideTheUnitIntervalIsAContractBreach() {
    assertThrows(IllegalArgumentException.class, () -> ScoreFusion.fuse(0.5, 1.5));
    assertThrows(IllegalArgumentException.class, () -> ScoreFusion.fuse(-0.01));
  }

  @Test
  void flaggedIsScoreAtOrAboveTheThreshold() {
    assertTrue(ScoreFusion.flagged(0.5, 0.5));
    assertFalse(ScoreFusion.flagged(0.4999, 0.5));
    assertNull(ScoreFusion.flagged(null, 0.5));
  }
}
