package com.synthscope.udfs.train;

import com.synthscope.udfs.image.GreyRange;
import com.synthscope.udfs.model.TensorSpec;
import com.synthscope.udfs.nets.UNet;
import com.synthscope.udfs.nets.UNetConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PF-DiffSeg training (METHODS.md section 3): the joint image + mask diffusion model on MetalDAM
 * crops, conditioned on their phase fractions, exported as a {@code pfdiffseg} model artifact with
 * the EMA weights.
 */
public final class PfDiffSegTraining {

  public static final String KIND = "pfdiffseg";

  /**
   * Phase-fraction vectors of real training crops, shipped in the artifact for the 'empirical'
   * strategy.
   */
  public static final String FRACTIONS_FILE = "train-fractions.csv";

  private static final int FRACTION_CROPS = 1024;

  private PfDiffSegTraining() {}

  /**
   * The network trained by default: three levels (x1, x2, x2), attention at the lowest; 1.1 M
   * parameters at 32.
   */
  public static UNetConfig network(int baseChannels) {
    return network(baseChannels, List.of(1, 2, 2));
  }

  /**
   * The network with other width multipliers per level (e.g. 1, 2, 4: more capacity at the lowest
   * resolution).
   */
  public static UNetConfig network(int baseChannels, List<Integer> multipliers) {
    return new UNetConfig(1 + MetalDam.CLASSES, baseChannels, multipliers, 1, MetalDam.CLASSES);
  }

  /**
   * Trains (or resumes) and exports the artifact to {@code out/model}.
   *
   * @param data the metaldam folder
   * @return the artifact folder
   */
  public static Path run(
      Path data,
      Split split,
      DiffusionRecipe recipe,
      UNetConfig config,
      Path out,
      boolean resume,
      PrintStream progress)
      throws IOException {
    return run(data, split, recipe, config, out, resume, null, progress);
  }

  /**
   * As above; a new run starts from the weights of {@code init} (an artifact of the same network,
   * e.g. the embedded model) when given.
   */
  public static Path run(
      Path data,
      Split split,
      DiffusionRecipe recipe,
      UNetConfig config,
      Path out,
      boolean resume,
      Path init,
      PrintStream progress)
      throws IOException {
    List<LabelledMicrograph> images = MetalDam.loadDownscaled(data, split, recipe.scale());
    progress.printf(
        "loaded %d %s micrographs of %s at scale %s%n",
        images.size(), split.name().toLowerCase(), data, recipe.scale());
    GreyRange grey = greyRange(images, recipe);
    if (!grey.isPlain()) {
      progress.printf("image channel: grey %.4f .. %.4f -> -1 .. +1%n", grey.low(), grey.high());
    }
    UNet net = new UNet(config);
    DiffusionTrainer trainer =
        new DiffusionTrainer(
            recipe,
            net,
            new PfDiffSegBatches(images, recipe.size(), grey, recipe.rareCropShare()),
            out,
            progress);
    DiffusionTrainer.Summary summary =
        trainer.run(resume, init == null ? null : new DiffusionTrainer.InitialWeights(init, KIND));
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("final_loss_ema", summary.finalLoss());
    metrics.put("train_seconds", Math.round(summary.seconds()));
    metrics.put("train_hours", Math.round(summary.seconds() / 36.0) / 100.0);
    metrics.put("steps_done", summary.steps());
    metrics.put("parameters", summary.parameters());
    Path dir =
        export(config, recipe, summary.checkpoint(), out.resolve("model"), split, metrics, images);
    return dir;
  }

  /**
   * The grey mapping of a recipe, from the training images (the same images always give the same
   * range).
   */
  public static GreyRange greyRange(List<LabelledMicrograph> images, DiffusionRecipe recipe) {
    return GreyRange.ofPercentile(
        images.stream().map(LabelledMicrograph::grey).toList(), recipe.greyPercentile());
  }

  private static void writeFractions(
      Path file, List<LabelledMicrograph> images, DiffusionRecipe recipe) throws IOException {
    PairCrops crops = new PairCrops(images, recipe.size(), recipe.seed());
    StringBuilder csv = new StringBuilder(String.join(",", MetalDam.CLASS_NAMES)).append('\n');
    for (int i = 0; i < FRACTION_CROPS; i++) {
      float[] f = crops.next().fractions();
      for (int k = 0; k < f.length; k++) {
        csv.append(k == 0 ? "" : ",").append(f[k]);
      }
      csv.append('\n');
    }
    Files.writeString(file, csv.toString());
  }

  /** Writes the EMA weights of a checkpoint as a {@code pfdiffseg} artifact. */
  public static Path export(
      UNetConfig config,
      DiffusionRecipe recipe,
      Path checkpoint,
      Path dir,
      Split split,
      Map<String, Object> metrics,
      List<LabelledMicrograph> images)
      throws IOException {
    DiffusionExport.fresh(dir);
    writeFractions(dir.resolve(FRACTIONS_FILE), images, recipe);
    Map<String, Object> pre = new LinkedHashMap<>();
    pre.put("size", recipe.size());
    pre.put("scale", recipe.scale());
    pre.put("classes", MetalDam.CLASSES);
    pre.put("class_names", List.of(MetalDam.CLASS_NAMES));
    pre.put("range", "signed-unit");
    GreyRange grey = greyRange(images, recipe);
    if (!grey.isPlain()) {
      pre.put("grey_low", grey.low());
      pre.put("grey_high", grey.high());
    }
    pre.put("layout", "channel 0 grey, channels 1..K one-hot mask, all in [-1, 1]");
    DiffusionExport.write(
        dir,
        KIND,
        "pfdiffseg-metaldam-" + recipe.size() + "px",
        config,
        recipe,
        checkpoint,
        List.of(
            new TensorSpec("fractions", List.of((long) MetalDam.CLASSES), "float32"),
            new TensorSpec("use_condition", List.of(), "float32")),
        pre,
        Map.of("data", "MetalDAM " + split.name().toLowerCase() + " split (DATA.md)"),
        metrics);
    return dir;
  }
}
