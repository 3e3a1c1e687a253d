package com.synthscope.udfs.train.segmentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IoU, mIoU and pixel accuracy on hand-made masks, against values worked out by hand. */
class ConfusionMatrixTest {

  private static final double EPS = 1e-12;

  @Test
  void iouMiouAndPixelAccuracyOfAHandMadeMask() {
    // pixel:        0  1  2  3  4  5  6  7
    byte[] truth = {0, 0, 1, 1, 0, 1, 2, 2};
    byte[] pred = {0, 1, 1, 1, 0, 1, 2, 0};
    ConfusionMatrix cm = new ConfusionMatrix(5);
    cm.add(truth, pred);

    // class 0: TP {0,4} = 2, truth {0,1,4} = 3, predicted {0,4,7} = 3 -> 2 / (3 + 3 - 2) = 0.5
    assertEquals(0.5, cm.iou(0), EPS);
    // class 1: TP {2,3,5} = 3, truth 3, predicted {1,2,3,5} = 4 -> 3 / 4
    assertEquals(0.75, cm.iou(1), EPS);
    // class 2: TP {6} = 1, truth {6,7} = 2, predicted {6} = 1 -> 1 / 2
    assertEquals(0.5, cm.iou(2), EPS);
    // classes 3 and 4 occur nowhere: no IoU, and left out of the mean
    assertTrue(Double.isNaN(cm.iou(3)));
    assertTrue(Double.isNaN(cm.iou(4)));
    assertEquals((0.5 + 0.75 + 0.5) / 3, cm.meanIou(), EPS);
    assertEquals(6.0 / 8, cm.pixelAccuracy(), EPS);
    assertEquals(8, cm.total());
    assertEquals(1, cm.count(0, 1));
    assertEquals(1, cm.count(2, 0));
  }

  @Test
  void aClassOnlyPredictedScoresZeroAndCountsInTheMean() {
    ConfusionMatrix cm = new ConfusionMatrix(3);
    cm.add(new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 0, 2});
    assertEquals(0.75, cm.iou(0), EPS);
    assertEquals(0.0, cm.iou(2), EPS);
    assertTrue(Double.isNaN(cm.iou(1)));
    assertEquals((0.75 + 0.0) / 2, cm.meanIou(), EPS);
  }

  @Test
  void countsAccumulateOverImagesNotAveragedPerImage() {
    ConfusionMatrix a = new ConfusionMatrix(2);
    a.add(new byte[] {1}, new byte[] {1}); // image 1: class 1 IoU 1
    a.add(new byte[] {1, 1, 1}, new byte[] {0, 0, 1}); // image 2: class 1 IoU 1/3
    assertEquals(2.0 / 4, a.iou(1), EPS, "pooled: TP 2 of union 4, not the mean of 1 and 1/3");
    ConfusionMatrix b = new ConfusionMatrix(2);
    b.add(a);
    b.add(a);
    assertEquals(a.iou(1), b.iou(1), EPS);
    assertEquals(8, b.total());
  }

  @Test
  void perfectAndPerfectlyWrongPredictionsAndBadInput() {
    ConfusionMatrix cm = new ConfusionMatrix(2);
    cm.add(new byte[] {0, 1, 1}, new byte[] {0, 1, 1});
    assertEquals(1.0, cm.meanIou(), EPS);
    assertEquals(1.0, cm.pixelAccuracy(), EPS);
    ConfusionMatrix wrong = new ConfusionMatrix(2);
    wrong.add(new byte[] {0, 1}, new byte[] {1, 0});
    assertEquals(0.0, wrong.meanIou(), EPS);
    assertEquals(0.0, wrong.pixelAccuracy(), EPS);
    assertThrows(IllegalArgumentException.class, () -> cm.add(new byte[] {2}, new byte[] {0}));
    assertThrows(IllegalArgumentException.class, () -> cm.add(new byte[] {0, 1}, new byte[] {0}));
    assertTrue(Double.isNaN(new ConfusionMatrix(2).meanIou()));
  }

  @Test
  void mapNamesTheClasses() {
    ConfusionMatrix cm = new ConfusionMatrix(2);
    cm.add(new byte[] {0, 1, 1}, new byte[] {0, 1, 0});
    Map<String, Object> m = cm.toMap(List.of("matrix", "austenite"));
    @SuppressWarnings("unchecked")
    Map<String, Object> iou = (Map<String, Object>) m.get("iou");
    assertEquals(0.5, (Double) iou.get("matrix"), EPS);
    assertEquals(0.5, (Double) iou.get("austenite"), EPS);
    assertEquals(0.6667, (Double) m.get("pixel_accuracy"), EPS);
    @SuppressWarnings("unchecked")
    Map<String, Object> precision = (Map<String, Object>) m.get("precision");
    @SuppressWarnings("unchecked")
    Map<String, Object> recall = (Map<String, Object>) m.get("recall");
    assertEquals(0.5, (Double) precision.get("matrix"), EPS, "1 of the 2 pixels called matrix");
    assertEquals(1.0, (Double) recall.get("matrix"), EPS);
    assertEquals(1.0, (Double) precision.get("austenite"), EPS);
    assertEquals(0.5, (Double) recall.get("austenite"), EPS, "1 of the 2 austenite pixels found");
  }
}
