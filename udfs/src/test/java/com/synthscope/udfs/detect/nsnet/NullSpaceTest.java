package com.synthscope.udfs.detect.nsnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class NullSpaceTest {

  /**
   * Embeddings along e0 (large) and e1 (small) in 4-d: singular values 10 and 1, energies 100/101
   * and 1/101.
   */
  private static double[][] twoDirections() {
    return new double[][] {{10, 0, 0, 0}, {0, 1, 0, 0}};
  }

  @Test
  void theEnergyThresholdChoosesK() {
    assertEquals(
        1,
        NullSpace.fromEmbeddings(twoDirections(), 0.95).semanticRank(),
        "100/101 = 0.990 >= 0.95");
    assertEquals(2, NullSpace.fromEmbeddings(twoDirections(), 0.995).semanticRank());
    double[][] p = NullSpace.fromEmbeddings(twoDirections(), 0.95).projector();
    double[][] expected = {{0, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(expected[i], abs(p[i]), 1e-12);
    }
  }

  @Test
  void theProjectorIsSymmetricIdempotentAndAnnihilatesTheSemanticBasis() {
    Random r = new Random(3);
    double[][] v = new double[40][12];
    for (double[] row : v) {
      for (int j = 0; j < 12; j++) {
        row[j] = r.nextGaussian() * (j < 3 ? 5 : 0.2); // three dominant directions
      }
    }
    NullSpace ns = NullSpace.fromEmbeddings(v, 3);
    double[][] p = ns.projector();
    double[][] pp = multiply(p, p);
    for (int i = 0; i < 12; i++) {
      for (int j = 0; j < 12; j++) {
        assertEquals(p[i][j], p[j][i], 1e-12, "symmetric");
        assertEquals(p[i][j], pp[i][j], 1e-10, "idempotent");
      }
    }
    var w =
        new org.apache.commons.math3.linear.SingularValueDecomposition(
                new org.apache.commons.math3.linear.Array2DRowRealMatrix(v))
            .getV();
    for (int c = 0; c < 3; c++) {
      float[] wk = new float[12];
      for (int i = 0; i < 12; i++) {
        wk[i] = (float) w.getEntry(i, c);
      }
      for (float x : ns.project(wk)) {
        assertEquals(0f, x, 1e-6f, "P W_k = 0");
      }
    }
  }

  @Test
  void featuresDifferingOnlyAlongContentProjectToTheSamePoint() {
    // features = A * fractions + style noise orthogonal to A's directions; ridge recovers A's span
    Random r = new Random(5);
    int n = 200;
    int d = 6;
    double[][] x = new double[n][d];
    double[][] y = new double[n][2];
    for (int i = 0; i < n; i++) {
      double a = r.nextDouble();
      double b = r.nextDouble();
      y[i] = new double[] {a, b};
      x[i] =
          new double[] {
            3 * a, 2 * b, a - b, r.nextGaussian() * 0.01, r.nextGaussian(), r.nextGaussian()
          };
    }
    NullSpace ns = NullSpace.fromRidge(x, y, 1e-6);
    assertEquals(2, ns.semanticRank());
    float[] f1 = {1, 2, 3, 0.5f, -1, 2};
    float[] f2 = f1.clone(); // move along the content directions: +0.4 in a, -0.3 in b
    f2[0] += 3 * 0.4f;
    f2[1] += 2 * -0.3f;
    f2[2] += 0.4f + 0.3f;
    assertArrayEquals(ns.project(f1), ns.project(f2), 1e-3f);
    float[] f3 = f1.clone();
    f3[4] += 1f; // a style change survives the projection
    assertTrue(Math.abs(ns.project(f3)[4] - ns.project(f1)[4]) > 0.9f);
  }

  private static double[] abs(double[] a) {
    double[] b = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = Math.abs(a[i]);
    }
    return b;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length;
    double[][] c = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        for (int k = 0; k < n; k++) {
          c[i][j] += a[i][k] * b[k][j];
        }
      }
    }
    return c;
  }
}
