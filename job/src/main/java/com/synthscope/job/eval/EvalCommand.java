package com.synthscope.job.eval;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code synthscope eval <model>}: measures a model; the last line of output is one JSON object.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Measure a model.",
    subcommands = {
      EvalPfDiffSegCommand.class,
      EvalDnfCommand.class,
      EvalNsNetCommand.class,
      EvalFusedCommand.class,
      EvalSegmentationCommand.class
    })
public final class EvalCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name the model to evaluate, e.g. 'eval pfdiffseg'");
  }
}
