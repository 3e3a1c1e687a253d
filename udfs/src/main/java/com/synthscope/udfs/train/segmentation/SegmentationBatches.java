package com.synthscope.udfs.train.segmentation;

import com.synthscope.udfs.train.LabelledMicrograph;
import com.synthscope.udfs.train.Pair;
import com.synthscope.udfs.train.PairCrops;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training batches for segmentation: random real crops, optionally mixed with generated pairs, all
 * under the standard augmentation that the paper compares against (random flips, 90-degree
 * rotations, brightness and contrast jitter).
 *
 * <p>Mixing: every batch holds exactly {@link #syntheticPerBatch} generated pairs (round(ratio *
 * batch)), the rest real crops, so the ratio holds per batch and not just on average. Generated
 * pairs are drawn uniformly with replacement from the set. A batch depends only on the random
 * source passed in, which the trainer seeds by (seed, step).
 */
public final class SegmentationBatches {

  /**
   * Contrast factor range around the crop's mean, and additive brightness range, on grey values in
   * [0, 1].
   */
  static final float CONTRAST = 0.2f;

  static final float BRIGHTNESS = 0.1f;

  private final List<LabelledMicrograph> images;
  private final List<Pair> synthetic;
  private final int size;
  private final int batch;
  private final int syntheticPerBatch;

  /**
   * @param images real training micrographs, already at the training scale
   * @param synthetic generated pairs of side {@code size}; may be empty when {@code ratio} is 0
   * @param ratio share of each batch taken from {@code synthetic}, in [0, 1)
   */
  public SegmentationBatches(
      List<LabelledMicrograph> images, List<Pair> synthetic, int size, int batch, double ratio) {
    if (!(ratio >= 0 && ratio < 1)) {
      throw new IllegalArgumentException("synthetic ratio must be in [0, 1), got " + ratio);
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be positive, got " + batch);
    }
    this.images = List.copyOf(images);
    this.synthetic = List.copyOf(synthetic);
    this.size = size;
    this.batch = batch;
    this.syntheticPerBatch = syntheticCount(batch, ratio);
    if (syntheticPerBatch > 0 && this.synthetic.isEmpty()) {
      throw new IllegalArgumentException(
          "a synthetic ratio of " + ratio + " needs generated pairs");
    }
    for (Pair p : this.synthetic) {
      if (p.size() != size) {
        throw new IllegalArgumentException(
            "generated pair of " + p.size() + " px, training crops are " + size);
      }
    }
  }

  /** Generated pairs per batch: {@code round(ratio * batch)}. */
  public static int syntheticCount(int batch, double ratio) {
    return (int) Math.round(ratio * batch);
  }

  public int syntheticPerBatch() {
    return syntheticPerBatch;
  }

  public int size() {
    return size;
  }

  public int batch() {
    return batch;
  }

  /**
   * One batch: real crops first, then the generated pairs.
   *
   * @param rng this step's random source
   */
  public Batch next(SplittableRandom rng) {
    int n = batch;
    int per = size * size;
    float[] grey = new float[n * per];
    byte[] labels = new byte[n * per];
    boolean[] fromSynthetic = new boolean[n];
    PairCrops crops = new PairCrops(images, size, rng.nextLong());
    for (int i = 0; i < n; i++) {
      Pair p;
      if (i < n - syntheticPerBatch) {
        p = crops.next(); // flips and rotation already applied
      } else {
        Pair g = synthetic.get(rng.nextInt(synthetic.size()));
        p = PairCrops.transform(g, rng.nextBoolean(), rng.nextBoolean(), rng.nextInt(4));
        fromSynthetic[i] = true;
      }
      float[] g =
          jitter(
              p.grey(),
              1 + (float) (rng.nextDouble() * 2 - 1) * CONTRAST,
              (float) (rng.nextDouble() * 2 - 1) * BRIGHTNESS);
      System.arraycopy(g, 0, grey, i * per, per);
      System.arraycopy(p.labels(), 0, labels, i * per, per);
    }
    return new Batch(n, size, grey, labels, fromSynthetic);
  }

  /**
   * {@code clamp((v - mean) * contrast + mean + brightness, 0, 1)}: contrast about the crop's own
   * mean.
   */
  static float[] jitter(float[] grey, float contrast, float brightness) {
    double sum = 0;
    for (float v : grey) {
      sum += v;
    }
    float mean = (float) (sum / grey.length);
    float[] out = new float[grey.length];
    for (int i = 0; i < grey.length; i++) {
      out[i] = Math.min(1f, Math.max(0f, (grey[i] - mean) * contrast + mean + brightness));
    }
    return out;
  }

  /**
   * @param grey n * size * size grey values in [0, 1]
   * @param labels n * size * size class indices
   * @param fromSynthetic which samples are generated pairs
   */
  public record Batch(int n, int size, float[] grey, byte[] labels, boolean[] fromSynthetic) {

    public int syntheticCount() {
      int c = 0;
      for (boolean b : fromSynthetic) {
        c += b ? 1 : 0;
      }
      return c;
    }
  }
}
