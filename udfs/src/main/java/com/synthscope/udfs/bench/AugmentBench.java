package com.synthscope.udfs.bench;

import com.synthscope.udfs.augment.FractionSampler;
import com.synthscope.udfs.augment.PfDiffSegGenerator;
import com.synthscope.udfs.augment.SamplerSpec;
import com.synthscope.udfs.model.LoadedModel;

/**
 * Samples per second of PF-DiffSeg generation ({@link PfDiffSegGenerator}, the code the augment job
 * runs).
 */
public final class AugmentBench {

  private AugmentBench() {}

  /**
   * Each thread generates batches of {@code batch} pairs (its own seeds, requests drawn from {@code
   * fractions}). Warm-up: one batch of the same size with a 2-step DDIM sampler (the same tensor
   * shapes, few steps).
   */
  public static Throughput.Result measure(
      LoadedModel model,
      PfDiffSegGenerator.Settings settings,
      FractionSampler fractions,
      int batch,
      Throughput.Plan plan,
      int restoreIntraOp) {
    return Throughput.measure(
        plan,
        thread -> {
          PfDiffSegGenerator generator = new PfDiffSegGenerator(model, settings);
          long[] next = {1_000_003L * (thread + 1)};
          Throughput.Work work =
              () -> {
                long[] seeds = new long[batch];
                float[][] requested = new float[batch][];
                for (int i = 0; i < batch; i++) {
                  seeds[i] = next[0]++;
                  requested[i] = fractions.sample(seeds[i]);
                }
                return generator.generate(seeds, requested).size();
              };
          PfDiffSegGenerator warm =
              new PfDiffSegGenerator(
                  model,
                  new PfDiffSegGenerator.Settings(
                      SamplerSpec.parse("ddim:2"), settings.guidance()));
          long[] seeds = new long[batch];
          float[][] requested = new float[batch][];
          for (int i = 0; i < batch; i++) {
            seeds[i] = i;
            requested[i] = fractions.sample(i);
          }
          warm.generate(seeds, requested);
          return work;
        },
        restoreIntraOp);
  }

  /**
   * Network passes per sample: the sampler's steps, twice when guidance is not 1 (conditional and
   * null).
   */
  public static int passesPerSample(PfDiffSegGenerator generator, float guidance) {
    return generator.steps() * (guidance == 1f ? 1 : 2);
  }
}
