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
import java.util.ArrayList;
import java.util.List;

/**
 * A small UNet (Ronneberger et al.) for semantic segmentation, built from the diffusion UNet's
 * parts: residual blocks with GroupNorm ({@link ResBlock#plain}, no timestep), strided-convolution
 * downsampling, nearest-neighbour repeat + convolution upsampling (DJL's PyTorch engine has no
 * transposed convolution), and one skip connection per level.
 *
 * <p>Input {@code (N, inChannels, H, W)} in [-1, 1]; output {@code (N, classes, H, W)}:
 * unnormalised class scores (softmax over axis 1 gives the class probabilities). H and W must be
 * divisible by {@code 2^downsamplings()}. GroupNorm keeps no batch statistics, so training and
 * inference compute the same function.
 */
public final class SegUNet extends AbstractBlock {

  private final SegUNetConfig config;
  private final Conv2d convIn;
  private final List<List<ResBlock>> down = new ArrayList<>();
  private final List<Conv2d> downsample = new ArrayList<>();
  private final List<Conv2d> upsample = new ArrayList<>();
  private final List<List<ResBlock>> up = new ArrayList<>();
  private final GroupNorm normOut;
  private final Conv2d convOut;

  public SegUNet(SegUNetConfig config) {
    this.config = config;
    int base = config.baseChannels();
    List<Integer> mult = config.multipliers();
    int levels = mult.size();
    convIn = addChildBlock("conv_in", Layers.conv3x3(base));
    int ch = base;
    int[] width = new int[levels];
    for (int i = 0; i < levels; i++) {
      width[i] = base * mult.get(i);
      List<ResBlock> blocks = new ArrayList<>();
      for (int j = 0; j < config.resBlocks(); j++) {
        blocks.add(addChildBlock("down" + i + "_" + j, ResBlock.plain(ch, width[i])));
        ch = width[i];
      }
      down.add(blocks);
      if (i < levels - 1) {
        downsample.add(addChildBlock("down" + i + "_resample", Layers.conv3x3Stride2(ch)));
      }
    }
    // up path: from the lowest level, upsample, concatenate the skip of the level above, residual
    // blocks
    for (int i = levels - 2; i >= 0; i--) {
      upsample.add(addChildBlock("up" + i + "_resample", Layers.conv3x3(ch)));
      List<ResBlock> blocks = new ArrayList<>();
      int in = ch + width[i];
      for (int j = 0; j < config.resBlocks(); j++) {
        blocks.add(addChildBlock("up" + i + "_" + j, ResBlock.plain(in, width[i])));
        in = width[i];
      }
      ch = width[i];
      up.add(blocks);
    }
    normOut = addChildBlock("norm_out", GroupNorm.of(ch));
    convOut = addChildBlock("conv_out", Layers.conv1x1(config.classes()));
  }

  public SegUNetConfig config() {
    return config;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray h = Layers.apply(convIn, ps, inputs.singletonOrThrow(), training);
    List<NDArray> skips = new ArrayList<>();
    for (int i = 0; i < down.size(); i++) {
      for (ResBlock b : down.get(i)) {
        h = Layers.apply(b, ps, h, training);
      }
      if (i < downsample.size()) {
        skips.add(h);
        h = Layers.apply(downsample.get(i), ps, h, training);
      }
    }
    for (int u = 0; u < up.size(); u++) {
      h = Layers.apply(upsample.get(u), ps, h.repeat(2, 2).repeat(3, 2), training);
      h = h.concat(skips.remove(skips.size() - 1), 1);
      for (ResBlock b : up.get(u)) {
        h = Layers.apply(b, ps, h, training);
      }
    }
    return new NDList(
        Layers.apply(convOut, ps, Layers.silu(Layers.apply(normOut, ps, h, training)), training));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape h = inputShapes[0];
    if (h.get(2) % (1L << config.downsamplings()) != 0
        || h.get(3) % (1L << config.downsamplings()) != 0) {
      throw new IllegalArgumentException(
          "input " + h + " is not divisible by 2^" + config.downsamplings());
    }
    h = init(convIn, manager, dataType, h);
    List<Shape> skips = new ArrayList<>();
    for (int i = 0; i < down.size(); i++) {
      for (ResBlock b : down.get(i)) {
        h = init(b, manager, dataType, h);
      }
      if (i < downsample.size()) {
        skips.add(h);
        h = init(downsample.get(i), manager, dataType, h);
      }
    }
    for (int u = 0; u < up.size(); u++) {
      h =
          init(
              upsample.get(u),
              manager,
              dataType,
              new Shape(h.get(0), h.get(1), h.get(2) * 2, h.get(3) * 2));
      Shape s = skips.remove(skips.size() - 1);
      h = new Shape(h.get(0), h.get(1) + s.get(1), h.get(2), h.get(3));
      for (ResBlock b : up.get(u)) {
        h = init(b, manager, dataType, h);
      }
    }
    normOut.initialize(manager, dataType, h);
    convOut.initialize(manager, dataType, h);
  }

  private static Shape init(ai.djl.nn.Block b, NDManager manager, DataType dataType, Shape in) {
    b.initialize(manager, dataType, in);
    return b.getOutputShapes(new Shape[] {in})[0];
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape x = inputShapes[0];
    return new Shape[] {new Shape(x.get(0), config.classes(), x.get(2), x.get(3))};
  }

  /** The input shape for {@code initialize} at batch size n and image size s. */
  public Shape inputShape(int n, int size) {
    return new Shape(n, config.inChannels(), size, size);
  }
}
