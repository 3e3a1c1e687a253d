package com.synthscope.job.train;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code synthscope train <model>}: fits a model on the user's data and writes a model artifact.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Train a model and write its artifact.",
    subcommands = {
      TrainPfDiffSegCommand.class,
      TrainDnfBackboneCommand.class,
      TrainDnfCommand.class,
      TrainNsNetEncoderCommand.class,
      TrainNsNetCommand.class
    })
public final class TrainCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name the model to train, e.g. 'train pfdiffseg'");
  }
}
