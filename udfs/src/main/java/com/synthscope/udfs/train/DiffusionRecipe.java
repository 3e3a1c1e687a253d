package com.synthscope.udfs.train;

import com.synthscope.udfs.diffusion.Prediction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * How a diffusion model is trained: everything needed to reproduce a run, recorded in its artifact.
 *
 * @param size crop side in pixels, at the training scale
 * @param scale downscaling of the source images before cropping (0.5: a 64 px crop covers 128
 *     source px)
 * @param steps optimiser steps
 * @param batch crops per step
 * @param learningRate Adam learning rate (the peak, with warm-up and decay)
 * @param emaDecay decay of the exponential moving average of the weights that is shipped
 * @param seed seeds weights, crops, timesteps, noise and condition dropout
 * @param schedule noise schedule name (linear | cosine)
 * @param timesteps T
 * @param conditionDropout probability of training a sample with the null condition (classifier-free
 *     guidance)
 * @param checkpointEvery steps between checkpoints
 * @param firstChannelWeight loss weight of channel 0 (PF-DiffSeg: the grey image) against 1 for
 *     every other channel; the weights are normalised to mean 1, so 1 is the plain mean over
 *     channels
 * @param minSnrGamma min-SNR-gamma loss weighting (Hang et al. 2023): each sample's loss is
 *     multiplied by {@code min(SNR(t), gamma) / SNR(t)}; 0 switches it off
 * @param warmupSteps linear learning-rate warm-up from 0 over this many steps (0: none)
 * @param decaySteps cosine decay of the learning rate from its peak to a tenth over this many steps
 *     after the warm-up, then constant (0: no decay); independent of {@code steps} so that a run
 *     extended on resume keeps its schedule
 * @param greyPercentile PF-DiffSeg: the grey levels at this percentile and at 100 minus it (of all
 *     training pixels) map to -1 and +1 in the image channel ({@code GreyRange}); 0: the plain
 *     {@code grey * 2 - 1}
 * @param prediction what the network learns to output (the noise or v)
 * @param init the model the weights started from (its {@code id@sha256}), or empty: a random
 *     initialisation
 * @param timestepPower training timesteps are drawn as {@code floor(T * u^power)} with u uniform on
 *     [0, 1): 1 is the uniform draw; above 1 more of the steps fall at low t, where the image's
 *     fine detail is learned (2: half of them below T / 4)
 * @param rareCropShare PF-DiffSeg: the share of training crops redrawn until they hold the rare
 *     phases ({@code PfDiffSegBatches}); 0: plain random crops
 */
public record DiffusionRecipe(
    int size,
    double scale,
    int steps,
    int batch,
    float learningRate,
    float emaDecay,
    long seed,
    String schedule,
    int timesteps,
    float conditionDropout,
    int checkpointEvery,
    float firstChannelWeight,
    float minSnrGamma,
    int warmupSteps,
    int decaySteps,
    float greyPercentile,
    Prediction prediction,
    String init,
    float timestepPower,
    float rareCropShare) {

  public DiffusionRecipe {
    Objects.requireNonNull(prediction, "prediction");
    Objects.requireNonNull(init, "init");
    if (size < 8
        || scale <= 0
        || scale > 1
        || steps < 1
        || batch < 1
        || learningRate <= 0
        || emaDecay < 0
        || emaDecay >= 1
        || timesteps < 2
        || conditionDropout < 0
        || conditionDropout > 1
        || checkpointEvery < 1
        || !(firstChannelWeight > 0)
        || minSnrGamma < 0
        || warmupSteps < 0
        || decaySteps < 0
        || greyPercentile < 0
        || greyPercentile >= 50
        || !(timestepPower > 0)
        || !(rareCropShare >= 0 && rareCropShare < 1)) {
      throw new IllegalArgumentException("invalid training recipe: " + this);
    }
  }

  /** A noise-predicting recipe from random weights. */
  public DiffusionRecipe(
      int size,
      double scale,
      int steps,
      int batch,
      float learningRate,
      float emaDecay,
      long seed,
      String schedule,
      int timesteps,
      float conditionDropout,
      int checkpointEvery,
      float firstChannelWeight,
      float minSnrGamma,
      int warmupSteps,
      int decaySteps,
      float greyPercentile) {
    this(
        size,
        scale,
        steps,
        batch,
        learningRate,
        emaDecay,
        seed,
        schedule,
        timesteps,
        conditionDropout,
        checkpointEvery,
        firstChannelWeight,
        minSnrGamma,
        warmupSteps,
        decaySteps,
        greyPercentile,
        Prediction.EPS,
        "",
        1f,
        0f);
  }

  /** The same recipe with another prediction target and starting point. */
  public DiffusionRecipe withTarget(Prediction newPrediction, String newInit) {
    return new DiffusionRecipe(
        size,
        scale,
        steps,
        batch,
        learningRate,
        emaDecay,
        seed,
        schedule,
        timesteps,
        conditionDropout,
        checkpointEvery,
        firstChannelWeight,
        minSnrGamma,
        warmupSteps,
        decaySteps,
        greyPercentile,
        newPrediction,
        newInit,
        timestepPower,
        rareCropShare);
  }

  /** The plain recipe: epsilon MSE averaged over every channel, constant learning rate. */
  public DiffusionRecipe(
      int size,
      double scale,
      int steps,
      int batch,
      float learningRate,
      float emaDecay,
      long seed,
      String schedule,
      int timesteps,
      float conditionDropout,
      int checkpointEvery) {
    this(
        size,
        scale,
        steps,
        batch,
        learningRate,
        emaDecay,
        seed,
        schedule,
        timesteps,
        conditionDropout,
        checkpointEvery,
        1f,
        0f,
        0,
        0,
        0f);
  }

  /** The learning rate of optimiser step {@code step} (0-based). */
  public float learningRateAt(int step) {
    double lr = learningRate;
    if (warmupSteps > 0 && step < warmupSteps) {
      return (float) (lr * (step + 1) / warmupSteps);
    }
    if (decaySteps > 0) {
      double u = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
      lr = lr * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * u)));
    }
    return (float) lr;
  }

  /**
   * One training timestep in [0, T): {@code rng.nextInt(T)} for the uniform draw (so runs made
   * before the option existed resume with the same draws), else {@code floor(T * u^power)}.
   */
  public int drawTimestep(SplittableRandom rng) {
    if (timestepPower == 1f) {
      return rng.nextInt(timesteps);
    }
    return Math.min(timesteps - 1, (int) (timesteps * Math.pow(rng.nextDouble(), timestepPower)));
  }

  /**
   * The per-sample loss weight of timestep {@code t} whose signal-to-noise ratio is {@code snr}.
   */
  public double timestepWeight(double snr) {
    if (minSnrGamma <= 0) {
      return 1.0;
    }
    // the same clamped-SNR weight on x0's error: eps's MSE is SNR times x0's, v's is SNR + 1 times
    return Math.min(snr, minSnrGamma) / (prediction == Prediction.V ? snr + 1 : snr);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("size", size);
    m.put("scale", scale);
    m.put("steps", steps);
    m.put("batch", batch);
    m.put("learning_rate", learningRate);
    m.put("optimizer", "adam");
    m.put("ema_decay", emaDecay);
    m.put("seed", seed);
    m.put("schedule", schedule);
    m.put("timesteps", timesteps);
    m.put("condition_dropout", conditionDropout);
    m.put("checkpoint_every", checkpointEvery);
    // the options added later are written only when set, so recipes (and checkpoints) of earlier
    // runs still match
    if (firstChannelWeight != 1f) {
      m.put("first_channel_weight", firstChannelWeight);
    }
    if (minSnrGamma > 0) {
      m.put("min_snr_gamma", minSnrGamma);
    }
    if (warmupSteps > 0) {
      m.put("warmup_steps", warmupSteps);
    }
    if (decaySteps > 0) {
      m.put("decay_steps", decaySteps);
    }
    if (greyPercentile > 0) {
      m.put("grey_percentile", greyPercentile);
    }
    if (prediction != Prediction.EPS) {
      m.put("prediction", prediction.id());
    }
    if (!init.isEmpty()) {
      m.put("init", init);
    }
    if (timestepPower != 1f) {
      m.put("timestep_power", timestepPower);
    }
    if (rareCropShare > 0) {
      m.put("rare_crop_share", rareCropShare);
    }
    return m;
  }
}
