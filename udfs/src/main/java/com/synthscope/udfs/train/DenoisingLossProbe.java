package com.synthscope.udfs.train;

import com.synthscope.udfs.diffusion.ForwardProcess;
import com.synthscope.udfs.diffusion.NoiseSchedule;
import com.synthscope.udfs.diffusion.Prediction;
import com.synthscope.udfs.image.GreyRange;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where a PF-DiffSeg model's denoising error lies: on real crops, noised at timesteps drawn from
 * each of several equal ranges of t, the epsilon MSE of the grey image channel and of the mask
 * channels, next to the image MSE of a reference that knows only the grey histogram's mean and
 * variance (the best per-pixel Gaussian predictor: no spatial structure at all). An image MSE close
 * to that reference means the model has learned no image structure at those noise levels, which is
 * what "samples look like grey noise" predicts.
 */
public final class DenoisingLossProbe {

  /**
   * One range of timesteps.
   *
   * @param fromT first timestep of the range
   * @param toT last timestep of the range
   * @param imageMse epsilon MSE of channel 0 (grey)
   * @param maskMse epsilon MSE of channels 1..K, averaged
   * @param imageGaussianMse epsilon MSE of channel 0 for the structure-free Gaussian predictor
   * @param imageShare the image channel's part of the plain mean over all channels
   */
  public record Bucket(
      int fromT,
      int toT,
      double imageMse,
      double maskMse,
      double imageGaussianMse,
      double imageShare) {}

  /** All ranges, and the grey statistics of the crops (channel 0 in [-1, 1]). */
  public record Result(List<Bucket> buckets, double greyMean, double greyStd, int cropsPerBucket) {

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("crops_per_range", cropsPerBucket);
      m.put("grey_mean", round(greyMean));
      m.put("grey_std", round(greyStd));
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Bucket b : buckets) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("t", b.fromT() + "-" + b.toT());
        r.put("image_mse", round(b.imageMse()));
        r.put("mask_mse", round(b.maskMse()));
        r.put("image_gaussian_mse", round(b.imageGaussianMse()));
        r.put("image_share", round(b.imageShare()));
        rows.add(r);
      }
      m.put("ranges", rows);
      return m;
    }

    private static double round(double v) {
      return Math.round(v * 1e5) / 1e5;
    }
  }

  private DenoisingLossProbe() {}

  /**
   * @param model a pfdiffseg model whose inputs are x, t, fractions, use_condition
   * @param images micrographs at the model's scale
   * @param size the model's crop size
   * @param ranges how many equal ranges of t
   * @param crops crops per range (each noised once at a uniform t of the range)
   */
  public static Result measure(
      LoadedModel model,
      NoiseSchedule schedule,
      List<LabelledMicrograph> images,
      int size,
      int ranges,
      int crops,
      int batch,
      long seed) {
    GreyRange range = GreyRange.fromPreprocessing(model.manifest().preprocessing());
    // the noise error, whatever the network outputs, so models of either target compare
    Prediction prediction = Prediction.ofPreprocessing(model.manifest().preprocessing());
    int classes = MetalDam.CLASSES;
    int channels = 1 + classes;
    int pixels = size * size;
    int per = channels * pixels;
    // grey statistics of the crops, for the structure-free reference
    PairCrops statsCrops = new PairCrops(images, size, seed);
    double sum = 0;
    double sq = 0;
    long count = 0;
    for (int i = 0; i < 256; i++) {
      for (float g : statsCrops.next().grey()) {
        double v = range.toSigned(g);
        sum += v;
        sq += v * v;
        count++;
      }
    }
    double mean = sum / count;
    double var = sq / count - mean * mean;
    List<Bucket> out = new ArrayList<>();
    int total = schedule.steps();
    for (int b = 0; b < ranges; b++) {
      int from = b * total / ranges;
      int to = (b + 1) * total / ranges - 1;
      SplittableRandom rng = new SplittableRandom(seed * 31 + b);
      PairCrops source = new PairCrops(images, size, rng.nextLong());
      double image = 0;
      double mask = 0;
      double reference = 0;
      for (int start = 0; start < crops; start += batch) {
        int n = Math.min(batch, crops - start);
        float[] x0 = new float[n * per];
        float[] fractions = new float[n * classes];
        float[] noise = new float[n * per];
        int[] t = new int[n];
        float[] tf = new float[n];
        float[] use = new float[n];
        for (int i = 0; i < n; i++) {
          Pair p = source.next();
          System.arraycopy(PairCrops.toChannels(p, range), 0, x0, i * per, per);
          System.arraycopy(p.fractions(), 0, fractions, i * classes, classes);
          t[i] = from + rng.nextInt(to - from + 1);
          tf[i] = t[i];
          use[i] = 1f;
          for (int j = i * per; j < (i + 1) * per; j++) {
            noise[j] = (float) gaussian(rng);
          }
        }
        float[] xt = ForwardProcess.qSample(schedule, x0, noise, n, t);
        float[] eps =
            prediction.toNoise(
                model
                    .predict(
                        List.of(
                            Tensor.of(xt, n, channels, size, size),
                            Tensor.of(tf, n),
                            Tensor.of(fractions, n, classes),
                            Tensor.of(use, n)))
                    .get(0)
                    .data(),
                xt,
                n,
                t,
                schedule);
        for (int i = 0; i < n; i++) {
          double abar = schedule.alphaBar(t[i]);
          double sa = Math.sqrt(abar);
          double se = Math.sqrt(1 - abar);
          // x0_hat = mean + sa var / (abar var + 1 - abar) (x_t - sa mean); eps_hat = (x_t - sa
          // x0_hat) / se
          double gain = sa * var / (abar * var + 1 - abar);
          for (int c = 0; c < channels; c++) {
            double e = 0;
            for (int p = 0; p < pixels; p++) {
              int j = i * per + c * pixels + p;
              double d = eps[j] - noise[j];
              e += d * d;
              if (c == 0) {
                double x0Hat = mean + gain * (xt[j] - sa * mean);
                double r = (xt[j] - sa * x0Hat) / se - noise[j];
                reference += r * r;
              }
            }
            if (c == 0) {
              image += e;
            } else {
              mask += e / classes;
            }
          }
        }
      }
      double norm = (double) crops * pixels;
      double im = image / norm;
      double ma = mask / norm;
      out.add(new Bucket(from, to, im, ma, reference / norm, im / (im + classes * ma)));
    }
    return new Result(out, mean, Math.sqrt(var), crops);
  }

  private static double gaussian(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
