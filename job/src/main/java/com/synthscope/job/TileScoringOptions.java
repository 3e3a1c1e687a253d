package com.synthscope.job;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.ScoringOptions;
import com.synthscope.udfs.detect.TileAggregation;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * How images are tiled and their tiles' logits combined, for the commands that score (audit,
 * calibrate, eval).
 */
public final class TileScoringOptions {

  @Option(
      names = "--scale",
      paramLabel = "F",
      description =
          "Pixel scale of the detectors instead of their contract's (e.g. 0.5 for an archive imaged at half the training magnification, 1 for crops already at the detectors' scale).")
  Double scale;

  @Option(
      names = "--max-tiles",
      defaultValue = "" + ScoringOptions.DEFAULT_MAX_TILES,
      paramLabel = "N",
      description =
          "Tiles scored per image at most; more are thinned evenly over the image (default: ${DEFAULT-VALUE}).")
  int maxTiles;

  @Option(
      names = "--aggregate",
      defaultValue = "mean-logit",
      paramLabel = "RULE",
      description =
          "Tile logits to the image logit: mean-logit, max or top-quarter-mean (default: ${DEFAULT-VALUE}).")
  String aggregate;

  /**
   * {@code --scale}, {@code --max-tiles} and {@code --aggregate} as options; exit 2 when out of
   * range.
   */
  public ScoringOptions options() {
    try {
      return new ScoringOptions(scale, maxTiles, TileAggregation.parse(aggregate));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--scale, --max-tiles or --aggregate: " + e.getMessage(), e);
    }
  }

  /** Each detector with these options. */
  public List<ImageDetector> apply(List<ImageDetector> detectors) {
    ScoringOptions options = options();
    return detectors.stream().map(d -> d.with(options)).toList();
  }

  /** The options in words, e.g. {@code mean-logit, at most 64 tiles, scale 0.5}. */
  public String describe() {
    return aggregate
        + ", at most "
        + maxTiles
        + " tiles"
        + (scale == null ? "" : ", scale " + scale);
  }
}
