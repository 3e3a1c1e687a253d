package com.synthscope.udfs.diffusion;

/**
 * {@code eps_theta(x_t, t)} for a batch: {@code x} is a flat NCHW batch of {@code n} samples and
 * {@code t} holds one timestep per sample. Returns the predicted noise in the same layout and
 * length as {@code x}. Implementations may run a network; they must not keep or modify {@code x}
 * (the samplers pass a copy anyway).
 */
@FunctionalInterface
public interface NoisePredictor {
  float[] predictNoise(float[] x, int n, int[] t);
}
