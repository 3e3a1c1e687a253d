package com.synthscope.udfs.augment;

/**
 * Chooses the phase-fraction vector to request for one augmentation sample (METHODS.md 3.6).
 * Implementations are deterministic per seed (the same seed gives the same vector on any executor)
 * and serializable, so a sampler can travel in a Spark closure.
 */
public interface FractionSampler extends java.io.Serializable {

  /** A vector of non-negative fractions summing to 1 (a fresh array the caller may modify). */
  float[] sample(long seed);

  /**
   * Short description for the augmentation set's metadata, e.g. {@code dirichlet(c=20,boost=...)}.
   */
  String name();
}
