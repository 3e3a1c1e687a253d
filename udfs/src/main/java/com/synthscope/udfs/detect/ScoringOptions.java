package com.synthscope.udfs.detect;

import java.io.Serializable;

/**
 * How whole images are scored, on top of the detector's contract.
 *
 * @param scale the pixel scale instead of the contract's ({@code --scale}: archives imaged at
 *     another magnification); null: the contract's
 * @param maxTiles tiles scored per image at most; more are thinned deterministically, spread over
 *     the image
 * @param aggregation tile logits to the image logit
 */
public record ScoringOptions(Double scale, int maxTiles, TileAggregation aggregation)
    implements Serializable {

  /**
   * Tiles per image by default. A 1024 x 768 micrograph at scale 0.25 without its band has 48 (8 x
   * 6); 16 of them, spread evenly, give the same test figures as all 48-64 at the refitted
   * operating point and 2x the throughput: 5.8 full-size images/s on 2 cores against 2.9 at 64
   * (docs/detectors.md, docs/bench.md).
   */
  public static final int DEFAULT_MAX_TILES = 16;

  public static final ScoringOptions DEFAULTS =
      new ScoringOptions(null, DEFAULT_MAX_TILES, TileAggregation.MEAN_LOGIT);

  public ScoringOptions {
    if (scale != null && !(scale > 0 && scale <= 8)) {
      throw new IllegalArgumentException("scale must lie in (0, 8], got " + scale);
    }
    if (maxTiles < 1) {
      throw new IllegalArgumentException("max tiles must be >= 1, got " + maxTiles);
    }
    if (aggregation == null) {
      throw new IllegalArgumentException("no tile aggregation");
    }
  }

  /** The contract with the scale override applied. */
  public DetectorContract apply(DetectorContract contract) {
    return scale == null || !contract.tiled() ? contract : contract.withScale(scale);
  }
}
