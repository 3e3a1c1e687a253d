package com.synthscope.udfs.detect.nsnet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class NsNetLossTest {

  @Test
  void supConOnAHandMadeBatch() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      // unit vectors: two reals at 0 and 90 degrees, one fake at 180 degrees; tau = 1
      NDArray z = m.create(new float[] {1, 0, 0, 1, -1, 0}, new Shape(3, 2));
      NDArray labels = m.create(new float[] {0, 0, 1});
      // anchor 0: positive 1 (dot 0), others {1: 0, 2: -1}: -log(e^0 / (e^0 + e^-1))
      // anchor 1: positive 0 (dot 0), others {0: 0, 2: 0}: -log(1/2)
      // anchor 2: no positive, skipped
      double a0 = -Math.log(1 / (1 + Math.exp(-1)));
      double a1 = Math.log(2);
      assertEquals((a0 + a1) / 2, NsNetLoss.supCon(z, labels, 1f).getFloat(), 1e-5);
      // scaling z does not matter (normalised); tau = 0.5 doubles the dot products
      double b0 = -Math.log(1 / (1 + Math.exp(-2)));
      assertEquals((b0 + a1) / 2, NsNetLoss.supCon(z.mul(3), labels, 0.5f).getFloat(), 1e-5);
    }
  }

  @Test
  void bceAndTheCombination() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray logits = m.create(new float[] {0f, 2f, -50f});
      NDArray labels = m.create(new float[] {1, 0, 0});
      double expected =
          (Math.log(2) + (2 + Math.log(1 + Math.exp(-2))) + Math.log(1 + Math.exp(-50))) / 3;
      assertEquals(expected, NsNetLoss.bce(logits, labels).getFloat(), 1e-5);
      NDArray z = m.create(new float[] {1, 0, 0, 1, -1, 0}, new Shape(3, 2));
      float combined = NsNetLoss.combined(z, logits, labels, 1f, 0.2f).getFloat();
      float parts = 0.8f * NsNetLoss.supCon(z, labels, 1f).getFloat() + 0.2f * (float) expected;
      assertEquals(parts, combined, 1e-5);
    }
  }
}
