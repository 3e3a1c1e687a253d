package com.synthscope.udfs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.detect.nsnet.NullSpace;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * NS-Net's {@code --null-space classes}: the class structure of the photo encoder becomes the
 * removed subspace.
 */
class ClassSubspaceTest {

  private static final int K = 4;
  private static final int D = 10;

  private static float[][] meanScale(Random r) {
    float[] mean = new float[D];
    float[] scale = new float[D];
    for (int j = 0; j < D; j++) {
      mean[j] = (float) r.nextGaussian();
      scale[j] = 0.5f + r.nextFloat();
    }
    return new float[][] {mean, scale};
  }

  private static double[][] randomRows(Random r) {
    double[][] m = new double[K][D];
    for (double[] row : m) {
      for (int j = 0; j < D; j++) {
        row[j] = r.nextGaussian() * 3;
      }
    }
    return m;
  }

  @Test
  void classMeansProjectToOnePoint() {
    Random r = new Random(1);
    float[][] ms = meanScale(r);
    double[][] means = randomRows(r);
    NullSpace ns = NsNetHeadTraining.classSubspace(means, ms, false);
    assertEquals(K - 1, ns.semanticRank(), "K centred class vectors span K - 1 directions");
    float[][] projected = new float[K][];
    for (int k = 0; k < K; k++) {
      float[] z = new float[D];
      for (int j = 0; j < D; j++) {
        z[j] = (float) ((means[k][j] - ms[0][j]) / ms[1][j]);
      }
      projected[k] = ns.project(z);
    }
    for (int k = 1; k < K; k++) {
      for (int j = 0; j < D; j++) {
        assertEquals(
            projected[0][j], projected[k][j], 1e-4, "class " + k + " differs from class 0 after P");
      }
    }
  }

  @Test
  void classifierWeightsLoseTheirPowerToTellClassesApart() {
    Random r = new Random(2);
    float[][] ms = meanScale(r);
    double[][] w = randomRows(r);
    NullSpace ns = NsNetHeadTraining.classSubspace(w, ms, true);
    assertEquals(K - 1, ns.semanticRank());
    // two standardised features, projected: the differences of class logits (softmax's view) no
    // longer change
    float[] z1 = new float[D];
    float[] z2 = new float[D];
    for (int j = 0; j < D; j++) {
      z1[j] = (float) r.nextGaussian();
      z2[j] = (float) r.nextGaussian();
    }
    float[] p1 = ns.project(z1);
    float[] p2 = ns.project(z2);
    double before = 0;
    for (int a = 1; a < K; a++) {
      double after = 0;
      double raw = 0;
      for (int j = 0; j < D; j++) {
        double dw = w[a][j] - w[0][j];
        after += dw * ms[1][j] * (p1[j] - p2[j]); // f = mean + scale * z
        raw += dw * ms[1][j] * (z1[j] - z2[j]);
      }
      assertEquals(0, after, 1e-4, "logit difference of class " + a + " against 0 varies after P");
      before = Math.max(before, Math.abs(raw));
    }
    assertTrue(before > 0.1, "without P the logit differences vary: " + before);
  }
}
