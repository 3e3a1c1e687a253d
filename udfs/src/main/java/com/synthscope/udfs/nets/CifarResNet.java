package com.synthscope.udfs.nets;

import static com.synthscope.udfs.nets.ResNets.bn;
import static com.synthscope.udfs.nets.ResNets.conv;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CIFAR ResNets of He et al. 2016 (section 4.2): a 3x3 conv to {@code w} channels, three stages
 * of {@code n} basic blocks at widths {@code w, 2w, 4w} (the first block of stages 2 and 3 strides
 * 2), global average pool and a linear classifier: depth {@code 6n + 2}, so ResNet-20 is {@code n =
 * 3}, {@code w = 16}, 64 pooled features. Shortcuts that change shape are 1x1 strided conv + BN
 * (the paper's option B; its CIFAR nets used zero padding, option A, which has no parameters), so
 * ResNet-20 has 272 474 trainable parameters with 10 classes instead of the paper's 0.27 M.
 *
 * <p>Two roles over the same weights: {@link Role#CLASSIFIER} outputs the class logits (training on
 * the CIFAR classes), {@link Role#ENCODER} the pooled penultimate features, NS-Net's frozen photo
 * encoder. The input is an RGB image normalised per channel with the mean and standard deviation
 * the artifact records.
 */
public final class CifarResNet extends AbstractBlock {

  private static final byte VERSION = 1;

  /** What the network outputs. */
  public enum Role {
    CLASSIFIER,
    ENCODER
  }

  private final int depth;
  private final int width;
  private final int classes;
  private final Role role;
  private final Block body;
  private final Block fc;

  /**
   * @param depth 6n + 2 (20, 32, 44, 56, ...)
   * @param width channels of the first stage (16 in the paper)
   * @param classes outputs of the classifier
   */
  public CifarResNet(int depth, int width, int classes, Role role) {
    super(VERSION);
    if (depth < 8 || (depth - 2) % 6 != 0) {
      throw new IllegalArgumentException(
          "CIFAR ResNet depth must be 6n + 2 with n >= 1, got " + depth);
    }
    if (width < 1 || classes < 2) {
      throw new IllegalArgumentException(
          "need width >= 1 and classes >= 2, got " + width + " and " + classes);
    }
    this.depth = depth;
    this.width = width;
    this.classes = classes;
    this.role = role;
    int n = (depth - 2) / 6;
    SequentialBlock net =
        new SequentialBlock().add(conv(width, 3, 1)).add(bn()).add(Activation.reluBlock());
    int in = width;
    for (int stage = 0; stage < 3; stage++) {
      int out = width << stage;
      for (int b = 0; b < n; b++) {
        int stride = stage > 0 && b == 0 ? 2 : 1;
        Block main =
            new SequentialBlock()
                .add(conv(out, 3, stride))
                .add(bn())
                .add(Activation.reluBlock())
                .add(conv(out, 3, 1))
                .add(bn());
        Block shortcut =
            stride != 1 || in != out
                ? new SequentialBlock().add(conv(out, 1, stride)).add(bn())
                : Blocks.identityBlock();
        ParallelBlock sum =
            new ParallelBlock(
                branches ->
                    new NDList(
                        branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow())),
                Arrays.asList(main, shortcut));
        net.add(new SequentialBlock().add(sum).add(Activation.reluBlock()));
        in = out;
      }
    }
    net.add(Pool.globalAvgPool2dBlock()).add(Blocks.batchFlattenBlock());
    this.body = addChildBlock("body", net);
    this.fc = addChildBlock("fc", Linear.builder().setUnits(classes).build());
  }

  /** Dimension of the pooled features (the encoder's output). */
  public int featureDimension() {
    return 4 * width;
  }

  public Role role() {
    return role;
  }

  /** The classifier's weight matrix {@code [classes, featureDimension]} (loaded or initialised). */
  public ai.djl.ndarray.NDArray classifierWeight() {
    return fc.getParameters().get("weight").getArray();
  }

  /** Manifest arguments for {@link CifarResNetFactory}. */
  public Map<String, Object> arguments() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("depth", depth);
    m.put("width", width);
    m.put("classes", classes);
    m.put("role", role == Role.ENCODER ? "encoder" : "classifier");
    return m;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDList features = body.forward(ps, inputs, training);
    return role == Role.ENCODER ? features : fc.forward(ps, features, training);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    body.initialize(manager, dataType, inputShapes);
    fc.initialize(manager, dataType, body.getOutputShapes(inputShapes));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    long n = inputShapes[0].get(0);
    return new Shape[] {new Shape(n, role == Role.ENCODER ? featureDimension() : classes)};
  }
}
