package com.synthscope.job.train;

import com.synthscope.job.ConfigurationException;
import com.synthscope.udfs.diffusion.Prediction;
import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.train.DiffusionRecipe;
import com.synthscope.udfs.train.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every diffusion training command takes, checked into a recipe. */
public final class DiffusionTrainingOptions {

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description =
          "The metaldam folder (images/, labels/); for 'train dnf-backbone' also a labelled-image Parquet table of photographs (RGB, e.g. CIFAKE).")
  Path data;

  @Option(
      names = "--split",
      defaultValue = "train",
      description = "Split of DATA.md to train on (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output folder: checkpoint/, loss.csv, model/.")
  Path out;

  @Option(
      names = "--size",
      defaultValue = "32",
      description =
          "Crop side in pixels at the training scale, a multiple of 4 (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--scale",
      defaultValue = "0.25",
      description = "Downscaling of the micrographs before cropping (default: ${DEFAULT-VALUE}).")
  double scale;

  @Option(
      names = "--steps",
      defaultValue = "10000",
      description = "Optimiser steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--batch",
      defaultValue = "16",
      description = "Crops per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "5e-4",
      description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(
      names = "--ema",
      defaultValue = "0.995",
      description = "EMA decay of the shipped weights (default: ${DEFAULT-VALUE}).")
  float emaDecay;

  @Option(
      names = "--schedule",
      defaultValue = "linear",
      description = "linear or cosine (default: ${DEFAULT-VALUE}).")
  String schedule;

  @Option(
      names = "--image-weight",
      defaultValue = "1",
      description =
          "Loss weight of channel 0 (the grey image) against 1 for each other channel (default: ${DEFAULT-VALUE}: the plain mean).")
  float imageWeight;

  @Option(
      names = "--min-snr",
      defaultValue = "0",
      paramLabel = "GAMMA",
      description =
          "Min-SNR-gamma loss weighting, min(SNR, GAMMA)/SNR per sample; 0: off (default: ${DEFAULT-VALUE}).")
  float minSnrGamma;

  @Option(
      names = "--timestep-power",
      defaultValue = "1",
      paramLabel = "K",
      description =
          "Draw training timesteps as floor(T * u^K), u uniform: 1 uniform, above 1 more steps at low t where fine image detail is learned (default: ${DEFAULT-VALUE}).")
  float timestepPower;

  @Option(
      names = "--warmup",
      defaultValue = "0",
      description = "Steps of linear learning-rate warm-up (default: ${DEFAULT-VALUE}).")
  int warmupSteps;

  @Option(
      names = "--decay-steps",
      defaultValue = "0",
      description =
          "Cosine decay of the learning rate to a tenth over this many steps after the warm-up, then constant; 0: none (default: ${DEFAULT-VALUE}).")
  int decaySteps;

  @Option(
      names = "--grey-percentile",
      defaultValue = "0",
      paramLabel = "P",
      description =
          "PF-DiffSeg: stretch the image channel so that the P-th and (100-P)-th percentile grey levels of the training pixels map to -1 and +1; 0: grey * 2 - 1 (default: ${DEFAULT-VALUE}).")
  float greyPercentile;

  @Option(
      names = "--rare-crops",
      defaultValue = "0",
      paramLabel = "P",
      description =
          "PF-DiffSeg: the share of training crops redrawn until they hold precipitate or defect (at least 1 % of the crop), so the network sees the rare phases' appearance more often; the fraction condition stays each crop's own, and train-fractions.csv is written from plain crops (default: ${DEFAULT-VALUE}).")
  float rareCrops;

  @Option(
      names = "--base-channels",
      defaultValue = "32",
      description = "UNet width (default: ${DEFAULT-VALUE}).")
  int baseChannels;

  @Option(
      names = "--checkpoint-every",
      defaultValue = "250",
      description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(
      names = "--resume",
      description = "Continue from OUT/checkpoint (same options; only --steps may change).")
  boolean resume;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed for weights, crops, noise and dropout (default: ${DEFAULT-VALUE}).")
  long seed;

  /**
   * Validates the options for a network; {@code conditionDropout} is 0 for unconditional models.
   */
  DiffusionRecipe recipe(float conditionDropout, UNetConfig network) {
    return recipe(conditionDropout, network, false);
  }

  /**
   * As {@link #recipe(float, UNetConfig)}; {@code photos}: the data is a Parquet table, not the
   * metaldam folder.
   */
  DiffusionRecipe recipe(float conditionDropout, UNetConfig network, boolean photos) {
    if (!photos
        && (!Files.isDirectory(data.resolve("images"))
            || !Files.isDirectory(data.resolve("labels")))) {
      throw new ConfigurationException(
          "--data " + data + " must hold images/ and labels/ (the metaldam folder)");
    }
    int multiple = 1 << network.downsamplings();
    if (size % multiple != 0) {
      throw new ConfigurationException(
          "--size must be a multiple of " + multiple + ", got " + size);
    }
    try {
      return new DiffusionRecipe(
          size,
          scale,
          steps,
          batch,
          learningRate,
          emaDecay,
          seed,
          schedule,
          1000,
          conditionDropout,
          checkpointEvery,
          imageWeight,
          minSnrGamma,
          warmupSteps,
          decaySteps,
          greyPercentile,
          Prediction.EPS,
          "",
          timestepPower,
          rareCrops);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }

  Split split() {
    try {
      return Split.parse(split);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }
}
