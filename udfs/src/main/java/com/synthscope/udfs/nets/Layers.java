package com.synthscope.udfs.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;

/** Small building blocks and functions shared by the networks. */
public final class Layers {

  private Layers() {}

  /** Runs a block that takes and returns one array. */
  public static NDArray apply(Block block, ParameterStore ps, NDArray x, boolean training) {
    return block.forward(ps, new NDList(x), training).singletonOrThrow();
  }

  public static NDArray silu(NDArray x) {
    return x.mul(Activation.sigmoid(x));
  }

  public static Conv2d conv3x3(int filters) {
    return Conv2d.builder()
        .setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1))
        .setFilters(filters)
        .build();
  }

  public static Conv2d conv3x3Stride2(int filters) {
    return Conv2d.builder()
        .setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1))
        .optStride(new Shape(2, 2))
        .setFilters(filters)
        .build();
  }

  public static Conv2d conv1x1(int filters) {
    return Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(filters).build();
  }

  public static Linear linear(int units) {
    return Linear.builder().setUnits(units).build();
  }

  /**
   * Sinusoidal embedding of timesteps (Vaswani et al.; DDPM): {@code [sin(t f_i), cos(t f_i)]} with
   * {@code f_i = 10000^(-i / (dim/2))}.
   *
   * @param t shape [N], any float type
   * @return shape [N, dim]
   */
  public static NDArray timestepEmbedding(NDArray t, int dim) {
    int half = dim / 2;
    NDManager m = t.getManager();
    NDArray freqs =
        m.arange(0, half, 1, DataType.FLOAT32, t.getDevice()).mul(-Math.log(10000.0) / half).exp();
    NDArray args = t.toType(DataType.FLOAT32, false).reshape(-1, 1).mul(freqs.reshape(1, half));
    return args.sin().concat(args.cos(), 1);
  }
}
