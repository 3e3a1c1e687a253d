package com.synthscope.udfs.image;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The grey levels that PF-DiffSeg's image channel maps to [-1, 1]: {@code low -> -1}, {@code high
 * -> +1}, clamped outside. MetalDAM's grey at scale 0.25 has mean 0.36 and standard deviation 0.11
 * on [0, 1], so with the plain {@code grey * 2 - 1} the image channel carries about a fifth of the
 * amplitude of the +-1 mask channels and drowns in the noise at far lower t (docs/pfdiffseg.md,
 * diagnosis). Stretching the training grey between two percentiles gives it a similar scale. {@code
 * (0, 1)} is the plain mapping.
 */
public record GreyRange(float low, float high) {

  public static final GreyRange PLAIN = new GreyRange(0f, 1f);

  public GreyRange {
    if (!(low >= 0 && high <= 1 && high > low)) {
      throw new IllegalArgumentException(
          "grey range must satisfy 0 <= low < high <= 1, got " + low + ", " + high);
    }
  }

  /**
   * The {@code percentile} and {@code 100 - percentile} grey levels of all pixels of the images (0:
   * plain).
   */
  public static GreyRange ofPercentile(List<float[]> images, double percentile) {
    if (percentile <= 0) {
      return PLAIN;
    }
    if (percentile >= 50) {
      throw new IllegalArgumentException(
          "grey stretch percentile must be below 50, got " + percentile);
    }
    int total = images.stream().mapToInt(g -> g.length).sum();
    float[] all = new float[total];
    int at = 0;
    for (float[] g : images) {
      System.arraycopy(g, 0, all, at, g.length);
      at += g.length;
    }
    Arrays.sort(all);
    int lo = (int) Math.floor(percentile / 100 * (total - 1));
    int hi = (int) Math.ceil((100 - percentile) / 100 * (total - 1));
    // rounded to 1/1024 so that the manifest's decimal text gives back the same floats
    return new GreyRange(
        (float) (Math.floor(all[lo] * 1024) / 1024), (float) (Math.ceil(all[hi] * 1024) / 1024));
  }

  /** From a manifest's preprocessing ({@code grey_low}, {@code grey_high}); absent means plain. */
  public static GreyRange fromPreprocessing(Map<String, ?> preprocessing) {
    Object lo = preprocessing.get("grey_low");
    Object hi = preprocessing.get("grey_high");
    if (lo == null && hi == null) {
      return PLAIN;
    }
    return new GreyRange(((Number) lo).floatValue(), ((Number) hi).floatValue());
  }

  /** Grey in [0, 1] to the channel value in [-1, 1]. */
  public float toSigned(float grey) {
    float u = (grey - low) / (high - low);
    return Math.max(-1f, Math.min(1f, u * 2f - 1f));
  }

  /** The channel value back to grey in [0, 1]. */
  public float toGrey(float signed) {
    float g = low + (signed + 1f) / 2f * (high - low);
    return Math.max(0f, Math.min(1f, g));
  }

  public boolean isPlain() {
    return low == 0f && high == 1f;
  }
}
