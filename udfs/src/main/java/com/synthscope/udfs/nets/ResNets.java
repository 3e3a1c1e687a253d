package com.synthscope.udfs.nets;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ResNet-18 and ResNet-50 (He et al. 2016) with one logit, built from DJL's Block API, layer for
 * layer as torchvision's {@code resnet18} / {@code resnet50} (v1.5: a bottleneck's stride sits on
 * its 3x3 conv).
 *
 * <p>Structure, with base width {@code w} (64 in the paper):
 *
 * <ul>
 *   <li>stem: 7x7/2 conv (pad 3, no bias) to {@code w} channels, BatchNorm, ReLU, 3x3/2 max-pool
 *       (pad 1);
 *   <li>four stages of widths {@code w, 2w, 4w, 8w}; the first block of stages 2..4 has stride 2;
 *   <li>ResNet-18: basic blocks (3x3 conv, BN, ReLU, 3x3 conv, BN) x [2, 2, 2, 2]; ResNet-50:
 *       bottlenecks (1x1, BN, ReLU, 3x3, BN, ReLU, 1x1 to 4x width, BN) x [3, 4, 6, 3];
 *   <li>residual: {@code ReLU(main(x) + shortcut(x))}, a {@link ParallelBlock} whose join sums its
 *       two branches; the shortcut is the identity, or a 1x1 strided conv + BN where the shape
 *       changes;
 *   <li>global average pool, flatten, {@code Linear(1)}: one logit (train with BCE-with-logits).
 * </ul>
 *
 * Convolutions carry no bias (the BN that follows has one), as in torchvision.
 *
 * <p><b>Width.</b> {@code baseWidth} scales every stage: widths {@code w, 2w, 4w, 8w} (bottleneck
 * outputs 4x that). Parameters scale about as {@code w^2}: ResNet-18 has 11.18 M at w = 64, about
 * 2.8 M at 32 and 0.7 M at 16; its compute scales the same way. The paper's classifier is ResNet-50
 * at w = 64; on the 2-core CPU a reduced width (16 or 32) is the practical choice for training from
 * scratch. Record the width in the model manifest ({@code base_width}, see {@link ResNetFactory}).
 *
 * <p><b>Parameter counts.</b> DJL counts BatchNorm's running mean and variance as (non-trainable)
 * parameters; the usual counts (torchvision, the papers) do not. With 3 input channels, w = 64 and
 * one logit: ResNet-18 11,177,025 trainable (+ 9,600 running statistics), ResNet-50 23,510,081
 * trainable (+ 53,120). See {@code ResNetsTest} for the arithmetic.
 */
public final class ResNets {

  /** The paper's base width. */
  public static final int DEFAULT_WIDTH = 64;

  private ResNets() {}

  /** ResNet-18 at the paper's width 64. */
  public static SequentialBlock resnet18(int inChannels) {
    return resnet18(inChannels, DEFAULT_WIDTH);
  }

  /** ResNet-18 with stage widths {@code baseWidth * (1, 2, 4, 8)}. */
  public static SequentialBlock resnet18(int inChannels, int baseWidth) {
    return build(18, inChannels, baseWidth);
  }

  /** ResNet-50 at the paper's width 64. */
  public static SequentialBlock resnet50(int inChannels) {
    return resnet50(inChannels, DEFAULT_WIDTH);
  }

  /** ResNet-50 with bottleneck widths {@code baseWidth * (1, 2, 4, 8)} (outputs 4x that). */
  public static SequentialBlock resnet50(int inChannels, int baseWidth) {
    return build(50, inChannels, baseWidth);
  }

  /** Depths this class builds. */
  public static List<Integer> depths() {
    return List.of(18, 50);
  }

  /**
   * A ResNet of the given depth (18 or 50) with one logit.
   *
   * @throws IllegalArgumentException for another depth, fewer than 1 input channel or a width below
   *     1
   */
  public static SequentialBlock build(int depth, int inChannels, int baseWidth) {
    return build(depth, inChannels, baseWidth, 1);
  }

  /**
   * As {@link #build(int, int, int)}, first enlarging the input {@code inputScale} times by pixel
   * repetition: the DNF paper resizes its feature maps to 256 px before the classifier, and a map
   * much smaller than that would lose most of its detail to the 4x downsampling stem.
   */
  public static SequentialBlock build(int depth, int inChannels, int baseWidth, int inputScale) {
    if (inputScale < 1) {
      throw new IllegalArgumentException("ResNet input_scale must be >= 1, got " + inputScale);
    }
    SequentialBlock net = stemAndStages(depth, inChannels, baseWidth);
    if (inputScale == 1) {
      return net;
    }
    return new SequentialBlock()
        .add(
            new LambdaBlock(
                in -> new NDList(in.singletonOrThrow().repeat(2, inputScale).repeat(3, inputScale)),
                "nearest-upsample"))
        .add(net);
  }

  private static SequentialBlock stemAndStages(int depth, int inChannels, int baseWidth) {
    if (!depths().contains(depth)) {
      throw new IllegalArgumentException(
          "ResNet depth must be one of " + depths() + ", got " + depth);
    }
    if (inChannels < 1) {
      throw new IllegalArgumentException("ResNet in_channels must be >= 1, got " + inChannels);
    }
    if (baseWidth < 1) {
      throw new IllegalArgumentException("ResNet base_width must be >= 1, got " + baseWidth);
    }
    boolean bottleneck = depth == 50;
    int[] blocks = bottleneck ? new int[] {3, 4, 6, 3} : new int[] {2, 2, 2, 2};
    SequentialBlock net =
        new SequentialBlock()
            .add(conv(baseWidth, 7, 2))
            .add(bn())
            .add(Activation.reluBlock())
            .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
    int in = baseWidth;
    for (int stage = 0; stage < blocks.length; stage++) {
      int width = baseWidth << stage;
      for (int b = 0; b < blocks[stage]; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        int out = bottleneck ? 4 * width : width;
        Block main = bottleneck ? bottleneckMain(width, out, stride) : basicMain(width, stride);
        Block shortcut =
            stride != 1 || in != out
                ? new SequentialBlock().add(conv(out, 1, stride)).add(bn())
                : Blocks.identityBlock();
        net.add(residual(main, shortcut));
        in = out;
      }
    }
    return net.add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(1).build());
  }

  /** Manifest arguments for {@link ResNetFactory}. */
  public static Map<String, Object> arguments(int depth, int inChannels, int baseWidth) {
    return arguments(depth, inChannels, baseWidth, 1);
  }

  /** Manifest arguments for {@link ResNetFactory}, with the input enlargement. */
  public static Map<String, Object> arguments(
      int depth, int inChannels, int baseWidth, int inputScale) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("depth", depth);
    m.put("in_channels", inChannels);
    m.put("base_width", baseWidth);
    if (inputScale != 1) {
      m.put("input_scale", inputScale);
    }
    return m;
  }

  /** {@code ReLU(main(x) + shortcut(x))}. */
  private static Block residual(Block main, Block shortcut) {
    ParallelBlock sum =
        new ParallelBlock(
            branches ->
                new NDList(
                    branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow())),
            Arrays.asList(main, shortcut));
    return new SequentialBlock().add(sum).add(Activation.reluBlock());
  }

  private static Block basicMain(int width, int stride) {
    return new SequentialBlock()
        .add(conv(width, 3, stride))
        .add(bn())
        .add(Activation.reluBlock())
        .add(conv(width, 3, 1))
        .add(bn());
  }

  private static Block bottleneckMain(int width, int out, int stride) {
    return new SequentialBlock()
        .add(conv(width, 1, 1))
        .add(bn())
        .add(Activation.reluBlock())
        .add(conv(width, 3, stride))
        .add(bn())
        .add(Activation.reluBlock())
        .add(conv(out, 1, 1))
        .add(bn());
  }

  /** A k x k conv without bias, padding k / 2 ("same" at stride 1). */
  static Conv2d conv(int filters, int k, int stride) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(k, k))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(k / 2, k / 2))
        .optBias(false)
        .build();
  }

  static BatchNorm bn() {
    return BatchNorm.builder().build();
  }
}
