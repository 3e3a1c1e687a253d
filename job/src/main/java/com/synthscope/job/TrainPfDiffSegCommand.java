package com.synthscope.job;

import com.synthscope.udfs.train.DiffusionRecipe;
import com.synthscope.udfs.train.PfDiffSegTraining;
import com.synthscope.udfs.train.Split;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code synthscope train pfdiffseg}: the phase-fraction guided image + mask diffusion model on MetalDAM. */
@Command(name = "pfdiffseg", mixinStandardHelpOptions = true,
    description = {"Train PF-DiffSeg on MetalDAM crops (image + one-hot mask, conditioned on phase fractions).",
        "Writes OUT/checkpoint (resumable), OUT/loss.csv and the model artifact OUT/model."})
public final class TrainPfDiffSegCommand extends CommandBase {

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "The metaldam folder (images/, labels/).")
  Path data;

  @Option(names = "--split", defaultValue = "train", description = "Split of DATA.md to train on (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Option(names = "--size", defaultValue = "64", description = "Crop side in pixels at the training scale (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--scale", defaultValue = "0.5", description = "Downscaling of the micrographs before cropping (default: ${DEFAULT-VALUE}).")
  double scale;

  @Option(names = "--steps", defaultValue = "4000", description = "Optimiser steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch", defaultValue = "16", description = "Crops per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--lr", defaultValue = "2e-4", description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(names = "--ema", defaultValue = "0.995", description = "EMA decay of the shipped weights (default: ${DEFAULT-VALUE}).")
  float emaDecay;

  @Option(names = "--schedule", defaultValue = "linear", description = "linear or cosine (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--base-channels", defaultValue = "32", description = "UNet width (default: ${DEFAULT-VALUE}).")
  int baseChannels;

  @Option(names = "--checkpoint-every", defaultValue = "200", description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(names = "--resume", description = "Continue from OUT/checkpoint.")
  boolean resume;

  @Option(names = "--seed", defaultValue = "1", description = "Seed for weights, crops, noise and dropout (default: ${DEFAULT-VALUE}).")
  long seed;

  private DiffusionRecipe recipe;
  private com.synthscope.udfs.nets.UNetConfig network;
  private Split chosenSplit;

  @Override
  protected void validate() {
    if (!Files.isDirectory(data.resolve("images")) || !Files.isDirectory(data.resolve("labels"))) {
      throw new ConfigurationException("--data " + data + " must hold images/ and labels/ (the metaldam folder)");
    }
    try {
      chosenSplit = Split.parse(split);
      recipe = new DiffusionRecipe(size, scale, steps, batch, learningRate, emaDecay, seed, schedule, 1000, 0.1f,
          checkpointEvery);
      network = PfDiffSegTraining.network(baseChannels);
      if (size % 4 != 0) {
        throw new IllegalArgumentException("--size must be a multiple of 4");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }

  @Override
  protected int execute() throws Exception {
    PrintStream progress = new PrintStream(new WriterStream(out()), true, java.nio.charset.StandardCharsets.UTF_8);
    long started = System.nanoTime();
    Path artifact = PfDiffSegTraining.run(data, chosenSplit, recipe, network, out, resume, progress);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "train pfdiffseg");
    json.put("artifact", artifact.toString());
    json.put("steps", steps);
    json.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
    out().println("model artifact: " + artifact);
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }
}
