package com.synthscope.udfs.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Trains a classifier on examples held in memory: binary (one logit per sample, the detectors) or
 * multi-class (one logit per class, softmax cross-entropy: NS-Net's photo encoder on the CIFAR
 * classes), with the DNF paper's schedule: Adam at a fixed rate, validation accuracy after every
 * epoch, the rate divided by 10 after {@code patience} epochs without a gain, training stops once
 * the rate falls below {@code minLearningRate} (or after {@code maxEpochs}). The weights of the
 * best validation epoch are kept.
 *
 * <p>Files under {@code out}: {@code checkpoint/} (last epoch's weights and state, replaced
 * atomically, for {@code --resume}), {@code best/} (best epoch's weights), {@code metrics.csv} (one
 * line per epoch). Adam's moment estimates are not in DJL's public API and restart on resume.
 */
public final class ClassifierTrainer {

  public static final String PREFIX = "classifier";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

  /**
   * @param horizontalFlip flip each training sample left-right with probability 1/2 (samples shaped
   *     [C, H, W])
   * @param cropPadding random translation as in the CIFAR ResNets: pad each training sample by this
   *     many zero pixels per side and crop it back at a random offset (0: none)
   * @param dihedral also flip each square training sample top-bottom and transpose it, each with
   *     probability 1/2: with the left-right flip, one of the 8 symmetries of the square, for
   *     images without a preferred orientation (micrographs)
   */
  public record Recipe(
      int batch,
      float learningRate,
      int patience,
      float minLearningRate,
      int maxEpochs,
      boolean horizontalFlip,
      long seed,
      int cropPadding,
      boolean dihedral) {
    public Recipe {
      if (batch < 2
          || !(learningRate > 0)
          || patience < 1
          || !(minLearningRate > 0)
          || maxEpochs < 1
          || cropPadding < 0) {
        throw new IllegalArgumentException(
            "need batch >= 2, learning rates > 0, patience >= 1, max epochs >= 1,"
                + " crop padding >= 0");
      }
    }

    /** Without the dihedral symmetries. */
    public Recipe(
        int batch,
        float learningRate,
        int patience,
        float minLearningRate,
        int maxEpochs,
        boolean horizontalFlip,
        long seed,
        int cropPadding) {
      this(
          batch,
          learningRate,
          patience,
          minLearningRate,
          maxEpochs,
          horizontalFlip,
          seed,
          cropPadding,
          false);
    }

    /** Without random crops. */
    public Recipe(
        int batch,
        float learningRate,
        int patience,
        float minLearningRate,
        int maxEpochs,
        boolean horizontalFlip,
        long seed) {
      this(batch, learningRate, patience, minLearningRate, maxEpochs, horizontalFlip, seed, 0);
    }

    /** The same recipe with or without the dihedral symmetries. */
    public Recipe withDihedral(boolean on) {
      return new Recipe(
          batch,
          learningRate,
          patience,
          minLearningRate,
          maxEpochs,
          horizontalFlip,
          seed,
          cropPadding,
          on);
    }

    /** The paper's recipe: Adam 1e-4, patience 5, stop below 1e-6, horizontal flips. */
    public static Recipe paper(int batch, int maxEpochs, long seed) {
      return new Recipe(batch, 1e-4f, 5, 1e-6f, maxEpochs, true, seed);
    }

    /** As the manifest's recipe (and the checkpoint's state) records it. */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("optimizer", "Adam");
      m.put("learning_rate", learningRate);
      m.put("batch", batch);
      m.put("patience", patience);
      m.put("min_learning_rate", minLearningRate);
      m.put("max_epochs", maxEpochs);
      m.put("horizontal_flip", horizontalFlip);
      m.put("seed", seed);
      if (cropPadding
          > 0) { // only when used: checkpoints written before the field existed still match
        m.put("crop_padding", cropPadding);
      }
      if (dihedral) { // the same: only when used
        m.put("dihedral", true);
      }
      return m;
    }
  }

  /**
   * One training example: a flat sample of the network's per-sample shape and its label, 0 real, 1
   * generated (or the class index 0..K-1 for a multi-class objective).
   */
  public record Example(float[] x, int label) {}

  /**
   * The loss of a batch from the network's outputs; the logits are the first output unless it says
   * otherwise.
   */
  public interface Objective {
    NDArray loss(NDList outputs, NDArray labels);

    default NDArray logits(NDList outputs) {
      return outputs.get(0);
    }

    /** Logits per sample: 1 (binary, p = sigmoid) or the number of classes (softmax). */
    default int classes() {
      return 1;
    }
  }

  /**
   * Softmax cross-entropy over {@code classes} logits on the first output; labels are class
   * indices.
   */
  public static Objective softmaxCrossEntropy(int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("softmax needs at least 2 classes, got " + classes);
    }
    return new Objective() {
      @Override
      public NDArray loss(NDList outputs, NDArray labels) {
        NDArray logp = outputs.get(0).reshape(-1, classes).logSoftmax(1);
        NDArray onehot =
            labels
                .reshape(-1)
                .toType(ai.djl.ndarray.types.DataType.INT64, false)
                .oneHot(classes)
                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
        return logp.mul(onehot).sum(new int[] {1}).neg().mean();
      }

      @Override
      public int classes() {
        return classes;
      }
    };
  }

  /** BCE with logits on the first output. */
  public static Objective binaryCrossEntropy() {
    return (outputs, labels) -> {
      NDArray z = outputs.get(0).reshape(-1);
      NDArray y = labels.reshape(-1);
      return z.maximum(0f).sub(z.mul(y)).add(z.abs().neg().exp().add(1f).log()).mean();
    };
  }

  public record Summary(
      int epochs,
      int bestEpoch,
      double bestValidationAccuracy,
      double seconds,
      long parameters,
      Path best) {

    /** As the manifest's metrics record them. */
    public Map<String, Object> metrics() {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("epochs", epochs);
      m.put("best_epoch", bestEpoch);
      m.put("val_accuracy", bestValidationAccuracy);
      m.put("train_seconds", Math.round(seconds));
      m.put("parameters", parameters);
      return m;
    }
  }

  private final Recipe recipe;
  private final Block net;
  private final Shape sample;
  private final Objective objective;
  private final Path out;
  private final PrintStream progress;

  public ClassifierTrainer(
      Recipe recipe,
      Block net,
      Shape sampleShape,
      Objective objective,
      Path out,
      PrintStream progress) {
    this.recipe = recipe;
    this.net = net;
    this.sample = sampleShape;
    this.objective = objective;
    this.out = out;
    this.progress = progress;
  }

  public Path checkpointDir() {
    return out.resolve("checkpoint");
  }

  public Path bestDir() {
    return out.resolve("best");
  }

  /**
   * Trains to the end of the schedule (or continues a checkpoint) and returns where the best
   * weights are.
   */
  public Summary run(List<Example> train, List<Example> validation, boolean resume)
      throws IOException {
    if (train.size() < recipe.batch() || validation.isEmpty()) {
      throw new IllegalArgumentException(
          "need at least one batch ("
              + recipe.batch()
              + ") of training examples and"
              + " one validation example, got "
              + train.size()
              + " and "
              + validation.size());
    }
    Files.createDirectories(out);
    Engine.getEngine("PyTorch").setRandomSeed((int) recipe.seed());
    MutableRate rate = new MutableRate(recipe.learningRate());
    try (Model model = Model.newInstance("classifier-training", "PyTorch")) {
      model.setBlock(net);
      JsonObject state = resume ? readState() : null;
      if (state == null && Files.exists(checkpointDir().resolve("state.json"))) {
        throw new IllegalStateException(
            "a checkpoint exists in "
                + out
                + ": pass --resume to continue it, or choose"
                + " another --out");
      }
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
              .optOptimizer(Optimizer.adam().optLearningRateTracker(rate).build());
      if (state != null) {
        loadParams(
            model, checkpointDir()); // before initialisation, which then keeps the loaded weights
      }
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(recipe.batch()).addAll(sample));
        int epoch = 0;
        int bestEpoch = 0;
        double best = -1;
        int stale = 0;
        double secondsBefore = 0;
        if (state != null) {
          epoch = state.get("epoch").getAsInt();
          bestEpoch = state.get("best_epoch").getAsInt();
          best = state.get("best_accuracy").getAsDouble();
          stale = state.get("stale_epochs").getAsInt();
          secondsBefore = state.get("seconds").getAsDouble();
          rate.value = state.get("learning_rate").getAsFloat();
          progress.printf(
              Locale.ROOT,
              "resuming after epoch %d (lr %.1e, best val acc %.4f)%n",
              epoch,
              rate.value,
              best);
        } else {
          Files.writeString(
              out.resolve("metrics.csv"),
              "epoch,learning_rate,train_loss,val_accuracy,seconds\n",
              StandardCharsets.UTF_8);
        }
        long parameters =
            net.getParameters().stream()
                .filter(p -> p.getValue().requiresGradient())
                .mapToLong(p -> p.getValue().getArray().size())
                .sum();
        progress.printf(
            Locale.ROOT,
            "training %,d parameters on %d examples (validation %d), batch %d%n",
            parameters,
            train.size(),
            validation.size(),
            recipe.batch());
        long started = System.nanoTime();
        while (epoch < recipe.maxEpochs() && rate.value >= recipe.minLearningRate()) {
          double loss = trainEpoch(trainer, train, epoch);
          epoch++;
          double accuracy = accuracy(trainer.getManager(), validation);
          if (accuracy > best) {
            best = accuracy;
            bestEpoch = epoch;
            stale = 0;
            save(model, bestDir(), null);
          } else if (++stale >= recipe.patience()) {
            rate.value /= 10f;
            stale = 0;
          }
          double seconds = secondsBefore + (System.nanoTime() - started) / 1e9;
          Files.writeString(
              out.resolve("metrics.csv"),
              String.format(
                  Locale.ROOT,
                  "%d,%.2e,%.6f,%.6f,%.1f%n",
                  epoch,
                  rate.value,
                  loss,
                  accuracy,
                  seconds),
              StandardCharsets.UTF_8,
              StandardOpenOption.APPEND);
          JsonObject s = new JsonObject();
          s.addProperty("epoch", epoch);
          s.addProperty("best_epoch", bestEpoch);
          s.addProperty("best_accuracy", best);
          s.addProperty("stale_epochs", stale);
          s.addProperty("learning_rate", rate.value);
          s.addProperty("seconds", seconds);
          s.add("recipe", GSON.toJsonTree(recipe.toMap()));
          save(model, checkpointDir(), s);
          progress.printf(
              Locale.ROOT,
              "epoch %d  loss %.4f  val acc %.4f  best %.4f (epoch %d)  lr %.1e  %.0f s%n",
              epoch,
              loss,
              accuracy,
              best,
              bestEpoch,
              rate.value,
              seconds);
        }
        double seconds = secondsBefore + (System.nanoTime() - started) / 1e9;
        return new Summary(epoch, bestEpoch, best, seconds, parameters, bestDir());
      }
    }
  }

  private double trainEpoch(Trainer trainer, List<Example> train, int epoch) {
    List<Integer> order = new ArrayList<>(train.size());
    for (int i = 0; i < train.size(); i++) {
      order.add(i);
    }
    SplittableRandom rng = new SplittableRandom(recipe.seed() * 0x9E3779B97F4A7C15L + epoch);
    Collections.shuffle(order, new Random(rng.nextLong()));
    int per = (int) sample.size();
    double sum = 0;
    int batches = 0;
    // Full batches only: a last batch of one or two samples makes batch norm and SupCon degenerate.
    for (int start = 0; start + recipe.batch() <= order.size(); start += recipe.batch()) {
      int n = recipe.batch();
      float[] x = new float[n * per];
      float[] y = new float[n];
      for (int i = 0; i < n; i++) {
        Example e = train.get(order.get(start + i));
        float[] v = recipe.horizontalFlip() && rng.nextBoolean() ? flipped(e.x()) : e.x();
        if (recipe.dihedral()) {
          v = rng.nextBoolean() ? flippedVertically(v) : v;
          v = rng.nextBoolean() ? transposed(v) : v;
        }
        if (recipe.cropPadding() > 0) {
          int p = recipe.cropPadding();
          v = shifted(v, rng.nextInt(2 * p + 1) - p, rng.nextInt(2 * p + 1) - p);
        }
        System.arraycopy(v, 0, x, i * per, per);
        y[i] = e.label();
      }
      try (NDManager m = trainer.getManager().newSubManager()) {
        NDArray labels = m.create(y);
        double value;
        try (GradientCollector gc = trainer.newGradientCollector()) {
          NDArray loss =
              objective.loss(
                  trainer.forward(new NDList(m.create(x, new Shape(n).addAll(sample)))), labels);
          value = loss.getFloat();
          gc.backward(loss);
        }
        trainer.step();
        if (!Double.isFinite(value)) {
          throw new IllegalStateException(
              "loss became " + value + " in epoch " + (epoch + 1) + ": lower the rate");
        }
        sum += value;
        batches++;
      }
    }
    return sum / batches;
  }

  /**
   * Accuracy in inference mode: at p = 0.5 (logit 0) for one logit, of the arg-max class for
   * several.
   */
  private double accuracy(NDManager manager, List<Example> examples) {
    float[] logits =
        logits(
            net,
            manager,
            sample,
            objective,
            examples.stream().map(Example::x).toList(),
            recipe.batch());
    int k = objective.classes();
    int right = 0;
    for (int i = 0; i < examples.size(); i++) {
      int predicted = k == 1 ? (logits[i] >= 0 ? 1 : 0) : argmax(logits, i * k, k);
      right += predicted == examples.get(i).label() ? 1 : 0;
    }
    return right / (double) examples.size();
  }

  static int argmax(float[] v, int from, int n) {
    int best = 0;
    for (int j = 1; j < n; j++) {
      if (v[from + j] > v[from + best]) {
        best = j;
      }
    }
    return best;
  }

  /**
   * The network's logits for flat samples, in inference mode, batch by batch: {@code
   * objective.classes()} per sample, sample after sample.
   */
  static float[] logits(
      Block net,
      NDManager manager,
      Shape sample,
      Objective objective,
      List<float[]> xs,
      int batch) {
    int per = (int) sample.size();
    int k = objective.classes();
    float[] out = new float[xs.size() * k];
    for (int start = 0; start < xs.size(); start += batch) {
      int n = Math.min(batch, xs.size() - start);
      float[] x = new float[n * per];
      for (int i = 0; i < n; i++) {
        System.arraycopy(xs.get(start + i), 0, x, i * per, per);
      }
      try (NDManager m = manager.newSubManager()) {
        NDList outputs =
            net.forward(
                new ParameterStore(m, false),
                new NDList(m.create(x, new Shape(n).addAll(sample))),
                false);
        float[] z = objective.logits(outputs).toFloatArray();
        System.arraycopy(z, 0, out, start * k, n * k);
      }
    }
    return out;
  }

  /** Mirrors a [C, H, W] sample left-right. */
  float[] flipped(float[] x) {
    if (sample.dimension() != 3) {
      return x;
    }
    int w = (int) sample.get(2);
    float[] f = new float[x.length];
    for (int row = 0; row < x.length / w; row++) { // every row of every channel
      for (int col = 0; col < w; col++) {
        f[row * w + col] = x[row * w + w - 1 - col];
      }
    }
    return f;
  }

  /** Mirrors a [C, H, W] sample top-bottom. */
  float[] flippedVertically(float[] x) {
    if (sample.dimension() != 3) {
      return x;
    }
    int h = (int) sample.get(1);
    int w = (int) sample.get(2);
    float[] f = new float[x.length];
    for (int plane = 0; plane < x.length; plane += h * w) {
      for (int row = 0; row < h; row++) {
        System.arraycopy(x, plane + (h - 1 - row) * w, f, plane + row * w, w);
      }
    }
    return f;
  }

  /** Swaps the rows and columns of a square [C, H, H] sample (others are returned as they are). */
  float[] transposed(float[] x) {
    if (sample.dimension() != 3 || sample.get(1) != sample.get(2)) {
      return x;
    }
    int n = (int) sample.get(1);
    float[] f = new float[x.length];
    for (int plane = 0; plane < x.length; plane += n * n) {
      for (int row = 0; row < n; row++) {
        for (int col = 0; col < n; col++) {
          f[plane + col * n + row] = x[plane + row * n + col];
        }
      }
    }
    return f;
  }

  /**
   * Translates a [C, H, W] sample by (dy, dx) pixels, filling with zeros: the same as padding by
   * |d| and cropping at the shifted offset.
   */
  float[] shifted(float[] x, int dy, int dx) {
    if (sample.dimension() != 3 || (dy == 0 && dx == 0)) {
      return x;
    }
    int c = (int) sample.get(0);
    int h = (int) sample.get(1);
    int w = (int) sample.get(2);
    float[] f = new float[x.length];
    for (int ch = 0; ch < c; ch++) {
      for (int row = 0; row < h; row++) {
        int src = row - dy;
        if (src < 0 || src >= h) {
          continue;
        }
        for (int col = 0; col < w; col++) {
          int sc = col - dx;
          if (sc >= 0 && sc < w) {
            f[(ch * h + row) * w + col] = x[(ch * h + src) * w + sc];
          }
        }
      }
    }
    return f;
  }

  /**
   * Writes weights (and state) into {@code dir} atomically: a kill mid-write keeps the previous
   * one.
   */
  private void save(Model model, Path dir, JsonObject state) throws IOException {
    Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
    DiffusionTrainer.deleteTree(tmp);
    Files.createDirectories(tmp);
    model.setProperty("Epoch", "0");
    model.save(tmp, PREFIX);
    if (state != null) {
      Files.writeString(tmp.resolve("state.json"), GSON.toJson(state), StandardCharsets.UTF_8);
    }
    DiffusionTrainer.swapInto(tmp, dir);
  }

  private JsonObject readState() throws IOException {
    return DiffusionTrainer.readCheckpointState(
        checkpointDir(), recipe.toMap(), "max_epochs", "--max-epochs");
  }

  /** Loads saved weights into the model's (initialised) block. */
  public static void loadParams(Model model, Path dir) throws IOException {
    try {
      model.load(dir, PREFIX);
    } catch (ai.djl.MalformedModelException e) {
      throw new IOException("weights in " + dir + " are unreadable: " + e.getMessage(), e);
    }
  }

  /** A learning rate the trainer can lower between epochs. */
  private static final class MutableRate implements Tracker {
    volatile float value;

    MutableRate(float value) {
      this.value = value;
    }

    @Override
    public float getNewValue(int numUpdate) {
      return value;
    }
  }
}
