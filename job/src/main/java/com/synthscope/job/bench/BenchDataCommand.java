package com.synthscope.job.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code synthscope bench-data <set>}: builds a labelled benchmark table for the detectors. */
@Command(
    name = "bench-data",
    mixinStandardHelpOptions = true,
    description = "Build a labelled benchmark table for the detectors.",
    subcommands = {
      BenchDataMicrographsCommand.class,
      BenchDataWholeCommand.class,
      BenchDataArchiveCommand.class
    })
public final class BenchDataCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name the benchmark, e.g. 'bench-data micrographs'");
  }
}
