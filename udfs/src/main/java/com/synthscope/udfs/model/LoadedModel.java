package com.synthscope.udfs.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.nn.BlockFactory;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A model loaded into an engine once per JVM and shared by every task thread of that JVM; each
 * thread predicts with its own Predictor.
 */
public final class LoadedModel implements AutoCloseable {

  private final FetchedModel fetched;
  private final ExecutionSettings settings;
  private final Model model;
  private final TensorTranslator translator;

  /**
   * Predictors not in use; a caller takes one, or makes one when none is idle, and gives it back.
   */
  private final ConcurrentLinkedDeque<Predictor<List<Tensor>, List<Tensor>>> idle =
      new ConcurrentLinkedDeque<>();

  private final ConcurrentLinkedQueue<Predictor<List<Tensor>, List<Tensor>>> allPredictors =
      new ConcurrentLinkedQueue<>();
  private volatile boolean closed;

  private LoadedModel(FetchedModel fetched, ExecutionSettings settings, Model model) {
    this.fetched = fetched;
    this.settings = settings;
    this.model = model;
    this.translator = new TensorTranslator(fetched.manifest());
  }

  /** Loads a verified artifact into its engine on the given device. */
  public static LoadedModel load(FetchedModel fetched, ExecutionSettings settings) {
    ModelManifest m = fetched.manifest();
    String name = fetched.ref().displayName();
    Model model = Model.newInstance(m.id(), settings.device(), m.engineType().djlName());
    try {
      Map<String, Object> options = new HashMap<>();
      switch (m.formatType()) {
        case ONNX -> {
          options.put("intraOpNumThreads", String.valueOf(settings.threads()));
          options.put("interOpNumThreads", "1");
        }
        case TORCHSCRIPT ->
            options.put("mapLocation", "true"); // load weights onto the chosen device
        case DJL_PARAMS ->
            model.setBlock(
                newBlockFactory(name, m.block()).newBlock(model, fetched.folder(), m.arguments()));
      }
      model.load(fetched.folder(), m.entryPrefix(), options);
      return new LoadedModel(fetched, settings, model);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      if (e instanceof ModelException me) {
        throw me;
      }
      throw new ModelException(
          name,
          "the " + m.engine() + " engine cannot load " + m.entry() + ": " + e.getMessage(),
          "re-export the model with the engine version pinned in DESIGN.md",
          e);
    }
  }

  /**
   * The {@code ai.djl.nn.BlockFactory} a djl-params manifest names in {@code block} (also for tools
   * that build a fresh network of the same configuration, e.g. to count its operations).
   */
  public static BlockFactory newBlockFactory(String name, String className) {
    try {
      Class<?> c = Class.forName(className, true, LoadedModel.class.getClassLoader());
      return (BlockFactory) c.getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new ModelException(
          name,
          "block factory " + className + " cannot be created: " + e,
          "the manifest's 'block' must name an ai.djl.nn.BlockFactory with a public no-argument constructor on the"
              + " job's classpath",
          e);
    }
  }

  public FetchedModel fetched() {
    return fetched;
  }

  public ModelManifest manifest() {
    return fetched.manifest();
  }

  /** {@code id@sha256} of the artifact. */
  public String modelId() {
    return fetched.modelId();
  }

  public ExecutionSettings settings() {
    return settings;
  }

  /**
   * Runs one batch. Each input is a whole batch (first dimension) whose per-sample shape must match
   * the manifest; outputs come back the same way. Threads may call at once. The batch runs on one
   * of this JVM's {@link InferenceThreads} with an idle predictor of this model: predictors and
   * threads number the most calls that ran at the same time, however many task threads ever called.
   */
  public List<Tensor> predict(List<Tensor> inputs) {
    if (closed) {
      throw new IllegalStateException("model " + modelId() + " is closed");
    }
    checkInputs(inputs);
    Predictor<List<Tensor>, List<Tensor>> p = idle.pollFirst();
    if (p == null) {
      p = model.newPredictor(translator, settings.device());
      allPredictors.add(p);
    }
    Predictor<List<Tensor>, List<Tensor>> predictor = p;
    try {
      return InferenceThreads.get().call(() -> predictor.predict(inputs));
    } catch (TranslateException e) {
      throw new IllegalStateException(
          "model " + modelId() + " failed on a batch: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while model " + modelId() + " ran a batch", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          "model " + modelId() + " failed on a batch: " + e.getMessage(), e);
    } finally {
      idle.addFirst(p);
    }
  }

  /**
   * How many predictors this model has made: the most calls that ran at the same time (for tests).
   */
  public int predictorCount() {
    return allPredictors.size();
  }

  private void checkInputs(List<Tensor> inputs) {
    List<TensorSpec> specs = manifest().inputs();
    if (inputs.size() != specs.size()) {
      throw new IllegalArgumentException(
          "model " + modelId() + " takes " + specs.size() + " input(s), got " + inputs.size());
    }
    for (int i = 0; i < specs.size(); i++) {
      long[] sample = inputs.get(i).sampleShape();
      if (!specs.get(i).accepts(sample)) {
        throw new IllegalArgumentException(
            "model "
                + modelId()
                + " input "
                + specs.get(i).name()
                + " must be "
                + specs.get(i).shape()
                + " per sample, got "
                + Arrays.toString(sample));
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    allPredictors.forEach(Predictor::close);
    allPredictors.clear();
    model.close();
  }
}
