package com.synthscope.udfs.train;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.ImageTensors;
import com.synthscope.udfs.image.Resampler;
import com.synthscope.udfs.image.ResizeFilter;
import com.synthscope.udfs.model.ArtifactWriter;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.TensorSpec;
import com.synthscope.udfs.nets.CifarResNet;
import com.synthscope.udfs.nets.CifarResNetFactory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NS-Net's photo encoder (METHODS.md section 4, "Photos"): a CIFAR ResNet trained with softmax
 * cross-entropy on the ten classes of real photographs, then frozen; its pooled penultimate
 * features are the encoder's output (kind {@value NsNetDetector#ENCODER_KIND}, contract: the whole
 * image resized to {@code size} px, RGB in [0, 1], normalised per channel with the training images'
 * mean and standard deviation).
 *
 * <p>The semantic structure it learned ships with it for NS-Net's {@code --null-space classes}: the
 * mean feature of each class over the training images ({@value #CLASS_MEANS}) and the classifier's
 * weight vectors ({@value #CLASS_WEIGHTS}), both K x d in the encoder's raw feature space.
 */
public final class PhotoEncoderTraining {

  public static final String CLASS_MEANS = "class_means";
  public static final String CLASS_WEIGHTS = "class_weights";

  /**
   * Training images the class means are taken over (spread evenly): enough for a mean, and one
   * forward pass each.
   */
  static final int MEAN_IMAGES = 10_000;

  private PhotoEncoderTraining() {}

  /** The network and the input it takes. */
  public record Network(int depth, int width, int classes, int size) {}

  /**
   * A picture as the encoder takes it before normalisation: RGB in [0, 1], resized whole (bicubic)
   * to size.
   */
  public static FloatImage input(BufferedImage image, int size) {
    FloatImage f = ImageTensors.toFloat(image, ColorMode.RGB);
    if (f.height() == size && f.width() == size) {
      return f;
    }
    FloatImage r = Resampler.resize(f, size, size, ResizeFilter.BICUBIC);
    float[] d = r.data();
    for (int i = 0; i < d.length; i++) { // bicubic overshoots
      d[i] = Math.min(1f, Math.max(0f, d[i]));
    }
    return r;
  }

  /** Per-channel mean and standard deviation of RGB images in [0, 1]. */
  public static float[][] channelStatistics(List<FloatImage> images) {
    double[] sum = new double[3];
    double[] sq = new double[3];
    long n = 0;
    for (FloatImage img : images) {
      int hw = img.height() * img.width();
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < hw; i++) {
          double v = img.data()[c * hw + i];
          sum[c] += v;
          sq[c] += v * v;
        }
      }
      n += hw;
    }
    float[] mean = new float[3];
    float[] std = new float[3];
    for (int c = 0; c < 3; c++) {
      double m = sum[c] / n;
      mean[c] = (float) m;
      std[c] = (float) Math.max(1e-6, Math.sqrt(Math.max(0, sq[c] / n - m * m)));
    }
    return new float[][] {mean, std};
  }

  /** (x - mean_c) / std_c per channel. */
  public static float[] normalise(FloatImage img, float[][] meanStd) {
    int hw = img.height() * img.width();
    float[] out = new float[3 * hw];
    for (int c = 0; c < 3; c++) {
      for (int i = 0; i < hw; i++) {
        out[c * hw + i] = (img.data()[c * hw + i] - meanStd[0][c]) / meanStd[1][c];
      }
    }
    return out;
  }

  /**
   * Trains the classifier and writes the encoder artifact {@code out/model}.
   *
   * @param train normalised images and class indices
   * @param meanStd the normalisation the examples were made with
   */
  public static Path run(
      List<ClassifierTrainer.Example> train,
      List<ClassifierTrainer.Example> validation,
      float[][] meanStd,
      Network network,
      ClassifierTrainer.Recipe recipe,
      List<String> classNames,
      Path out,
      boolean resume,
      Map<String, Object> dataInfo,
      PrintStream progress)
      throws IOException {
    Shape sample = new Shape(3, network.size(), network.size());
    CifarResNet classifier =
        new CifarResNet(
            network.depth(), network.width(), network.classes(), CifarResNet.Role.CLASSIFIER);
    ClassifierTrainer.Summary summary =
        new ClassifierTrainer(
                recipe,
                classifier,
                sample,
                ClassifierTrainer.softmaxCrossEntropy(network.classes()),
                out,
                progress)
            .run(train, validation, resume);
    float[][] weights;
    float[][] means;
    try (Model m = Model.newInstance("photo-encoder", "PyTorch")) {
      CifarResNet c =
          new CifarResNet(
              network.depth(), network.width(), network.classes(), CifarResNet.Role.CLASSIFIER);
      m.setBlock(c);
      ClassifierTrainer.loadParams(m, summary.best());
      weights = classWeights(c, network.classes());
    }
    CifarResNet encoder =
        new CifarResNet(
            network.depth(), network.width(), network.classes(), CifarResNet.Role.ENCODER);
    try (Model m = Model.newInstance("photo-encoder", "PyTorch")) {
      m.setBlock(encoder);
      ClassifierTrainer.loadParams(m, summary.best());
      means =
          classMeans(
              encoder,
              m.getNDManager(),
              sample,
              spread(train, MEAN_IMAGES),
              network.classes(),
              recipe.batch());
    }
    Path dir = out.resolve("model");
    DiffusionExport.fresh(dir);
    String kind = NsNetDetector.ENCODER_KIND;
    String entry = kind + "-0000.params";
    Files.copy(
        summary.best().resolve(ClassifierTrainer.PREFIX + "-0000.params"), dir.resolve(entry));
    int d = encoder.featureDimension();
    Map<String, Object> pre = new LinkedHashMap<>();
    pre.put("size", network.size());
    pre.put("channels", 3);
    pre.put("resize", "whole image, bicubic");
    pre.put("normalisation", "per channel (x - mean) / std, x RGB in [0, 1]");
    pre.put("mean", floats(meanStd[0]));
    pre.put("std", floats(meanStd[1]));
    pre.put("classes", classNames);
    pre.put(CLASS_MEANS, rows(means));
    pre.put(CLASS_WEIGHTS, rows(weights));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put(
        "network",
        "CIFAR ResNet-"
            + network.depth()
            + " (He et al. 2016), width "
            + network.width()
            + ", 1x1-conv shortcuts");
    r.put(
        "task",
        "softmax cross-entropy on the "
            + network.classes()
            + " classes of the real training images;"
            + " frozen; features = global-average-pooled penultimate layer");
    r.put(
        "class_means_over",
        Math.min(train.size(), MEAN_IMAGES) + " training images, spread evenly");
    r.putAll(recipe.toMap());
    r.putAll(dataInfo);
    Map<String, Object> metrics = new LinkedHashMap<>(summary.metrics());
    metrics.put("dimension", d);
    ArtifactWriter.write(
        dir,
        "nsnet-photo-encoder-resnet" + network.depth(),
        "1",
        kind,
        ModelFormat.DJL_PARAMS,
        entry,
        CifarResNetFactory.class.getName(),
        encoder.arguments(),
        List.of(
            new TensorSpec(
                "image", List.of(3L, (long) network.size(), (long) network.size()), "float32")),
        List.of(new TensorSpec("features", List.of((long) d), "float32")),
        pre,
        r,
        metrics);
    return dir;
  }

  private static float[][] classWeights(CifarResNet classifier, int classes) {
    float[] flat = classifier.classifierWeight().toFloatArray();
    int d = flat.length / classes;
    float[][] out = new float[classes][d];
    for (int k = 0; k < classes; k++) {
      System.arraycopy(flat, k * d, out[k], 0, d);
    }
    return out;
  }

  /** At most {@code n} examples, every k-th. */
  static <T> List<T> spread(List<T> all, int n) {
    if (all.size() <= n) {
      return all;
    }
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(all.get((int) ((long) i * all.size() / n)));
    }
    return out;
  }

  /** Mean feature per class over the examples, in inference mode. */
  static float[][] classMeans(
      CifarResNet encoder,
      NDManager manager,
      Shape sample,
      List<ClassifierTrainer.Example> xs,
      int classes,
      int batch) {
    int d = encoder.featureDimension();
    double[][] sum = new double[classes][d];
    int[] count = new int[classes];
    int per = (int) sample.size();
    for (int start = 0; start < xs.size(); start += batch) {
      int n = Math.min(batch, xs.size() - start);
      float[] x = new float[n * per];
      for (int i = 0; i < n; i++) {
        System.arraycopy(xs.get(start + i).x(), 0, x, i * per, per);
      }
      try (NDManager m = manager.newSubManager()) {
        float[] f =
            encoder
                .forward(
                    new ParameterStore(m, false),
                    new NDList(m.create(x, new Shape(n).addAll(sample))),
                    false)
                .singletonOrThrow()
                .toFloatArray();
        for (int i = 0; i < n; i++) {
          int k = xs.get(start + i).label();
          count[k]++;
          for (int j = 0; j < d; j++) {
            sum[k][j] += f[i * d + j];
          }
        }
      }
    }
    float[][] out = new float[classes][d];
    for (int k = 0; k < classes; k++) {
      for (int j = 0; j < d; j++) {
        out[k][j] = count[k] == 0 ? 0f : (float) (sum[k][j] / count[k]);
      }
    }
    return out;
  }

  private static List<Double> floats(float[] v) {
    List<Double> l = new ArrayList<>(v.length);
    for (float x : v) {
      l.add((double) x);
    }
    return l;
  }

  private static List<List<Double>> rows(float[][] m) {
    List<List<Double>> l = new ArrayList<>(m.length);
    for (float[] row : m) {
      l.add(floats(row));
    }
    return l;
  }
}
