package com.synthscope.udfs.train;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a diffusion model is trained: everything needed to reproduce a run, recorded in its artifact.
 *
 * @param size crop side in pixels, at the training scale
 * @param scale downscaling of the source images before cropping (0.5: a 64 px crop covers 128 source px)
 * @param steps optimiser steps
 * @param batch crops per step
 * @param learningRate Adam learning rate
 * @param emaDecay decay of the exponential moving average of the weights that is shipped
 * @param seed seeds weights, crops, timesteps, noise and condition dropout
 * @param schedule noise schedule name (linear | cosine)
 * @param timesteps T
 * @param conditionDropout probability of training a sample with the null condition (classifier-free guidance)
 * @param checkpointEvery steps between checkpoints
 */
public record DiffusionRecipe(int size, double scale, int steps, int batch, float learningRate, float emaDecay,
    long seed, String schedule, int timesteps, float conditionDropout, int checkpointEvery) {

  public DiffusionRecipe {
    if (size < 8 || scale <= 0 || scale > 1 || steps < 1 || batch < 1 || learningRate <= 0 || emaDecay < 0
        || emaDecay >= 1 || timesteps < 2 || conditionDropout < 0 || conditionDropout > 1 || checkpointEvery < 1) {
      throw new IllegalArgumentException("invalid training recipe: " + this);
    }
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
    return m;
  }
}
