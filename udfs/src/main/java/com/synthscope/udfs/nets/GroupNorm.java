package com.synthscope.udfs.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Group normalisation (Wu & He, 2018) over NCHW: statistics per sample and group of channels, then
 * a learned per-channel scale and shift. DJL ships no GroupNorm block.
 */
public final class GroupNorm extends AbstractBlock {

  private static final float EPS = 1e-5f;
  private final int groups;
  private final int channels;
  private final Parameter gamma;
  private final Parameter beta;

  public GroupNorm(int groups, int channels) {
    if (channels % groups != 0) {
      throw new IllegalArgumentException(
          channels + " channels do not split into " + groups + " groups");
    }
    this.groups = groups;
    this.channels = channels;
    this.gamma =
        addParameter(
            Parameter.builder()
                .setName("gamma")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels))
                .build());
    this.beta =
        addParameter(
            Parameter.builder()
                .setName("beta")
                .setType(Parameter.Type.BETA)
                .optShape(new Shape(channels))
                .build());
  }

  /** GroupNorm with up to 8 groups, fewer when the channel count needs it. */
  public static GroupNorm of(int channels) {
    int g = Math.min(8, channels);
    while (channels % g != 0) {
      g--;
    }
    return new GroupNorm(g, channels);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Shape s = x.getShape();
    NDArray grouped = x.reshape(s.get(0), groups, -1);
    NDArray mean = grouped.mean(new int[] {2}, true);
    NDArray centred = grouped.sub(mean);
    NDArray var = centred.square().mean(new int[] {2}, true);
    NDArray normed = centred.div(var.add(EPS).sqrt()).reshape(s);
    NDArray g = ps.getValue(gamma, x.getDevice(), training).reshape(1, channels, 1, 1);
    NDArray b = ps.getValue(beta, x.getDevice(), training).reshape(1, channels, 1, 1);
    return new NDList(normed.mul(g).add(b));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  public String toString() {
    return "GroupNorm(" + groups + ", " + channels + ")";
  }
}
