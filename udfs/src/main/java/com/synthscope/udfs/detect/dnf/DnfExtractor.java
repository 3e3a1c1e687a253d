package com.synthscope.udfs.detect.dnf;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.synthscope.udfs.diffusion.DdimSampler;
import com.synthscope.udfs.diffusion.NoisePredictor;
import com.synthscope.udfs.diffusion.NoiseSchedule;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelManifest;
import com.synthscope.udfs.model.Tensor;
import com.synthscope.udfs.model.TensorSpec;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The Diffusion Noise Feature (Zhang &amp; Xu, METHODS.md section 1): the noise a pretrained
 * diffusion model's noise predictor sees in an image, post-processed as the released code stores
 * it.
 *
 * <p>Input: a flat NCHW batch of {@code n} images already resized to the diffusion model's
 * resolution and scaled to {@code x in [-1, 1]} (see {@code image.ImageTensors} / {@code
 * image.Resampler}); output: the feature in the same layout. {@link DnfMode#T0} costs one predictor
 * call per batch, {@code inversion:K:*} K calls.
 *
 * <p>Timestep convention (the {@code diffusion} package's): {@code t} indexes {@code 0 .. T-1},
 * {@code t = 0} is the first noisy level and the clean image sits below it, so {@code t0} is {@code
 * eps_theta(x, 0)} and the first eps of the inversion equals it. The schedule only matters for
 * inversion; the default is the paper backbone's (linear betas 1e-4 .. 0.02, T = 1000).
 *
 * <p>The extractor holds no native resources and is serializable; the predictor is passed per call.
 */
public final class DnfExtractor implements Serializable {

  private static final long serialVersionUID = 1L;

  private final DnfMode mode;
  private final DnfPostprocess postprocess;
  private final NoiseSchedule schedule;

  /** With the paper backbone's schedule, linear 1e-4 .. 0.02 over T = 1000. */
  public DnfExtractor(DnfMode mode, DnfPostprocess postprocess) {
    this(mode, postprocess, NoiseSchedule.linear(1000));
  }

  /**
   * @param schedule the diffusion model's training schedule (used by inversion modes; K must not
   *     exceed its T)
   */
  public DnfExtractor(DnfMode mode, DnfPostprocess postprocess, NoiseSchedule schedule) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.postprocess = Objects.requireNonNull(postprocess, "postprocess");
    this.schedule = Objects.requireNonNull(schedule, "schedule");
    if (mode.steps() > schedule.steps()) {
      throw new IllegalArgumentException(
          "DNF mode " + mode + " needs K <= T = " + schedule.steps());
    }
  }

  /** {@code t0} with {@code clip01-uint8}: the released pipeline. */
  public static DnfExtractor released() {
    return new DnfExtractor(DnfMode.T0, DnfPostprocess.CLIP01_UINT8);
  }

  public DnfMode mode() {
    return mode;
  }

  public DnfPostprocess postprocess() {
    return postprocess;
  }

  public NoiseSchedule schedule() {
    return schedule;
  }

  /**
   * The features of a batch.
   *
   * @param eps the diffusion model's noise predictor
   * @param x flat NCHW batch of {@code n} images in [-1, 1]; not modified
   * @param n batch size
   * @return a new array, same length and layout as {@code x}
   */
  public float[] extract(NoisePredictor eps, float[] x, int n) {
    Objects.requireNonNull(eps, "noise predictor");
    if (x == null || n < 1 || x.length == 0 || x.length % n != 0) {
      throw new IllegalArgumentException(
          "need a non-empty batch of n >= 1 equal samples, got "
              + (x == null ? "null" : x.length + " values")
              + " for n = "
              + n);
    }
    float[] e;
    if (mode.kind() == DnfMode.Kind.T0) {
      e = eps.predictNoise(x.clone(), n, new int[n]);
      if (e == null || e.length != x.length) {
        throw new IllegalStateException(
            "noise predictor returned "
                + (e == null ? "null" : e.length + " values")
                + " for an input of "
                + x.length);
      }
      e = e.clone();
    } else {
      DdimSampler.Inversion inv = new DdimSampler(schedule, mode.steps()).invert(eps, x, n);
      e =
          switch (mode.pick()) {
            case FIRST -> inv.firstEps();
            case LAST -> inv.lastEps();
            case MEAN -> inv.meanEps();
          };
    }
    return postprocess.applyInPlace(e);
  }

  /**
   * A noise predictor over an exported diffusion model, with per-sample shapes from its manifest.
   *
   * <p>Export contract: a TorchScript or ONNX diffusion UNet (or a djl-params artifact of this
   * project's {@code nets.UNet} trained unconditionally, {@code UNetConfig} with {@code
   * conditionDim 0}) with two inputs in this order, {@code x} of per-sample shape {@code [C, H, W]}
   * (x_t in the model's scale, [-1, 1] for the clean image) and {@code t} of per-sample shape
   * {@code []} (the timestep index 0 .. T-1, float32; an {@code int64} spec is also honoured, the
   * translator rounds), and one output, eps of shape {@code [C, H, W]}. Free dimensions ({@code
   * -1}) in {@code x}'s spec are allowed only for square images of fixed C; otherwise use {@link
   * #predictor(LoadedModel, int, int, int)}. Models that return more channels (e.g.
   * guided-diffusion's learned-sigma UNets, 2C) must be exported with a wrapper that returns the
   * first C: the paper's DDPM LSUN-Bedroom UNet returns eps only.
   */
  public static NoisePredictor predictor(LoadedModel model) {
    List<TensorSpec> in = checkContract(model);
    List<Long> s = in.get(0).shape();
    long c = s.get(0);
    long h = s.get(1);
    long w = s.get(2);
    if (c < 1) {
      throw new IllegalArgumentException(
          "model "
              + model.modelId()
              + ": x has a free channel dimension; "
              + "give the shape with predictor(model, c, h, w)");
    }
    if (h >= 1 && w >= 1) {
      return predictor(model, (int) c, (int) h, (int) w);
    }
    return (x, n, t) -> {
      long per = x.length / n / c;
      int side = (int) Math.round(Math.sqrt(per));
      if ((long) side * side != per) {
        throw new IllegalArgumentException(
            "model "
                + model.modelId()
                + " has free image dimensions and a sample of "
                + x.length / n
                + " values is not a square "
                + c
                + "-channel image; use predictor(model, c, h, w)");
      }
      return run(model, x, n, t, c, side, side);
    };
  }

  /** As {@link #predictor(LoadedModel)} with an explicit per-sample shape {@code [c, h, w]}. */
  public static NoisePredictor predictor(LoadedModel model, int c, int h, int w) {
    checkContract(model);
    return (x, n, t) -> run(model, x, n, t, c, h, w);
  }

  private static List<TensorSpec> checkContract(LoadedModel model) {
    ModelManifest m = model.manifest();
    List<TensorSpec> in = m.inputs();
    if (in.size() != 2
        || in.get(0).shape().size() != 3
        || !in.get(1).shape().isEmpty()
        || m.outputs().size() != 1
        || m.outputs().get(0).shape().size() != 3) {
      throw new IllegalArgumentException(
          "model "
              + model.modelId()
              + " is not a noise predictor: DNF needs inputs"
              + " (x [C,H,W], t []) and one output eps [C,H,W], the manifest has inputs "
              + shapes(in)
              + " and outputs "
              + shapes(m.outputs()));
    }
    return in;
  }

  private static String shapes(List<TensorSpec> specs) {
    return specs.stream().map(s -> s.name() + s.shape()).toList().toString();
  }

  private static float[] run(LoadedModel model, float[] x, int n, int[] t, long c, long h, long w) {
    List<Tensor> out = model.predict(List.of(Tensor.of(x, n, c, h, w), Tensor.of(timesteps(t), n)));
    float[] e = out.get(0).data();
    if (e.length != x.length) {
      throw new IllegalStateException(
          "model "
              + model.modelId()
              + " returned "
              + Arrays.toString(out.get(0).shape())
              + " for x of shape ["
              + n
              + ", "
              + c
              + ", "
              + h
              + ", "
              + w
              + "]; DNF needs eps of x's shape");
    }
    return e;
  }

  /**
   * A noise predictor over a DJL block run in this JVM (e.g. {@code nets.UNet} with {@code
   * conditionDim 0}, taking {@code (x [N,C,H,W], t [N] float32)} and returning eps [N,C,H,W]). Each
   * call makes and closes its own sub-manager of {@code manager}, so no native memory outlives a
   * batch; inference mode (training = false). The block must be initialised and must not be trained
   * concurrently.
   */
  public static NoisePredictor predictor(Block block, NDManager manager, int c, int h, int w) {
    Objects.requireNonNull(block, "block");
    Objects.requireNonNull(manager, "manager");
    return (x, n, t) -> {
      try (NDManager batch = manager.newSubManager()) {
        NDArray xs = batch.create(x, new Shape(n, c, h, w));
        NDArray ts = batch.create(timesteps(t));
        NDArray e =
            block
                .forward(new ParameterStore(batch, false), new NDList(xs, ts), false)
                .singletonOrThrow();
        return e.toFloatArray();
      }
    };
  }

  private static float[] timesteps(int[] t) {
    float[] f = new float[t.length];
    for (int i = 0; i < t.length; i++) {
      f[i] = t[i];
    }
    return f;
  }

  @Override
  public String toString() {
    return "DnfExtractor[" + mode + ", " + postprocess.label() + ", " + schedule + "]";
  }
}
