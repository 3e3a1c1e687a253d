package com.synthscope.udfs.train;

import com.synthscope.udfs.image.GreyRange;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Training batches for PF-DiffSeg: random MetalDAM crops as (1 grey + K mask) channels, conditioned
 * on fractions.
 */
public final class PfDiffSegBatches implements DiffusionBatches {

  /**
   * The rare phases, precipitate and defect (MetalDAM classes 3 and 4): 1.5 % of the pixels of
   * random training crops, reaching 1 % in only 12 % of them, and the generated defect regions are
   * the ones a segmenter misses most (docs/pfdiffseg.md, session 14).
   */
  static final int RARE_FIRST_CLASS = 3;

  /** A crop counts as holding the rare phases when they cover at least this share of it. */
  static final float RARE_MIN_SHARE = 0.01f;

  /** Redraws per rare crop before the last draw is kept (some images hold none). */
  static final int RARE_TRIES = 64;

  private final List<LabelledMicrograph> images;
  private final int size;
  private final GreyRange grey;
  private final double rareShare;

  /**
   * @param images the training micrographs, already at the training scale
   */
  public PfDiffSegBatches(List<LabelledMicrograph> images, int size) {
    this(images, size, GreyRange.PLAIN, 0);
  }

  /**
   * @param grey the grey levels mapped to -1 and +1
   * @param rareShare the share of crops redrawn until they hold the rare phases (see {@link
   *     #RARE_FIRST_CLASS}); 0: every crop as drawn
   */
  public PfDiffSegBatches(
      List<LabelledMicrograph> images, int size, GreyRange grey, double rareShare) {
    if (!(rareShare >= 0 && rareShare < 1)) {
      throw new IllegalArgumentException(
          "the rare-crop share must lie in [0, 1), got " + rareShare);
    }
    this.images = List.copyOf(images);
    this.size = size;
    this.grey = grey;
    this.rareShare = rareShare;
  }

  @Override
  public Batch next(SplittableRandom rng, int batchSize) {
    PairCrops crops = new PairCrops(images, size, rng.nextLong());
    int per = channels() * size * size;
    float[] x0 = new float[batchSize * per];
    float[] conditions = new float[batchSize * conditionDim()];
    for (int i = 0; i < batchSize; i++) {
      Pair p = crops.next();
      // the extra draw only when asked, so runs without it keep their random sequence
      if (rareShare > 0 && rng.nextDouble() < rareShare) {
        for (int tries = 1; tries < RARE_TRIES && rareCover(p) < RARE_MIN_SHARE; tries++) {
          p = crops.next();
        }
      }
      System.arraycopy(PairCrops.toChannels(p, grey), 0, x0, i * per, per);
      System.arraycopy(p.fractions(), 0, conditions, i * conditionDim(), conditionDim());
    }
    return new Batch(x0, batchSize, conditions);
  }

  private static float rareCover(Pair p) {
    float cover = 0;
    for (int c = RARE_FIRST_CLASS; c < p.fractions().length; c++) {
      cover += p.fractions()[c];
    }
    return cover;
  }

  @Override
  public int channels() {
    return 1 + MetalDam.CLASSES;
  }

  @Override
  public int conditionDim() {
    return MetalDam.CLASSES;
  }
}
