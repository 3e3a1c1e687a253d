package com.synthscope.udfs.detect.nsnet;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * NS-Net's semantic null space (METHODS.md 2.3): the projector {@code P = I - W_k W_k^T} onto the
 * orthogonal complement of a semantic subspace spanned by the orthonormal columns of {@code W_k}.
 * Features that differ only along semantic directions project to the same point.
 *
 * <p>The subspace comes either from semantic embeddings (the top right singular vectors of V, k by
 * an energy threshold or given), or, where no text encoder exists, from labelled content: the
 * directions of feature space that a ridge regression of features on content targets (micrographs:
 * phase fractions) uses.
 */
public final class NullSpace {

  private final double[][] projector;
  private final int semanticRank;

  private NullSpace(RealMatrix basis) {
    int d = basis.getRowDimension();
    RealMatrix p =
        MatrixUtils.createRealIdentityMatrix(d).subtract(basis.multiply(basis.transpose()));
    this.projector = p.getData();
    this.semanticRank = basis.getColumnDimension();
  }

  /**
   * From semantic embeddings V (n x d): keep the fewest top singular directions whose squared
   * singular values reach {@code energy} of the total (0 < energy <= 1).
   */
  public static NullSpace fromEmbeddings(double[][] v, double energy) {
    if (!(energy > 0 && energy <= 1)) {
      throw new IllegalArgumentException("energy must be in (0, 1], got " + energy);
    }
    SingularValueDecomposition svd =
        new SingularValueDecomposition(new Array2DRowRealMatrix(v, false));
    double[] s = svd.getSingularValues();
    double total = 0;
    for (double x : s) {
      total += x * x;
    }
    int k = 0;
    double kept = 0;
    while (k < s.length && kept < energy * total - 1e-12 * total) {
      kept += s[k] * s[k];
      k++;
    }
    return new NullSpace(svd.getV().getSubMatrix(0, v[0].length - 1, 0, Math.max(k, 1) - 1));
  }

  /** From semantic embeddings V (n x d), keeping exactly the top {@code k} singular directions. */
  public static NullSpace fromEmbeddings(double[][] v, int k) {
    SingularValueDecomposition svd =
        new SingularValueDecomposition(new Array2DRowRealMatrix(v, false));
    if (k < 1 || k > svd.getSingularValues().length) {
      throw new IllegalArgumentException(
          "k must be in 1.." + svd.getSingularValues().length + ", got " + k);
    }
    return new NullSpace(svd.getV().getSubMatrix(0, v[0].length - 1, 0, k - 1));
  }

  /**
   * From labelled content: ridge-regress the targets Y (n x K) on centred features X (n x d) with
   * penalty {@code lambda}; the K coefficient directions (d x K), orthonormalised, span the
   * semantic subspace.
   */
  public static NullSpace fromRidge(double[][] features, double[][] targets, double lambda) {
    RealMatrix x = centred(new Array2DRowRealMatrix(features));
    RealMatrix y = centred(new Array2DRowRealMatrix(targets));
    int d = x.getColumnDimension();
    RealMatrix gram =
        x.transpose()
            .multiply(x)
            .add(MatrixUtils.createRealIdentityMatrix(d).scalarMultiply(lambda));
    RealMatrix b =
        new CholeskyDecomposition(gram).getSolver().solve(x.transpose().multiply(y)); // d x K
    int k = Math.min(b.getColumnDimension(), d);
    RealMatrix q = new QRDecomposition(b).getQ().getSubMatrix(0, d - 1, 0, k - 1);
    return new NullSpace(q);
  }

  /** Rebuilds a projector shipped in a model artifact. */
  public static NullSpace of(double[][] projector, int semanticRank) {
    return new NullSpace(projector, semanticRank);
  }

  private NullSpace(double[][] projector, int semanticRank) {
    this.projector = projector;
    this.semanticRank = semanticRank;
  }

  private static RealMatrix centred(RealMatrix m) {
    RealMatrix c = m.copy();
    for (int j = 0; j < m.getColumnDimension(); j++) {
      double mean = 0;
      for (int i = 0; i < m.getRowDimension(); i++) {
        mean += m.getEntry(i, j) / m.getRowDimension();
      }
      for (int i = 0; i < m.getRowDimension(); i++) {
        c.setEntry(i, j, m.getEntry(i, j) - mean);
      }
    }
    return c;
  }

  /** The d x d projector. */
  public double[][] projector() {
    return projector;
  }

  /** Dimension of the removed semantic subspace. */
  public int semanticRank() {
    return semanticRank;
  }

  /** {@code P f}. */
  public float[] project(float[] f) {
    int d = projector.length;
    if (f.length != d) {
      throw new IllegalArgumentException("feature has " + f.length + " values, the projector " + d);
    }
    float[] out = new float[d];
    for (int i = 0; i < d; i++) {
      double s = 0;
      double[] row = projector[i];
      for (int j = 0; j < d; j++) {
        s += row[j] * f[j];
      }
      out[i] = (float) s;
    }
    return out;
  }
}
