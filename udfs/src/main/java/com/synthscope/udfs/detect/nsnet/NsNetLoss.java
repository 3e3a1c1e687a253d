package com.synthscope.udfs.detect.nsnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * NS-Net's training loss (METHODS.md 2.4): {@code (1 - lambda) SupCon + lambda BCE}. SupCon is the
 * supervised NT-Xent of Khosla et al. over the batch's real/fake labels with temperature tau:
 * {@code -1/|A| sum_i 1/|P(i)| sum_{p in P(i)} log(exp(z_i.z_p/tau) / sum_{a != i}
 * exp(z_i.z_a/tau))} on L2-normalised projections, over the anchors A that have at least one
 * positive.
 */
public final class NsNetLoss {

  private NsNetLoss() {}

  /**
   * @param z projections (N, D), normalised here
   * @param labels (N), 0 real / 1 generated
   */
  public static NDArray supCon(NDArray z, NDArray labels, float tau) {
    long n = z.getShape().get(0);
    NDArray zn = z.div(z.norm(new int[] {1}, true).add(1e-12f));
    NDArray sim = zn.matMul(zn.transpose()).div(tau);
    NDArray eye = z.getManager().eye((int) n).toType(DataType.BOOLEAN, false);
    NDArray notSelf = eye.logicalNot().toType(DataType.FLOAT32, false);
    // log-softmax over a != i, stabilised by the row maximum
    NDArray masked = sim.sub(eye.toType(DataType.FLOAT32, false).mul(1e9f));
    NDArray max = masked.max(new int[] {1}, true);
    NDArray logDenominator =
        masked.sub(max).exp().mul(notSelf).sum(new int[] {1}, true).log().add(max);
    NDArray logProb = sim.sub(logDenominator);
    NDArray l = labels.toType(DataType.FLOAT32, false).reshape(-1, 1);
    NDArray same = l.eq(l.transpose()).toType(DataType.FLOAT32, false).mul(notSelf);
    NDArray positives = same.sum(new int[] {1});
    NDArray hasPositive = positives.gt(0).toType(DataType.FLOAT32, false);
    NDArray perAnchor = logProb.mul(same).sum(new int[] {1}).div(positives.maximum(1f)).neg();
    return perAnchor.mul(hasPositive).sum().div(hasPositive.sum().maximum(1f));
  }

  /** Mean binary cross-entropy with logits. */
  public static NDArray bce(NDArray logits, NDArray labels) {
    NDArray y = labels.toType(DataType.FLOAT32, false).reshape(logits.getShape());
    // max(x, 0) - x y + log(1 + exp(-|x|)): stable for large |x|
    return logits.maximum(0f).sub(logits.mul(y)).add(logits.abs().neg().exp().add(1f).log()).mean();
  }

  public static NDArray combined(
      NDArray projections, NDArray logits, NDArray labels, float tau, float lambda) {
    return supCon(projections, labels, tau).mul(1 - lambda).add(bce(logits, labels).mul(lambda));
  }
}
