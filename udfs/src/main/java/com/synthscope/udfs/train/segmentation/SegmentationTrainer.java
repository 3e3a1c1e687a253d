package com.synthscope.udfs.train.segmentation;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import com.synthscope.udfs.nets.SegUNet;
import com.synthscope.udfs.train.LabelledMicrograph;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a {@link SegUNet} with softmax cross-entropy (optionally class-weighted) and Adam through
 * DJL's Trainer, and scores it with a {@link SlidingWindow}.
 *
 * <p>Determinism: the weights' initialisation is seeded by the recipe's seed, and step s draws its
 * batch from a random source seeded by (seed, s) alone, so the same recipe, data and thread count
 * give the same losses.
 */
public final class SegmentationTrainer implements AutoCloseable {

  /** Windows per forward pass at evaluation. */
  private static final int EVAL_BATCH = 32;

  private final SegmentationRecipe recipe;
  private final SegUNet net;
  private final SegmentationBatches batches;
  private final Model model;
  private final Trainer trainer;
  private final int classes;

  public SegmentationTrainer(SegmentationRecipe recipe, SegUNet net, SegmentationBatches batches) {
    int multiple = 1 << net.config().downsamplings();
    if (recipe.size() % multiple != 0) {
      throw new IllegalArgumentException(
          "crop size "
              + recipe.size()
              + " must be a multiple of "
              + multiple
              + " for a UNet that halves the image "
              + net.config().downsamplings()
              + " times");
    }
    if (recipe.classWeights() != null && recipe.classWeights().length != net.config().classes()) {
      throw new IllegalArgumentException(
          recipe.classWeights().length
              + " class weights for "
              + net.config().classes()
              + " classes");
    }
    this.recipe = recipe;
    this.net = net;
    this.batches = batches;
    this.classes = net.config().classes();
    Engine.getEngine("PyTorch").setRandomSeed((int) recipe.seed());
    model = Model.newInstance("segmentation-training", "PyTorch");
    model.setBlock(net);
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optOptimizer(
                Optimizer.adam()
                    .optLearningRateTracker(Tracker.fixed(recipe.learningRate()))
                    .build());
    trainer = model.newTrainer(config);
    trainer.initialize(net.inputShape(recipe.batch(), recipe.size()));
  }

  public long parameters() {
    return net.getParameters().stream().mapToLong(p -> p.getValue().getArray().size()).sum();
  }

  /** Step {@code step} (0-based): one batch, the loss, one optimiser update. Returns the loss. */
  public double step(int step) {
    SplittableRandom rng = new SplittableRandom(recipe.seed() * 0x9E3779B97F4A7C15L + step);
    SegmentationBatches.Batch b = batches.next(rng);
    int n = b.n();
    int size = b.size();
    int per = size * size;
    float[] x = new float[n * per];
    float[] oneHot = new float[n * classes * per];
    float[] weight = new float[n * per];
    double weightSum = 0;
    for (int i = 0; i < n * per; i++) {
      x[i] = b.grey()[i] * 2f - 1f;
      int k = b.labels()[i];
      oneHot[((i / per) * classes + k) * per + i % per] = 1f;
      weight[i] = recipe.classWeights() == null ? 1f : recipe.classWeights()[k];
      weightSum += weight[i];
    }
    try (NDManager m = trainer.getManager().newSubManager()) {
      NDArray input = m.create(x, new Shape(n, 1, size, size));
      NDArray target = m.create(oneHot, new Shape(n, classes, size, size));
      NDArray w = m.create(weight, new Shape(n, size, size));
      double value;
      try (GradientCollector gc = trainer.newGradientCollector()) {
        NDArray logits = trainer.forward(new NDList(input)).singletonOrThrow();
        NDArray nll = logits.logSoftmax(1).mul(target).sum(new int[] {1}).neg();
        NDArray loss = nll.mul(w).sum().div((float) weightSum);
        value = loss.getFloat();
        gc.backward(loss);
      }
      trainer.step();
      if (!Double.isFinite(value)) {
        throw new IllegalStateException(
            "loss became " + value + " at step " + step + ": lower --lr");
      }
      return value;
    }
  }

  /** Softmax probabilities of the current weights for a batch of windows. */
  public float[] probabilities(float[] grey01, int n, int size) {
    try (NDManager m = trainer.getManager().newSubManager()) {
      float[] x = new float[grey01.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = grey01[i] * 2f - 1f;
      }
      NDArray logits =
          net.forward(
                  new ParameterStore(m, false),
                  new NDList(m.create(x, new Shape(n, 1, size, size))),
                  false)
              .singletonOrThrow();
      return logits.softmax(1).toFloatArray();
    }
  }

  /**
   * Scores the current weights: for each micrograph, prediction on {@code inputs[i]} (at the
   * training scale), compared with the labels of {@code truths[i]} (the same micrograph at the
   * resolution to score).
   */
  public ConfusionMatrix evaluate(
      List<LabelledMicrograph> inputs, List<LabelledMicrograph> truths) {
    SlidingWindow window =
        new SlidingWindow(this::probabilities, classes, recipe.size(), recipe.stride(), EVAL_BATCH);
    ConfusionMatrix cm = new ConfusionMatrix(classes);
    for (int i = 0; i < inputs.size(); i++) {
      window.evaluate(inputs.get(i), truths.get(i), cm);
    }
    return cm;
  }

  /** A copy of the current weights, kept in this trainer's memory until it closes. */
  public Map<String, NDArray> snapshot() {
    NDManager keep = trainer.getManager().newSubManager();
    Map<String, NDArray> copy = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : net.getParameters()) {
      NDArray a = p.getValue().getArray().duplicate();
      a.attach(keep);
      copy.put(p.getKey(), a);
    }
    return copy;
  }

  /** Puts weights from {@link #snapshot} back into the network. */
  public void restore(Map<String, NDArray> weights) {
    for (Pair<String, Parameter> p : net.getParameters()) {
      weights.get(p.getKey()).copyTo(p.getValue().getArray());
    }
  }

  /** Summed absolute value of all weights: a cheap fingerprint for determinism checks. */
  public double weightChecksum() {
    double s = 0;
    for (Pair<String, Parameter> p : net.getParameters()) {
      try (NDArray abs = p.getValue().getArray().abs();
          NDArray sum = abs.sum()) {
        s += sum.getFloat();
      }
    }
    return s;
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
  }
}
