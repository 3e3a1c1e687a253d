package com.synthscope.udfs.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The DDPM residual block: GroupNorm, SiLU, 3x3 conv, plus a projection of the (time + condition)
 * embedding added per channel, then GroupNorm, SiLU, 3x3 conv; a 1x1 conv on the skip path when the
 * width changes. Inputs: {@code [x (N,Cin,H,W), emb (N,E)]}; output {@code (N,Cout,H,W)}. Without
 * an embedding ({@link #plain}, for networks that have no timestep, such as the segmentation UNet)
 * the input is {@code [x]} and the projection is absent.
 */
public final class ResBlock extends AbstractBlock {

  private final int in;
  private final int out;
  private final GroupNorm norm1;
  private final Conv2d conv1;
  private final Linear embProj;
  private final GroupNorm norm2;
  private final Conv2d conv2;
  private final Conv2d skip;

  public ResBlock(int in, int out) {
    this(in, out, true);
  }

  /** A residual block with no embedding input. */
  public static ResBlock plain(int in, int out) {
    return new ResBlock(in, out, false);
  }

  private ResBlock(int in, int out, boolean embedded) {
    this.in = in;
    this.out = out;
    norm1 = addChildBlock("norm1", GroupNorm.of(in));
    conv1 = addChildBlock("conv1", Layers.conv3x3(out));
    embProj = embedded ? addChildBlock("emb", Layers.linear(out)) : null;
    norm2 = addChildBlock("norm2", GroupNorm.of(out));
    conv2 = addChildBlock("conv2", Layers.conv3x3(out));
    skip = in == out ? null : addChildBlock("skip", Layers.conv1x1(out));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray h =
        Layers.apply(conv1, ps, Layers.silu(Layers.apply(norm1, ps, x, training)), training);
    if (embProj != null) {
      NDArray e = Layers.apply(embProj, ps, Layers.silu(inputs.get(1)), training);
      h = h.add(e.reshape(e.getShape().get(0), out, 1, 1));
    }
    h = Layers.apply(conv2, ps, Layers.silu(Layers.apply(norm2, ps, h, training)), training);
    NDArray s = skip == null ? x : Layers.apply(skip, ps, x, training);
    return new NDList(s.add(h));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    Shape hOut = new Shape(x.get(0), out, x.get(2), x.get(3));
    norm1.initialize(manager, dataType, x);
    conv1.initialize(manager, dataType, x);
    if (embProj != null) {
      embProj.initialize(manager, dataType, inputShapes[1]);
    }
    norm2.initialize(manager, dataType, hOut);
    conv2.initialize(manager, dataType, hOut);
    if (skip != null) {
      skip.initialize(manager, dataType, x);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape x = inputShapes[0];
    return new Shape[] {new Shape(x.get(0), out, x.get(2), x.get(3))};
  }

  @Override
  public String toString() {
    return "ResBlock(" + in + " -> " + out + ")";
  }
}
