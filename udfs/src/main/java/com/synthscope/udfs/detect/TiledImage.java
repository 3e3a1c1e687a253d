package com.synthscope.udfs.detect;

import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.image.Crops;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.ImageTensors;
import com.synthscope.udfs.image.Resampler;
import com.synthscope.udfs.image.ResizeFilter;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A picture as a detector of a given contract sees it (METHODS.md section 4): its specimen region
 * ({@link SpecimenRegion}: information band and borders cut), resampled by the contract's scale
 * (box filter when shrinking, as the training crops were made; bicubic when enlarging) and covered
 * by tiles of the contract's size.
 *
 * <p>Tiling: tiles sit on a grid from the region's top-left corner; where the region's side is not
 * a multiple of the tile, one more row (column) of tiles is aligned to its bottom (right) edge, so
 * every specimen pixel is covered and no tile holds padding or band. Blank tiles (grey standard
 * deviation below {@value #BLANK_STD} of the range: empty or saturated areas) are left out. When
 * more than {@code maxTiles} remain, {@code maxTiles} are taken at evenly spaced positions of the
 * row-major order ({@code floor((j + 0.5) n / max)}), so the choice is deterministic and spread
 * over the whole image.
 *
 * <p>A region smaller than one tile at the contract's scale is scored once at its own size: the
 * region resized to one tile ({@link #wholeImage()}). A {@code whole} contract resizes the whole
 * picture to one tile and cuts nothing.
 *
 * @param region the specimen region, in source pixels
 * @param specimen the region at the contract's scale (what NS-Net's patch selection reads); for a
 *     single-tile image, the region at its own size
 * @param tiles the tiles scored, each {@code [channels, size, size]} in [0, 1]
 * @param boxes where each tile came from, in source pixels: {@code {top, left, bottom, right}}
 * @param leftOut tiles' worth of area left out: the non-specimen area in tiles (rounded) plus the
 *     blank tiles
 * @param capped tiles of the specimen not scored because of {@code maxTiles}
 * @param wholeImage true when the image was scored once at its own size (too small for a tile, or a
 *     whole contract)
 */
public record TiledImage(
    SpecimenRegion region,
    FloatImage specimen,
    List<FloatImage> tiles,
    List<int[]> boxes,
    int leftOut,
    int capped,
    boolean wholeImage) {

  static final float BLANK_STD = 2f / 255;

  /**
   * Pictures prepared lately by this thread: the detectors of one batch share a contract, so each
   * picture is converted, searched for its band and resampled once, not once per detector.
   */
  private static final ThreadLocal<Map<Key, TiledImage>> RECENT =
      ThreadLocal.withInitial(
          () ->
              new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Key, TiledImage> eldest) {
                  return size()
                      > 16; // a batch of 16 pictures: a few hundred MB at most for full-size
                  // micrographs
                }
              });

  /** Identity of the picture object (not its pixels), contract and cap. */
  private record Key(BufferedImage picture, DetectorContract contract, int maxTiles) {}

  /** The picture as the contract's detector sees it. */
  public static TiledImage of(BufferedImage picture, DetectorContract contract, int maxTiles) {
    Key key = new Key(picture, contract, maxTiles);
    Map<Key, TiledImage> recent = RECENT.get();
    TiledImage t = recent.get(key);
    if (t == null) {
      t = of(ImageTensors.toFloat(picture, ColorMode.RGB), contract, maxTiles);
      recent.put(key, t);
    }
    return t;
  }

  /** The same, from the picture as RGB floats in [0, 1]. */
  public static TiledImage of(FloatImage rgb, DetectorContract contract, int maxTiles) {
    int s = contract.size();
    if (!contract.tiled()) {
      FloatImage all = colour(rgb, contract.colour());
      FloatImage one = Resampler.resize(all, s, s, ResizeFilter.BICUBIC);
      return new TiledImage(
          SpecimenRegion.whole(rgb.height(), rgb.width()),
          all,
          List.of(one),
          List.of(new int[] {0, 0, rgb.height(), rgb.width()}),
          0,
          0,
          true);
    }
    // bands and borders are looked for only where the picture holds two tiles a side at the
    // contract's scale: a
    // tile-sized picture (a crop at the detector's scale) is all specimen, and its flat rows are
    // texture
    boolean large = Math.min(rgb.height(), rgb.width()) * contract.scale() >= 2 * s;
    SpecimenRegion region =
        large ? SpecimenRegion.detect(rgb) : SpecimenRegion.whole(rgb.height(), rgb.width());
    // the region is trimmed at its bottom and right to a whole number of output pixels, so the
    // resampling runs at
    // exactly the contract's scale from the region's top-left corner: cutting rows off the bottom
    // (a band) moves no
    // other pixel, and the noise features, which are sensitive to the sampling phase, stay put
    int h = Math.max(1, (int) Math.floor(region.specimenHeight() * contract.scale() + 1e-9));
    int w = Math.max(1, (int) Math.floor(region.specimenWidth() * contract.scale() + 1e-9));
    int srcH =
        Math.max(1, Math.min(region.specimenHeight(), (int) Math.round(h / contract.scale())));
    int srcW =
        Math.max(1, Math.min(region.specimenWidth(), (int) Math.round(w / contract.scale())));
    FloatImage cropped =
        colour(Crops.crop(rgb, region.top(), region.left(), srcH, srcW), contract.colour());
    double cutTiles =
        ((double) region.height() * region.width()
                - (double) region.specimenHeight() * region.specimenWidth())
            * contract.scale()
            * contract.scale()
            / ((double) s * s);
    int nonSpecimen = (int) Math.round(cutTiles);
    int[] fullBox = {region.top(), region.left(), region.bottom(), region.right()};
    if (h < s || w < s) {
      FloatImage one = Resampler.resize(cropped, s, s, ResizeFilter.BICUBIC);
      return new TiledImage(
          region, cropped, List.of(one), List.<int[]>of(fullBox), nonSpecimen, 0, true);
    }
    FloatImage scaled =
        Resampler.resize(
            cropped, h, w, contract.scale() < 1 ? ResizeFilter.BOX : ResizeFilter.BICUBIC);
    List<FloatImage> kept = new ArrayList<>();
    List<int[]> boxes = new ArrayList<>();
    int blank = 0;
    double back = 1 / contract.scale();
    for (int top : positions(h, s)) {
      for (int left : positions(w, s)) {
        FloatImage tile = Crops.crop(scaled, top, left, s, s);
        if (greyStd(tile) < BLANK_STD) {
          blank++;
          continue;
        }
        kept.add(tile);
        boxes.add(
            new int[] {
              region.top() + (int) Math.round(top * back),
              region.left() + (int) Math.round(left * back),
              region.top() + (int) Math.round((top + s) * back),
              region.left() + (int) Math.round((left + s) * back)
            });
      }
    }
    if (kept.isEmpty()) {
      // all blank: score the region once rather than not at all; the row says it was scored whole
      FloatImage one = Resampler.resize(cropped, s, s, ResizeFilter.BICUBIC);
      return new TiledImage(
          region, scaled, List.of(one), List.<int[]>of(fullBox), nonSpecimen + blank, 0, true);
    }
    int capped = 0;
    if (kept.size() > maxTiles) {
      List<FloatImage> t = new ArrayList<>(maxTiles);
      List<int[]> b = new ArrayList<>(maxTiles);
      for (int i : spread(kept.size(), maxTiles)) {
        t.add(kept.get(i));
        b.add(boxes.get(i));
      }
      capped = kept.size() - maxTiles;
      kept = t;
      boxes = b;
    }
    return new TiledImage(
        region, scaled, List.copyOf(kept), List.copyOf(boxes), nonSpecimen + blank, capped, false);
  }

  /**
   * Tile origins along a side of {@code n} px: a grid of {@code size}, plus one aligned to the end.
   */
  static int[] positions(int n, int size) {
    int full = n / size;
    boolean edge = n % size != 0;
    int[] p = new int[full + (edge ? 1 : 0)];
    for (int i = 0; i < full; i++) {
      p[i] = i * size;
    }
    if (edge) {
      p[full] = n - size;
    }
    return p;
  }

  /** {@code max} of {@code n} indices, evenly spaced: {@code floor((j + 0.5) n / max)}. */
  static int[] spread(int n, int max) {
    int[] out = new int[max];
    for (int j = 0; j < max; j++) {
      out[j] = (int) Math.floor((j + 0.5) * n / max);
    }
    return out;
  }

  static float greyStd(FloatImage tile) {
    int hw = tile.height() * tile.width();
    double s = 0;
    double s2 = 0;
    for (int i = 0; i < hw; i++) {
      float g = tile.data()[i]; // first channel: grey, or red of RGB (micrographs are grey)
      s += g;
      s2 += g * g;
    }
    double m = s / hw;
    return (float) Math.sqrt(Math.max(0, s2 / hw - m * m));
  }

  private static FloatImage colour(FloatImage rgb, ColorMode mode) {
    if (mode == ColorMode.RGB) {
      return rgb;
    }
    int hw = rgb.height() * rgb.width();
    float[] g = new float[hw];
    float[] d = rgb.data();
    for (int i = 0; i < hw; i++) {
      // as ImageTensors' BT.601 luma, so a grey picture keeps its exact values
      g[i] =
          (float)
              Math.min(1, Math.max(0, 0.299 * d[i] + 0.587 * d[hw + i] + 0.114 * d[2 * hw + i]));
    }
    return new FloatImage(1, rgb.height(), rgb.width(), g);
  }

  /** Tiles scored. */
  public int tileCount() {
    return tiles.size();
  }
}
