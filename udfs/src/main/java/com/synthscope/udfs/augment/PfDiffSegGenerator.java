package com.synthscope.udfs.augment;

import com.synthscope.udfs.diffusion.MultiDiffusion;
import com.synthscope.udfs.diffusion.NoisePredictor;
import com.synthscope.udfs.diffusion.NoiseSchedule;
import com.synthscope.udfs.diffusion.Prediction;
import com.synthscope.udfs.image.GreyRange;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelManifest;
import com.synthscope.udfs.model.Tensor;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Generates micrograph image + mask pairs with a {@code pfdiffseg} model: one denoising trajectory
 * over the joint (grey + K one-hot) state, steered by a requested fraction vector with
 * classifier-free guidance {@code eps = eps_null + w (eps_cond - eps_null)} (w = 1: conditional
 * only; w = 0: unconditional).
 */
public final class PfDiffSegGenerator {

  /**
   * How to sample.
   *
   * @param canvas side of the generated pairs in pixels; 0 (or the model's crop size) generates one
   *     window, larger sides run MultiDiffusion over overlapping windows of the model's size
   * @param stride window stride of MultiDiffusion; 0: half the window
   * @param weighting how MultiDiffusion averages overlapping windows
   * @param steering strength of {@link FractionSteering} in [0, 1]; 0: guidance alone steers the
   *     fractions
   * @param steeringSchedule how that strength is spread over the steps
   */
  public record Settings(
      SamplerSpec sampler,
      float guidance,
      int canvas,
      int stride,
      MultiDiffusion.Weighting weighting,
      float steering,
      SteeringSchedule steeringSchedule)
      implements Serializable {

    public Settings {
      if (canvas < 0 || stride < 0 || weighting == null || steeringSchedule == null) {
        throw new IllegalArgumentException(
            "canvas and stride must be >= 0 and a weighting and steering schedule given, got "
                + canvas
                + ", "
                + stride
                + ", "
                + weighting
                + ", "
                + steeringSchedule);
      }
      if (!(steering >= 0 && steering <= 1)) {
        throw new IllegalArgumentException("fraction steering must lie in [0, 1], got " + steering);
      }
    }

    /** No fraction steering. */
    public Settings(
        SamplerSpec sampler,
        float guidance,
        int canvas,
        int stride,
        MultiDiffusion.Weighting weighting) {
      this(sampler, guidance, canvas, stride, weighting, 0f, SteeringSchedule.DEFAULT);
    }

    /** The same settings with another steering strength, on the default schedule. */
    public Settings withSteering(float strength) {
      return withSteering(strength, SteeringSchedule.DEFAULT);
    }

    /** The same settings with another steering strength and schedule. */
    public Settings withSteering(float strength, SteeringSchedule schedule) {
      return new Settings(sampler, guidance, canvas, stride, weighting, strength, schedule);
    }

    /** Pairs of {@code canvas} px, Gaussian-weighted windows. */
    public Settings(SamplerSpec sampler, float guidance, int canvas, int stride) {
      this(sampler, guidance, canvas, stride, MultiDiffusion.Weighting.GAUSSIAN);
    }

    /** Pairs of the model's own size. */
    public Settings(SamplerSpec sampler, float guidance) {
      this(sampler, guidance, 0, 0);
    }
  }

  /**
   * Windows per network call in MultiDiffusion (twice that with guidance); fixed, so that bytes
   * never depend on it.
   */
  static final int WINDOW_BATCH = 32;

  /**
   * One generated pair.
   *
   * @param grey image in [0, 1], size x size
   * @param mask class index per pixel (argmax over the K mask channels)
   * @param achieved phase fractions of the mask
   */
  public record Generated(float[] grey, byte[] mask, float[] achieved) {}

  private final LoadedModel model;
  private final Settings settings;
  private final NoiseSchedule schedule;
  private final int window;
  private final int size;
  private final int stride;
  private final int classes;
  private final GreyRange grey;
  private final Prediction prediction;

  public PfDiffSegGenerator(LoadedModel model, Settings settings) {
    ModelManifest m =
        model.manifest(); // its kind was checked at load (EmbeddedModels.pfDiffSeg, PfDiffSegModel)
    this.model = model;
    this.settings = settings;
    this.schedule =
        NoiseSchedule.parse(
            String.valueOf(m.arguments().get("schedule")),
            ((Number) m.arguments().get("timesteps")).intValue());
    this.window = ((Number) m.preprocessing().get("size")).intValue();
    this.size = settings.canvas() == 0 ? window : settings.canvas();
    this.stride = settings.stride() == 0 ? Math.max(1, window / 2) : settings.stride();
    if (size < window) {
      throw new IllegalArgumentException(
          "pairs of " + size + " px are smaller than the model's window of " + window + " px");
    }
    if (stride > window) {
      throw new IllegalArgumentException(
          "window stride " + stride + " exceeds the window of " + window + " px");
    }
    this.classes = ((Number) m.preprocessing().get("classes")).intValue();
    this.grey = GreyRange.fromPreprocessing(m.preprocessing());
    this.prediction = Prediction.ofPreprocessing(m.preprocessing());
  }

  /** Side of the generated pairs in pixels. */
  public int size() {
    return size;
  }

  /** Side of the network's window (the training crop). */
  public int window() {
    return window;
  }

  /** Windows the network sees per pair and step: 1, or MultiDiffusion's tiling of the canvas. */
  public int windowsPerPair() {
    return size == window
        ? 1
        : MultiDiffusion.offsets(size, window, stride).length
            * MultiDiffusion.offsets(size, window, stride).length;
  }

  public int classes() {
    return classes;
  }

  /** Network evaluations per sample for these settings. */
  public int steps() {
    return settings.sampler().stepsFor(schedule);
  }

  /**
   * Generates one pair per seed. A pair depends only on its seed, its request and the settings, not
   * on the other samples of the batch.
   */
  public List<Generated> generate(long[] seeds, float[][] requested) {
    int n = seeds.length;
    int channels = 1 + classes;
    int per = channels * size * size;
    float[] conditions = new float[n * classes];
    for (int i = 0; i < n; i++) {
      if (requested[i].length != classes) {
        throw new IllegalArgumentException(
            "a request has "
                + requested[i].length
                + " fractions, the model has "
                + classes
                + " classes");
      }
      System.arraycopy(requested[i], 0, conditions, i * classes, classes);
    }
    NoisePredictor predictor =
        size == window
            ? (x, count, t) -> guided(x, count, t, conditions, channels)
            : new MultiDiffusion(
                channels,
                size,
                window,
                stride,
                WINDOW_BATCH,
                settings.weighting(),
                (windows, sampleOf, t) ->
                    guided(windows, t.length, t, windowConditions(conditions, sampleOf), channels));
    if (settings.steering() > 0) {
      predictor =
          new FractionSteering(
              predictor,
              schedule,
              classes,
              size * size,
              conditions,
              settings.steering(),
              settings.steeringSchedule());
    }
    float[] x0 = settings.sampler().sample(schedule, predictor, seeds, per);
    List<Generated> out = new ArrayList<>(n);
    int pixels = size * size;
    for (int i = 0; i < n; i++) {
      float[] sample = Arrays.copyOfRange(x0, i * per, (i + 1) * per);
      float[] grey = new float[pixels];
      for (int p = 0; p < pixels; p++) {
        grey[p] = this.grey.toGrey(sample[p]);
      }
      byte[] mask = PhaseFractions.argmaxMask(sample, classes, size, size, 1);
      out.add(new Generated(grey, mask, PhaseFractions.of(mask, classes)));
    }
    return out;
  }

  /** Every window gets the fraction request of its whole canvas. */
  private float[] windowConditions(float[] conditions, int[] sampleOf) {
    float[] c = new float[sampleOf.length * classes];
    for (int k = 0; k < sampleOf.length; k++) {
      System.arraycopy(conditions, sampleOf[k] * classes, c, k * classes, classes);
    }
    return c;
  }

  /** Guided noise (read from the network's output) of {@code n} windows of the model's size. */
  private float[] guided(float[] x, int n, int[] t, float[] conditions, int channels) {
    float w = settings.guidance();
    float[] tf = new float[n];
    for (int i = 0; i < n; i++) {
      tf[i] = t[i];
    }
    if (w == 1f) {
      return prediction.toNoise(eps(x, n, tf, conditions, ones(n), channels), x, n, t, schedule);
    }
    // conditional and null-condition predictions in one doubled batch
    float[] both =
        eps(
            concat(x, x),
            2 * n,
            concat(tf, tf),
            concat(conditions, conditions),
            concat(ones(n), new float[n]),
            channels);
    int half = x.length;
    float[] out = new float[half];
    for (int j = 0; j < half; j++) {
      float cond = both[j];
      float nul = both[half + j];
      out[j] = nul + w * (cond - nul);
    }
    // guidance is linear, so it combines v as it combines the noise
    return prediction.toNoise(out, x, n, t, schedule);
  }

  private float[] eps(float[] x, int n, float[] t, float[] c, float[] use, int channels) {
    List<Tensor> outputs =
        model.predict(
            List.of(
                Tensor.of(x, n, channels, window, window),
                Tensor.of(t, n),
                Tensor.of(c, n, classes),
                Tensor.of(use, n)));
    return outputs.get(0).data();
  }

  private static float[] ones(int n) {
    float[] a = new float[n];
    Arrays.fill(a, 1f);
    return a;
  }

  private static float[] concat(float[] a, float[] b) {
    float[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
