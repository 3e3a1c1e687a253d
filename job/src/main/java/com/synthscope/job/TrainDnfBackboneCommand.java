package com.synthscope.job;

import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.train.DiffusionRecipe;
import com.synthscope.udfs.train.DnfBackboneTraining;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code synthscope train dnf-backbone}: the unconditional micrograph diffusion model DNF extracts noise with. */
@Command(name = "dnf-backbone", mixinStandardHelpOptions = true,
    description = {"Train the DNF diffusion backbone: an unconditional, image-only noise predictor on real MetalDAM",
        "crops. Writes OUT/checkpoint (resumable), OUT/loss.csv and the model artifact OUT/model."})
public final class TrainDnfBackboneCommand extends CommandBase {

  @Mixin DiffusionTrainingOptions options;

  private DiffusionRecipe recipe;
  private UNetConfig network;

  @Override
  protected void validate() {
    network = DnfBackboneTraining.network(options.baseChannels);
    recipe = options.recipe(0f, network);
  }

  @Override
  protected int execute() throws Exception {
    long started = System.nanoTime();
    Path artifact = DnfBackboneTraining.run(options.data, options.split(), recipe,
        network, options.out, options.resume, TrainingOutput.of(out()));
    return TrainingOutput.finish(this, "train dnf-backbone", artifact, recipe, started);
  }
}
