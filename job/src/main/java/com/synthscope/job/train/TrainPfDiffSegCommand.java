package com.synthscope.job.train;

import com.synthscope.job.CommandBase;
import com.synthscope.job.ConfigurationException;
import com.synthscope.job.ModelOptions;
import com.synthscope.job.TrainingOutput;
import com.synthscope.udfs.diffusion.Prediction;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.train.DiffusionRecipe;
import com.synthscope.udfs.train.PfDiffSegTraining;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
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

  @Option(
      names = "--prediction",
      defaultValue = "eps",
      description =
          "What the network learns to output: eps (the noise) or v (velocity; its clean-image estimate stays accurate at high noise, where a crop's brightness is decided) (default: ${DEFAULT-VALUE}).")
  String prediction;

  @Option(
      names = "--init",
      paramLabel = "URI",
      description =
          "Start from the weights of this PF-DiffSeg artifact (folder, .zip, or embedded:pfdiffseg) instead of random ones, e.g. to fine-tune it on other data or for --prediction v; its network must be the one these options describe.")
  String init;

  private DiffusionRecipe recipe;
  private UNetConfig network;
  private FetchedModel initial;

  @Override
  protected void validate() {
    try {
      network = PfDiffSegTraining.network(options.baseChannels, multipliers);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
    Prediction target;
    try {
      target = Prediction.parse(prediction);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--prediction: " + e.getMessage(), e);
    }
    // a resumed run reads its weights from the checkpoint, but its recipe still names the start
    initial = init == null ? null : initialModel();
    String start = initial == null ? "" : initial.modelId();
    recipe = options.recipe(0.1f, network).withTarget(target, start);
  }

  /** The --init artifact, fetched and checked against the network to train. */
  private FetchedModel initialModel() {
    ModelRef ref = ModelOptions.ref("--init", init, ModelFormat.DJL_PARAMS, PfDiffSegTraining.KIND);
    FetchedModel fetched = ModelPreflight.check(ref, new Configuration(), null);
    Map<String, Object> arguments = fetched.manifest().arguments();
    UNetConfig theirs;
    try {
      theirs = UNetConfig.fromArguments(arguments);
    } catch (RuntimeException e) {
      throw new ConfigurationException("--init " + init + ": no UNet in its manifest", e);
    }
    if (!theirs.equals(network)) {
      throw new ConfigurationException(
          "--init "
              + init
              + " is a "
              + theirs.toArguments()
              + " network, not the "
              + network.toArguments()
              + " these options train: give its --base-channels and --multipliers");
    }
    if (!options.schedule.equalsIgnoreCase(String.valueOf(arguments.get("schedule")))) {
      throw new ConfigurationException(
          "--init "
              + init
              + " was trained on the "
              + arguments.get("schedule")
              + " schedule, not --schedule "
              + options.schedule);
    }
    return fetched;
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
            initial == null || options.resume ? null : initial.folder(),
            TrainingOutput.of(out()));
    return TrainingOutput.finish(this, "train pfdiffseg", artifact, recipe, started);
  }
}
