package com.synthscope.udfs.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Single-head self-attention over the H*W positions of a feature map, with a residual connection
 * (DDPM).
 */
public final class AttentionBlock extends AbstractBlock {

  private final int channels;
  private final GroupNorm norm;
  private final Conv2d qkv;
  private final Conv2d proj;

  public AttentionBlock(int channels) {
    this.channels = channels;
    norm = addChildBlock("norm", GroupNorm.of(channels));
    qkv = addChildBlock("qkv", Layers.conv1x1(3 * channels));
    proj = addChildBlock("proj", Layers.conv1x1(channels));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    Shape s = x.getShape();
    long n = s.get(0);
    long hw = s.get(2) * s.get(3);
    NDArray h =
        Layers.apply(qkv, ps, Layers.apply(norm, ps, x, training), training)
            .reshape(n, 3, channels, hw);
    NDArray q = h.get(":, 0");
    NDArray k = h.get(":, 1");
    NDArray v = h.get(":, 2");
    NDArray weights =
        q.transpose(0, 2, 1).matMul(k).mul(1.0 / Math.sqrt(channels)).softmax(2); // (N, HW, HW)
    NDArray attended = v.matMul(weights.transpose(0, 2, 1)).reshape(s); // (N, C, HW) -> NCHW
    return new NDList(x.add(Layers.apply(proj, ps, attended, training)));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    norm.initialize(manager, dataType, inputShapes[0]);
    qkv.initialize(manager, dataType, inputShapes[0]);
    proj.initialize(manager, dataType, inputShapes[0]);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
