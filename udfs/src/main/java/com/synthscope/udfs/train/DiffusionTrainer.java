package com.synthscope.udfs.train;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.synthscope.udfs.diffusion.ForwardProcess;
import com.synthscope.udfs.diffusion.NoiseSchedule;
import com.synthscope.udfs.diffusion.Prediction;
import com.synthscope.udfs.nets.UNet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a denoising UNet with the DDPM objective: pick t uniformly, noise a clean batch to x_t,
 * regress the noise (MSE), or v for a recipe that asks for it ({@link Prediction}). Adam through
 * DJL's Trainer, an exponential moving average of the weights (the copy that ships), checkpoints
 * every few hundred steps, {@code --resume}, a CSV log of the loss and a progress line.
 *
 * <p>Determinism: the weights' initialisation is seeded, and each step draws crops, timesteps,
 * noise and condition dropout from a random source seeded by (seed, step) alone, so a resumed run
 * sees exactly the data an uninterrupted one would. Adam's moment estimates are not in DJL's public
 * API and restart on resume.
 */
public final class DiffusionTrainer {

  public static final String PREFIX = "unet";
  private static final Gson GSON = new Gson();

  private final DiffusionRecipe recipe;
  private final UNet net;
  private final DiffusionBatches data;
  private final Path out;
  private final PrintStream progress;
  private final NoiseSchedule schedule;

  /** What a finished run reports. */
  public record Summary(
      int steps, double finalLoss, double seconds, long parameters, Path checkpoint) {}

  public DiffusionTrainer(
      DiffusionRecipe recipe, UNet net, DiffusionBatches data, Path out, PrintStream progress) {
    this.recipe = recipe;
    this.net = net;
    this.data = data;
    this.out = out;
    this.progress = progress;
    this.schedule = NoiseSchedule.parse(recipe.schedule(), recipe.timesteps());
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
  }

  public Path checkpointDir() {
    return out.resolve("checkpoint");
  }

  /**
   * Trains to {@code recipe.steps()}; with {@code resume}, continues from the checkpoint in the
   * output folder.
   */
  public Summary run(boolean resume) throws IOException {
    return run(resume, null);
  }

  /**
   * Weights to start a run from instead of a random initialisation: a djl-params artifact of the
   * same network ({@code <name>-0000.params} in {@code folder}), e.g. to fine-tune a model for
   * another prediction target.
   */
  public record InitialWeights(Path folder, String name) {}

  /**
   * As {@link #run(boolean)}; a new run (not a resumed one) starts from {@code init} when given,
   * its EMA too.
   */
  public Summary run(boolean resume, InitialWeights init) throws IOException {
    Files.createDirectories(out);
    Engine.getEngine("PyTorch").setRandomSeed((int) recipe.seed());
    try (Model model = Model.newInstance("diffusion-training", "PyTorch")) {
      model.setBlock(net);
      int start = 0;
      double lossEma = Double.NaN;
      double secondsBefore = 0;
      if (resume) {
        JsonObject state = readState();
        start = state.get("step").getAsInt();
        lossEma = state.get("loss_ema").getAsDouble();
        secondsBefore = state.get("seconds").getAsDouble();
        try {
          model.load(checkpointDir(), PREFIX);
        } catch (ai.djl.MalformedModelException e) {
          throw new IOException(
              "checkpoint in " + checkpointDir() + " is unreadable: " + e.getMessage(), e);
        }
        progress.printf("resuming at step %d of %d%n", start, recipe.steps());
      } else if (Files.exists(checkpointDir().resolve("state.json"))) {
        throw new IllegalStateException(
            "a checkpoint exists in "
                + out
                + ": pass --resume to continue it, or choose"
                + " another --out");
      }
      // Adam counts its updates from 1 again after a resume: offset them so warm-up and decay
      // continue where they were
      int offset = start;
      Tracker learningRate =
          recipe.warmupSteps() == 0 && recipe.decaySteps() == 0
              ? Tracker.fixed(recipe.learningRate())
              : numUpdate -> recipe.learningRateAt(offset + Math.max(0, numUpdate - 1));
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(Optimizer.adam().optLearningRateTracker(learningRate).build());
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(net.inputShapes(recipe.batch(), recipe.size()));
        if (!resume && init != null) {
          loadInitialWeights(init);
          progress.printf("starting from the weights in %s%n", init.folder());
        }
        NDManager emaManager = trainer.getManager().newSubManager();
        Map<String, NDArray> ema = resume ? readEma(emaManager) : copyWeights(emaManager);
        long parameters =
            net.getParameters().stream().mapToLong(p -> p.getValue().getArray().size()).sum();
        if (!resume) {
          progress.printf(
              "training %,d parameters, %d steps of %d crops %dx%d%n",
              parameters, recipe.steps(), recipe.batch(), recipe.size(), recipe.size());
          Files.writeString(
              out.resolve("loss.csv"), "step,loss,loss_ema,seconds\n", StandardCharsets.UTF_8);
        }
        long started = System.nanoTime();
        long lastPrint = started;
        int step = start;
        while (step < recipe.steps()) {
          double loss = trainStep(trainer, step);
          step++;
          lossEma = Double.isNaN(lossEma) ? loss : 0.98 * lossEma + 0.02 * loss;
          updateEma(ema);
          double seconds = secondsBefore + (System.nanoTime() - started) / 1e9;
          appendLog(step, loss, lossEma, seconds);
          if (step % recipe.checkpointEvery() == 0 || step == recipe.steps()) {
            checkpoint(model, ema, step, lossEma, seconds);
          }
          if (System.nanoTime() - lastPrint > 20e9 || step == recipe.steps() || step == start + 1) {
            lastPrint = System.nanoTime();
            double rate = (step - start) / ((lastPrint - started) / 1e9);
            progress.printf(
                Locale.ROOT,
                "step %d/%d  loss %.4f  %.2f steps/s  %s left%n",
                step,
                recipe.steps(),
                lossEma,
                rate,
                duration((recipe.steps() - step) / rate));
          }
        }
        double seconds = secondsBefore + (System.nanoTime() - started) / 1e9;
        return new Summary(step, lossEma, seconds, parameters, checkpointDir());
      }
    }
  }

  private double trainStep(Trainer trainer, int step) {
    SplittableRandom rng = new SplittableRandom(recipe.seed() * 0x9E3779B97F4A7C15L + step);
    DiffusionBatches.Batch batch = data.next(rng, recipe.batch());
    int n = batch.n();
    int perSample = batch.x0().length / n;
    float[] noise = new float[batch.x0().length];
    int[] timesteps = new int[n];
    float[] t = new float[n];
    float[] use = new float[n];
    for (int i = 0; i < n; i++) {
      timesteps[i] = recipe.drawTimestep(rng);
      t[i] = timesteps[i];
      use[i] = rng.nextDouble() < recipe.conditionDropout() ? 0f : 1f;
      for (int j = i * perSample; j < (i + 1) * perSample; j++) {
        noise[j] = (float) gaussian(rng);
      }
    }
    float[] xt = ForwardProcess.qSample(schedule, batch.x0(), noise, n, timesteps);
    NDManager m = trainer.getManager().newSubManager();
    try (m) {
      int size = recipe.size();
      NDList inputs =
          new NDList(m.create(xt, new Shape(n, data.channels(), size, size)), m.create(t));
      if (data.conditionDim() > 0) {
        inputs.add(m.create(batch.conditions(), new Shape(n, data.conditionDim())));
        inputs.add(m.create(use));
      }
      float[] targets = new float[noise.length];
      for (int i = 0; i < n; i++) {
        recipe
            .prediction()
            .target(
                batch.x0(),
                noise,
                schedule.alphaBar(timesteps[i]),
                i * perSample,
                (i + 1) * perSample,
                targets);
      }
      NDArray target = m.create(targets, new Shape(n, data.channels(), size, size));
      double value;
      try (GradientCollector gc = trainer.newGradientCollector()) {
        NDArray squared = trainer.forward(inputs).singletonOrThrow().sub(target).square();
        NDArray loss = weighted() ? weightedMean(m, squared, timesteps) : squared.mean();
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

  private boolean weighted() {
    return recipe.firstChannelWeight() != 1f || recipe.minSnrGamma() > 0;
  }

  /**
   * The loss with channel and timestep weights: the squared error averaged over each sample's
   * pixels per channel, the channels weighted (channel 0 by {@code firstChannelWeight}, the others
   * by 1, normalised to mean 1) and each sample by its timestep's min-SNR weight, then averaged.
   * With every weight 1 it equals the plain mean.
   */
  private NDArray weightedMean(NDManager m, NDArray squared, int[] timesteps) {
    int n = timesteps.length;
    int c = data.channels();
    float[] channel = new float[c];
    float total = recipe.firstChannelWeight() + (c - 1);
    for (int k = 0; k < c; k++) {
      channel[k] = (k == 0 ? recipe.firstChannelWeight() : 1f) * c / total;
    }
    float[] sample = new float[n];
    for (int i = 0; i < n; i++) {
      double abar = schedule.alphaBar(timesteps[i]);
      sample[i] = (float) recipe.timestepWeight(abar / (1 - abar));
    }
    NDArray perChannel = squared.reshape(n, c, -1).mean(new int[] {2});
    return perChannel
        .mul(m.create(channel, new Shape(1, c)))
        .mul(m.create(sample, new Shape(n, 1)))
        .mean();
  }

  private static double gaussian(SplittableRandom rng) {
    // Box-Muller on the step's own source (SampleNoise keys its streams by sample seed, which
    // training has not)
    double u1 = 1.0 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  private Map<String, NDArray> copyWeights(NDManager manager) {
    Map<String, NDArray> copy = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : net.getParameters()) {
      NDArray a = p.getValue().getArray().duplicate();
      a.attach(manager);
      copy.put(p.getKey(), a);
    }
    return copy;
  }

  /** Copies an artifact's weights into the initialised network ({@link #copyInto}). */
  private void loadInitialWeights(InitialWeights init) throws IOException {
    try (Model source = Model.newInstance("initial-weights", "PyTorch")) {
      UNet theirs = new UNet(net.config());
      source.setBlock(theirs);
      try {
        source.load(init.folder(), init.name());
      } catch (ai.djl.MalformedModelException e) {
        throw new IOException(
            "the initial weights in " + init.folder() + " are unreadable: " + e.getMessage(), e);
      }
      Map<String, NDArray> byName = new LinkedHashMap<>();
      theirs.getParameters().forEach(p -> byName.put(p.getKey(), p.getValue().getArray()));
      copyInto(net, byName, "the initial weights in " + init.folder());
    }
  }

  /**
   * Copies weights by parameter name into an initialised network, refusing a missing one or one of
   * another shape (DJL's loaders read weights of another width without complaint).
   */
  private static void copyInto(UNet net, Map<String, NDArray> byName, String source)
      throws IOException {
    for (Pair<String, Parameter> p : net.getParameters()) {
      NDArray src = byName.get(p.getKey());
      NDArray dst = p.getValue().getArray();
      if (src == null || !src.getShape().equals(dst.getShape())) {
        throw new IOException(
            source
                + " do not fit this network: "
                + p.getKey()
                + " is "
                + (src == null ? "missing" : src.getShape())
                + ", not "
                + dst.getShape());
      }
      src.copyTo(dst);
    }
  }

  private void updateEma(Map<String, NDArray> ema) {
    float d = recipe.emaDecay();
    for (Pair<String, Parameter> p : net.getParameters()) {
      NDArray shadow = ema.get(p.getKey());
      try (NDArray w = p.getValue().getArray().mul(1 - d)) {
        shadow.muli(d).addi(w);
      }
    }
  }

  /**
   * Writes weights, EMA weights and the step atomically: a run killed mid-write keeps the previous
   * checkpoint.
   */
  private void checkpoint(
      Model model, Map<String, NDArray> ema, int step, double lossEma, double seconds)
      throws IOException {
    Path tmp = out.resolve("checkpoint.tmp");
    deleteTree(tmp);
    Files.createDirectories(tmp);
    model.setProperty("Epoch", "0");
    model.save(tmp, PREFIX);
    try (OutputStream o = Files.newOutputStream(tmp.resolve("ema.ndlist"))) {
      NDList list = new NDList();
      ema.forEach(
          (k, v) -> {
            v.setName(k);
            list.add(v);
          });
      list.encode(o);
    }
    JsonObject state = new JsonObject();
    state.addProperty("step", step);
    state.addProperty("loss_ema", lossEma);
    state.addProperty("seconds", seconds);
    state.add("recipe", GSON.toJsonTree(recipe.toMap()));
    Files.writeString(tmp.resolve("state.json"), GSON.toJson(state), StandardCharsets.UTF_8);
    swapInto(tmp, checkpointDir());
  }

  /**
   * Puts a completed folder in place of {@code dir}: the old one moves to {@code <dir>.old}, the
   * new one in, the old one goes. A kill between the two moves leaves {@code <dir>.old}, which
   * resuming recovers.
   */
  static void swapInto(Path completed, Path dir) throws IOException {
    Path old = dir.resolveSibling(dir.getFileName() + ".old");
    deleteTree(old);
    if (Files.exists(dir)) {
      Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(completed, dir, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(old);
  }

  private JsonObject readState() throws IOException {
    return readCheckpointState(checkpointDir(), recipe.toMap(), "steps", "--steps");
  }

  /**
   * The {@code state.json} of a checkpoint folder written by {@link #swapInto} (recovering {@code
   * <dir>.old} when a run was killed between its two moves), refused unless its recipe equals
   * {@code recipe} except for the one key that may change on resume.
   */
  static JsonObject readCheckpointState(
      Path dir, Map<String, Object> recipe, String mayChange, String option) throws IOException {
    Path f = dir.resolve("state.json");
    Path old = dir.resolveSibling(dir.getFileName() + ".old");
    if (!Files.exists(f) && Files.exists(old.resolve("state.json"))) {
      Files.move(old, dir, StandardCopyOption.ATOMIC_MOVE);
    }
    if (!Files.exists(f)) {
      throw new IllegalStateException("nothing to resume: no checkpoint in " + dir.getParent());
    }
    JsonObject state = GSON.fromJson(Files.readString(f), JsonObject.class);
    JsonObject saved = state.getAsJsonObject("recipe");
    // compare as written: both sides parsed from JSON text, so 0.003f and "0.003" agree
    JsonObject now = GSON.fromJson(GSON.toJson(recipe), JsonObject.class);
    now.remove(mayChange);
    saved.remove(mayChange);
    if (!now.equals(saved)) {
      throw new IllegalStateException(
          "the checkpoint was trained with "
              + saved
              + ", not "
              + now
              + ": resume with the same options (only "
              + option
              + " may change)");
    }
    return state;
  }

  private Map<String, NDArray> readEma(NDManager manager) throws IOException {
    try (InputStream in = Files.newInputStream(checkpointDir().resolve("ema.ndlist"))) {
      NDList list = NDList.decode(manager, in);
      Map<String, NDArray> ema = new LinkedHashMap<>();
      for (NDArray a : list) {
        ema.put(a.getName(), a);
      }
      return ema;
    }
  }

  /**
   * Puts the EMA weights of a checkpoint into the network, for export. The network must be
   * initialised with the same configuration.
   */
  public static void loadEmaWeights(UNet net, Path checkpoint, NDManager manager)
      throws IOException {
    try (InputStream in = Files.newInputStream(checkpoint.resolve("ema.ndlist"))) {
      NDList list = NDList.decode(manager, in);
      Map<String, NDArray> byName = new LinkedHashMap<>();
      list.forEach(a -> byName.put(a.getName(), a));
      copyInto(net, byName, "the EMA weights of " + checkpoint);
    }
  }

  private void appendLog(int step, double loss, double lossEma, double seconds) {
    try {
      Files.writeString(
          out.resolve("loss.csv"),
          String.format(Locale.ROOT, "%d,%.6f,%.6f,%.1f%n", step, loss, lossEma, seconds),
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
