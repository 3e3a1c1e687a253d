package com.synthscope.udfs.train;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.synthscope.udfs.diffusion.Prediction;
import com.synthscope.udfs.model.ArtifactWriter;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.TensorSpec;
import com.synthscope.udfs.nets.UNet;
import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.nets.UNetFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes a trained diffusion UNet's EMA weights as a djl-params model artifact. */
public final class DiffusionExport {

  private DiffusionExport() {}

  /**
   * Empties (or creates) an artifact folder: an export is whole, no file of an earlier one stays
   * beside it.
   */
  public static void fresh(Path dir) throws IOException {
    DiffusionTrainer.deleteTree(dir);
    Files.createDirectories(dir);
  }

  /**
   * Saves the checkpoint's EMA weights as {@code <kind>-0000.params} and writes the manifest (after
   * any extra files the caller put in {@code dir}, so that they are checksummed too).
   *
   * @param inputs the per-sample inputs after x and t (PF-DiffSeg: fractions, use_condition)
   */
  public static void write(
      Path dir,
      String kind,
      String id,
      UNetConfig config,
      DiffusionRecipe recipe,
      Path checkpoint,
      List<TensorSpec> inputs,
      Map<String, Object> preprocessing,
      Map<String, Object> recipeExtra,
      Map<String, Object> metrics)
      throws IOException {
    try (Model model = Model.newInstance(kind, "PyTorch");
        NDManager scratch = NDManager.newBaseManager("PyTorch")) {
      UNet net = new UNet(config);
      model.setBlock(net);
      net.initialize(model.getNDManager(), DataType.FLOAT32, net.inputShapes(1, recipe.size()));
      DiffusionTrainer.loadEmaWeights(net, checkpoint, scratch);
      model.setProperty(
          "Epoch", "0"); // else DJL numbers the file after any it finds: the entry must be -0000
      model.save(dir, kind);
    }
    Map<String, Object> arguments = new LinkedHashMap<>(config.toArguments());
    arguments.put("schedule", recipe.schedule());
    arguments.put("timesteps", recipe.timesteps());
    Map<String, Object> r = new LinkedHashMap<>(recipe.toMap());
    r.putAll(recipeExtra);
    r.put("network", "UNet " + config.toArguments());
    Map<String, Object> pre = new LinkedHashMap<>(preprocessing);
    if (recipe.prediction() != Prediction.EPS) {
      pre.put(Prediction.KEY, recipe.prediction().id());
    }
    long s = recipe.size();
    List<TensorSpec> all = new java.util.ArrayList<>();
    all.add(new TensorSpec("x", List.of((long) config.channels(), s, s), "float32"));
    all.add(new TensorSpec("t", List.of(), "float32"));
    all.addAll(inputs);
    ArtifactWriter.write(
        dir,
        id,
        "1",
        kind,
        ModelFormat.DJL_PARAMS,
        kind + "-0000.params",
        UNetFactory.class.getName(),
        arguments,
        all,
        List.of(
            new TensorSpec(
                recipe.prediction().id(), List.of((long) config.channels(), s, s), "float32")),
        pre,
        r,
        metrics);
  }
}
