package com.synthscope.job.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class AuditCurvesTest {

  @Test
  void rocAucAndAveragePrecisionMatchTheTextbookValues() {
    // scores 0.9 (fake), 0.8 (real), 0.7 (fake), 0.1 (real): AUC 3/4; AP = 0.5 * 1 + 0.5 * 2/3
    // (scikit-learn 0.8333)
    AuditCurves.Roc r =
        new AuditCurves.Builder().add(0.9, 1, 1).add(0.8, 0, 1).add(0.7, 1, 1).add(0.1, 0, 1).roc();
    assertEquals(0.75, r.auc(), 1e-12);
    assertEquals(5.0 / 6, r.averagePrecision(), 1e-12);
    assertEquals(5, r.points().size());
    assertEquals(1.0, r.points().get(4)[0], 0);
    assertEquals(1.0, r.points().get(4)[1], 0);
  }

  @Test
  void tiedScoresShareOneThresholdAndOneClassGivesNoCurve() {
    AuditCurves.Roc r = new AuditCurves.Builder().add(0.5, 1, 2).add(0.5, 0, 2).roc();
    assertEquals(0.5, r.auc(), 1e-12);
    assertEquals(0.5, r.averagePrecision(), 1e-12);
    assertNull(new AuditCurves.Builder().add(0.3, 1, 5).roc());
  }

  @Test
  void histogramBinsCoverTheUnitIntervalWithTheLastClosed() {
    assertEquals(0, AuditCurves.bin(0.0));
    assertEquals(9, AuditCurves.bin(0.49));
    assertEquals(10, AuditCurves.bin(0.5));
    assertEquals(19, AuditCurves.bin(1.0));
  }

  @Test
  void htmlEscapesEverythingItQuotes() {
    assertEquals("a&lt;b&gt;&amp;&quot;c&#39;", AuditReport.esc("a<b>&\"c'"));
  }
}
