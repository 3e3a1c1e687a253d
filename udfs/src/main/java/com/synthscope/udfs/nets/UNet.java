package com.synthscope.udfs.nets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The noise-prediction UNet of DDPM (Ho et al.) at CPU size, optionally conditioned on a vector.
 *
 * <p>Inputs: {@code x (N,C,H,W)} in [-1, 1], {@code t (N)} timesteps; when conditioned also {@code
 * c (N,K)} and {@code useCondition (N)} with 1 to use c and 0 for the learned null condition
 * (classifier-free guidance; training drops the condition by setting it to 0). Output: the
 * predicted noise, {@code (N,C,H,W)}.
 *
 * <p>Timestep: sinusoidal embedding then an MLP; condition: an MLP added to it. Residual blocks
 * with GroupNorm, self-attention at the lowest resolution, downsampling by strided convolution,
 * upsampling by nearest-neighbour repeat + convolution (DJL's PyTorch engine has no transposed
 * convolution).
 */
public final class UNet extends AbstractBlock {

  private final UNetConfig config;
  private final Conv2d convIn;
  private final Linear time1;
  private final Linear time2;
  private final Linear cond1;
  private final Linear cond2;
  private final Parameter nullCondition;
  private final List<Block> down = new ArrayList<>();
  private final List<Block> up = new ArrayList<>();
  private final ResBlock mid1;
  private final AttentionBlock midAttention;
  private final ResBlock mid2;
  private final GroupNorm normOut;
  private final Conv2d convOut;

  /**
   * Marker blocks in the down/up lists: a block that changes resolution rather than a residual
   * stage.
   */
  private static final class Resample extends AbstractBlock {
    private final boolean upsample;
    private final Conv2d conv;

    Resample(boolean upsample, int channels) {
      this.upsample = upsample;
      this.conv =
          addChildBlock(
              "conv", upsample ? Layers.conv3x3(channels) : Layers.conv3x3Stride2(channels));
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
      NDArray x = in.singletonOrThrow();
      if (upsample) {
        x = x.repeat(2, 2).repeat(3, 2);
      }
      return conv.forward(ps, new NDList(x), training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
      Shape s = shapes[0];
      conv.initialize(
          manager,
          dataType,
          upsample ? new Shape(s.get(0), s.get(1), s.get(2) * 2, s.get(3) * 2) : s);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] shapes) {
      Shape s = shapes[0];
      return new Shape[] {
        upsample
            ? new Shape(s.get(0), s.get(1), s.get(2) * 2, s.get(3) * 2)
            : new Shape(s.get(0), s.get(1), (s.get(2) + 1) / 2, (s.get(3) + 1) / 2)
      };
    }
  }

  /** A residual block, followed by attention when it sits at the lowest resolution. */
  private static final class Stage extends AbstractBlock {
    private final ResBlock res;
    private final AttentionBlock attention;

    Stage(int in, int out, boolean attend) {
      res = addChildBlock("res", new ResBlock(in, out));
      attention = attend ? addChildBlock("attn", new AttentionBlock(out)) : null;
    }

    boolean attends() {
      return attention != null;
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore ps, NDList in, boolean training, PairList<String, Object> p) {
      NDList h = res.forward(ps, in, training);
      return attention == null ? h : attention.forward(ps, h, training);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
      res.initialize(manager, dataType, shapes);
      if (attention != null) {
        attention.initialize(manager, dataType, res.getOutputShapes(shapes));
      }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] shapes) {
      return res.getOutputShapes(shapes);
    }
  }

  /**
   * What the network computes from the same weights: the noise prediction, or (for NS-Net's frozen
   * encoder) image features from the first levels of the downsampling path.
   */
  public enum Role {
    DENOISER,
    ENCODER
  }

  /**
   * CLIP's normalisation, which the encoder role undoes (its input follows NS-Net's encoder
   * contract).
   */
  private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

  private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

  private final Role role;

  public UNet(UNetConfig config) {
    this(config, Role.DENOISER);
  }

  /**
   * @param role {@link Role#ENCODER}: input a CLIP-normalised RGB image {@code (N, 3, H, W)},
   *     output {@code (N, d)} with {@link #encoderDimension()} features; the weights are the
   *     denoiser's, unchanged
   */
  public UNet(UNetConfig config, Role role) {
    this.config = config;
    this.role = role;
    int base = config.baseChannels();
    int e = config.embeddingDim();
    convIn = addChildBlock("conv_in", Layers.conv3x3(base));
    time1 = addChildBlock("time1", Layers.linear(e));
    time2 = addChildBlock("time2", Layers.linear(e));
    if (config.conditionDim() > 0) {
      cond1 = addChildBlock("cond1", Layers.linear(e));
      cond2 = addChildBlock("cond2", Layers.linear(e));
      nullCondition =
          addParameter(
              Parameter.builder()
                  .setName("null_condition")
                  .setType(Parameter.Type.BIAS)
                  .optShape(new Shape(e))
                  .build());
    } else {
      cond1 = null;
      cond2 = null;
      nullCondition = null;
    }
    List<Integer> mult = config.multipliers();
    int levels = mult.size();
    List<Integer> skipChannels = new ArrayList<>();
    skipChannels.add(base);
    int ch = base;
    for (int i = 0; i < levels; i++) {
      int out = base * mult.get(i);
      for (int j = 0; j < config.resBlocks(); j++) {
        down.add(addChildBlock("down" + i + "_" + j, new Stage(ch, out, i == levels - 1)));
        ch = out;
        skipChannels.add(ch);
      }
      if (i < levels - 1) {
        down.add(addChildBlock("down" + i + "_resample", new Resample(false, ch)));
        skipChannels.add(ch);
      }
    }
    mid1 = addChildBlock("mid1", new ResBlock(ch, ch));
    midAttention = addChildBlock("mid_attn", new AttentionBlock(ch));
    mid2 = addChildBlock("mid2", new ResBlock(ch, ch));
    for (int i = levels - 1; i >= 0; i--) {
      int out = base * mult.get(i);
      for (int j = 0; j <= config.resBlocks(); j++) {
        int skip = skipChannels.remove(skipChannels.size() - 1);
        up.add(addChildBlock("up" + i + "_" + j, new Stage(ch + skip, out, i == levels - 1)));
        ch = out;
      }
      if (i > 0) {
        up.add(addChildBlock("up" + i + "_resample", new Resample(true, ch)));
      }
    }
    normOut = addChildBlock("norm_out", GroupNorm.of(ch));
    convOut = addChildBlock("conv_out", Layers.conv3x3(config.channels()));
  }

  public UNetConfig config() {
    return config;
  }

  public Role role() {
    return role;
  }

  /**
   * Features of the encoder role: per level before the attention-bearing lowest one, the mean and
   * the standard deviation over the image of each channel of the level's output.
   */
  public int encoderDimension() {
    int d = 0;
    for (int i = 0; i < config.multipliers().size() - 1; i++) {
      d += 2 * config.baseChannels() * config.multipliers().get(i);
    }
    return d;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    if (role == Role.ENCODER) {
      return new NDList(encode(ps, inputs.get(0), training));
    }
    NDArray x = inputs.get(0);
    NDArray emb = embedding(ps, inputs, training);
    NDArray h = Layers.apply(convIn, ps, x, training);
    Deque<NDArray> skips = new ArrayDeque<>();
    skips.push(h);
    for (Block b : down) {
      h =
          b instanceof Stage
              ? b.forward(ps, new NDList(h, emb), training).singletonOrThrow()
              : Layers.apply(b, ps, h, training);
      skips.push(h);
    }
    h = mid1.forward(ps, new NDList(h, emb), training).singletonOrThrow();
    h = Layers.apply(midAttention, ps, h, training);
    h = mid2.forward(ps, new NDList(h, emb), training).singletonOrThrow();
    for (Block b : up) {
      h =
          b instanceof Stage
              ? b.forward(ps, new NDList(h.concat(skips.pop(), 1), emb), training)
                  .singletonOrThrow()
              : Layers.apply(b, ps, h, training);
    }
    return new NDList(
        Layers.apply(convOut, ps, Layers.silu(Layers.apply(normOut, ps, h, training)), training));
  }

  /**
   * The encoder role: undo CLIP's normalisation, take grey (luma) for a one-channel network, scale
   * to [-1, 1] as the denoiser saw its images, run the downsampling path at t = 0 and pool each
   * level's output (mean and standard deviation per channel) up to the lowest level, whose
   * self-attention over a 224 px canvas would cost far more than the rest.
   */
  private NDArray encode(ParameterStore ps, NDArray canvas, boolean training) {
    NDManager m = canvas.getManager();
    NDArray rgb =
        canvas
            .mul(m.create(CLIP_STD).reshape(1, 3, 1, 1))
            .add(m.create(CLIP_MEAN).reshape(1, 3, 1, 1));
    NDArray x =
        config.channels() == 1
            ? rgb.mul(m.create(new float[] {0.299f, 0.587f, 0.114f}).reshape(1, 3, 1, 1))
                .sum(new int[] {1}, true)
            : rgb;
    x = x.mul(2f).sub(1f);
    long n = x.getShape().get(0);
    NDArray emb = embedding(ps, new NDList(x, m.zeros(new Shape(n))), training);
    NDArray h = Layers.apply(convIn, ps, x, training);
    List<NDArray> pooled = new ArrayList<>();
    for (Block b : down) {
      if (b instanceof Stage stage) {
        if (stage.attends()) {
          break;
        }
        h = b.forward(ps, new NDList(h, emb), training).singletonOrThrow();
      } else {
        pooled.add(meanAndStd(h));
        h = Layers.apply(b, ps, h, training);
      }
    }
    return NDArrays.concat(new NDList(pooled), 1);
  }

  private static NDArray meanAndStd(NDArray h) {
    Shape s = h.getShape();
    NDArray flat =
        h.reshape(s.get(0), s.get(1), -1); // PyTorch's DJL engine reduces one axis at a time
    NDArray mean = flat.mean(new int[] {2});
    NDArray var = flat.sub(mean.expandDims(2)).square().mean(new int[] {2});
    return mean.concat(var.add(1e-6f).sqrt(), 1);
  }

  private NDArray embedding(ParameterStore ps, NDList inputs, boolean training) {
    NDArray t = Layers.timestepEmbedding(inputs.get(1), config.baseChannels());
    NDArray emb =
        Layers.apply(time2, ps, Layers.silu(Layers.apply(time1, ps, t, training)), training);
    if (config.conditionDim() == 0) {
      return emb;
    }
    NDArray c = inputs.get(2);
    NDArray use = inputs.get(3).toType(DataType.FLOAT32, false).reshape(-1, 1);
    NDArray cond =
        Layers.apply(cond2, ps, Layers.silu(Layers.apply(cond1, ps, c, training)), training);
    NDArray nul = ps.getValue(nullCondition, c.getDevice(), training).reshape(1, -1);
    return emb.add(cond.mul(use)).add(nul.mul(use.neg().add(1)));
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    if (role
        == Role.ENCODER) { // same weights as the denoiser: initialise for its input (N, C, H, W), t
      x = new Shape(x.get(0), config.channels(), x.get(2), x.get(3));
    }
    long n = x.get(0);
    int e = config.embeddingDim();
    Shape embShape = new Shape(n, e);
    convIn.initialize(manager, dataType, x);
    time1.initialize(manager, dataType, new Shape(n, config.baseChannels()));
    time2.initialize(manager, dataType, embShape);
    if (cond1 != null) {
      cond1.initialize(manager, dataType, new Shape(n, config.conditionDim()));
      cond2.initialize(manager, dataType, embShape);
    }
    Shape h = convIn.getOutputShapes(new Shape[] {x})[0];
    Deque<Shape> skips = new ArrayDeque<>();
    skips.push(h);
    for (Block b : down) {
      Shape[] in = b instanceof Stage ? new Shape[] {h, embShape} : new Shape[] {h};
      b.initialize(manager, dataType, in);
      h = b.getOutputShapes(in)[0];
      skips.push(h);
    }
    for (Block b : List.of(mid1, midAttention, mid2)) {
      Shape[] in = b instanceof ResBlock ? new Shape[] {h, embShape} : new Shape[] {h};
      b.initialize(manager, dataType, in);
      h = b.getOutputShapes(in)[0];
    }
    for (Block b : up) {
      Shape[] in;
      if (b instanceof Stage) {
        Shape s = skips.pop();
        in = new Shape[] {new Shape(h.get(0), h.get(1) + s.get(1), h.get(2), h.get(3)), embShape};
      } else {
        in = new Shape[] {h};
      }
      b.initialize(manager, dataType, in);
      h = b.getOutputShapes(in)[0];
    }
    normOut.initialize(manager, dataType, h);
    convOut.initialize(manager, dataType, h);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return role == Role.ENCODER
        ? new Shape[] {new Shape(inputShapes[0].get(0), encoderDimension())}
        : new Shape[] {inputShapes[0]};
  }

  /** The input shapes for {@code initialize} at batch size n and image size s. */
  public Shape[] inputShapes(int n, int size) {
    Shape x = new Shape(n, config.channels(), size, size);
    return config.conditionDim() == 0
        ? new Shape[] {x, new Shape(n)}
        : new Shape[] {x, new Shape(n), new Shape(n, config.conditionDim()), new Shape(n)};
  }
}
