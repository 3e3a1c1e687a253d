package com.synthscope.udfs.diffusion;

import java.util.SplittableRandom;

/**
 * Standard normal noise that depends only on a sample's seed and a stream index, so a sample is
 * reproducible whatever batch it is in and whatever the batch order.
 *
 * <p>Streams: stream 0 is the starting noise {@code x_T}; {@link DdpmSampler} draws the noise of
 * its step at timestep {@code t} (t = T-1 .. 1) from stream {@code t}.
 *
 * <p>Generator, fixed so that the numbers are the same on every JVM:
 *
 * <ol>
 *   <li>key = {@code mix64(mix64(seed) + 0x9E3779B97F4A7C15 * (stream + 1))}, where {@code mix64}
 *       is the SplitMix64 / Stafford "variant 13" finaliser (a bijection on 64-bit values). For a
 *       fixed stream, distinct seeds give distinct keys; for a fixed seed, distinct streams give
 *       distinct keys (the odd multiplier is injective mod 2^64). The outer mix spreads keys so
 *       that neighbouring seeds such as 0, 1, 2 do not give overlapping {@code SplittableRandom}
 *       sequences (a raw seed {@code s} and {@code s + gamma} would be the same sequence shifted by
 *       one).
 *   <li>{@code new SplittableRandom(key)} (its algorithm is specified and identical across JDKs),
 *       uniforms from {@code nextDouble()}.
 *   <li>Box–Muller with {@link StrictMath} (bit-exact across platforms, unlike {@code Math}):
 *       {@code u1 = 1 - nextDouble()} in (0, 1], {@code u2 = nextDouble()}, {@code z0 = sqrt(-2 ln
 *       u1) cos(2 pi u2)}, {@code z1 = sqrt(-2 ln u1) sin(2 pi u2)}; both are used, the last sine
 *       is dropped when the sample size is odd. Values are computed in double and rounded to float.
 * </ol>
 */
public final class SampleNoise {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private SampleNoise() {}

  /**
   * {@code seeds.length * sampleSize} standard normal values, sample {@code i} from {@code
   * (seeds[i], stream)}.
   */
  public static float[] gaussian(long[] seeds, int sampleSize, int stream) {
    if (seeds == null) {
      throw new IllegalArgumentException("seeds is null");
    }
    if (sampleSize < 0) {
      throw new IllegalArgumentException("sampleSize must be >= 0, got " + sampleSize);
    }
    float[] out = new float[Math.multiplyExact(seeds.length, sampleSize)];
    for (int i = 0; i < seeds.length; i++) {
      fill(seeds[i], stream, out, i * sampleSize, sampleSize);
    }
    return out;
  }

  /**
   * The noise of a single sample: the same numbers {@link #gaussian(long[], int, int)} gives it in
   * any batch.
   */
  public static float[] gaussian(long seed, int sampleSize, int stream) {
    return gaussian(new long[] {seed}, sampleSize, stream);
  }

  /** The 64-bit key that seeds the generator of {@code (seed, stream)}. */
  static long streamKey(long seed, int stream) {
    return mix64(mix64(seed) + GOLDEN_GAMMA * ((long) stream + 1L));
  }

  private static void fill(long seed, int stream, float[] out, int from, int count) {
    SplittableRandom r = new SplittableRandom(streamKey(seed, stream));
    int end = from + count;
    for (int j = from; j < end; j += 2) {
      double u1 = 1.0 - r.nextDouble();
      double u2 = r.nextDouble();
      double radius = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
      double angle = 2.0 * StrictMath.PI * u2;
      out[j] = (float) (radius * StrictMath.cos(angle));
      if (j + 1 < end) {
        out[j + 1] = (float) (radius * StrictMath.sin(angle));
      }
    }
  }

  /** The SplitMix64 finaliser: spreads nearby 64-bit values over the whole range. */
  public static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
