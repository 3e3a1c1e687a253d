package com.synthscope.udfs.detect;

import java.util.List;
import java.util.Locale;

/**
 * One detector's verdict on one image, with how it was reached.
 *
 * @param probability p(generated) in [0, 1]
 * @param logit the image logit (aggregated over tiles for tiled detectors); NaN when the detector
 *     has none
 * @param tiles tiles (or, for NS-Net, 32 px patches) the score was computed from; 1 for a
 *     whole-image score
 * @param maxTile the highest tile probability; null when the detector does not score tiles
 * @param tilesLeftOut non-specimen (band, border) and blank area left out, in tiles
 * @param wholeImage true when the image was scored once at its own size (smaller than one tile at
 *     the detector's scale, or a whole-image contract)
 * @param domainDistance the distance of the image's features from the detector's training images
 *     (see {@link DomainCheck}); null when the detector has no domain summary
 * @param outOfDomain true when {@code domainDistance} exceeds the detector's limit; null when
 *     unknown
 * @param tileBoxes per scored tile {@code {top, left, bottom, right, p * 1000}} in source pixels
 *     (heat map); empty when the detector does not score tiles
 * @param tileLogits the scored tiles' logits, in the order of {@code tileBoxes}; empty without
 *     tiles
 */
public record ImageScore(
    double probability,
    double logit,
    int tiles,
    Double maxTile,
    int tilesLeftOut,
    boolean wholeImage,
    Double domainDistance,
    Boolean outOfDomain,
    List<int[]> tileBoxes,
    double[] tileLogits) {

  public ImageScore {
    if (!(probability >= 0 && probability <= 1)) {
      throw new IllegalArgumentException(
          "a detector probability must lie in [0, 1], got " + probability);
    }
    tileBoxes = tileBoxes == null ? List.of() : List.copyOf(tileBoxes);
    tileLogits = tileLogits == null ? new double[0] : tileLogits;
  }

  /** A plain whole-image probability (detectors without tiles). */
  public static ImageScore whole(double probability) {
    double p = Math.min(1, Math.max(0, probability));
    return new ImageScore(
        probability, Math.log(p / (1 - p)), 1, null, 0, true, null, null, List.of(), null);
  }

  /**
   * The heat map as text for the table: {@code top,left,bottom,right,permille} per tile, tiles
   * separated by {@code ;}. Null when there are no tiles.
   */
  public String tileMap() {
    if (tileBoxes.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (int[] t : tileBoxes) {
      if (b.length() > 0) {
        b.append(';');
      }
      b.append(String.format(Locale.ROOT, "%d,%d,%d,%d,%d", t[0], t[1], t[2], t[3], t[4]));
    }
    return b.toString();
  }

  /** Parses {@link #tileMap()}. */
  public static List<int[]> parseTileMap(String map) {
    if (map == null || map.isBlank()) {
      return List.of();
    }
    return java.util.Arrays.stream(map.split(";"))
        .map(t -> java.util.Arrays.stream(t.split(",")).mapToInt(Integer::parseInt).toArray())
        .toList();
  }
}
