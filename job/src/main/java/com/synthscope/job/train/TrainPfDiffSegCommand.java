package com.synthscope.job.train;

import com.synthscope.job.CommandBase;
import com.synthscope.job.ConfigurationException;
import com.synthscope.job.TrainingOutput;
import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.train.DiffusionRecipe;
import com.synthscope.udfs.train.PfDiffSegTraining;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code synthscope train pfdiffseg}: the phase-fraction guided image + mask diffusion model on
 * MetalDAM.
 */
@Command(
    name = "pfdiffseg",
    mixinStandardHelpOptions = true,
    description = {
      "Train PF-DiffSeg on MetalDAM crops (image + one-hot mask, conditioned on phase fractions).",
      "Writes OUT/checkpoint (resumable), OUT/loss.csv and the model artifact OUT/model."
    })
public final class TrainPfDiffSegCommand extends CommandBase {

  @Mixin DiffusionTrainingOptions options;

  @Option(
      names = "--multipliers",
      split = ",",
      defaultValue = "1,2,2",
      description =
          "UNet width multiplier per level; the image halves between levels, attention at the lowest (default: ${DEFAULT-VALUE}).")
  List<Integer> multipliers;

  private DiffusionRecipe recipe;
  private UNetConfig network;

  @Override
  protected void validate() {
    try {
      network = PfDiffSegTraining.network(options.baseChannels, multipliers);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
    recipe = options.recipe(0.1f, network);
  }

  @Override
  protected int execute() throws Exception {
    long started = System.nanoTime();
    Path artifact =
        PfDiffSegTraining.run(
            options.data,
            options.split(),
            recipe,
            network,
            options.out,
            options.resume,
            TrainingOutput.of(out()));
    return TrainingOutput.finish(this, "train pfdiffseg", artifact, recipe, started);
  }
}
