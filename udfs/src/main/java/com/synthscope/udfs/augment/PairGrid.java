package com.synthscope.udfs.augment;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A picture of generated pairs: each cell is the image beside its colour-coded mask, both enlarged.
 */
public final class PairGrid {

  private static final int GAP = 4;

  private PairGrid() {}

  public static BufferedImage render(
      List<PfDiffSegGenerator.Generated> pairs, int size, int columns, int zoom) {
    int rows = (pairs.size() + columns - 1) / columns;
    int cellW = 2 * size * zoom + GAP;
    int cellH = size * zoom;
    BufferedImage out =
        new BufferedImage(
            columns * (cellW + 2 * GAP), rows * (cellH + 2 * GAP), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < out.getHeight(); y++) {
      for (int x = 0; x < out.getWidth(); x++) {
        out.setRGB(x, y, 0xffffff);
      }
    }
    for (int i = 0; i < pairs.size(); i++) {
      PfDiffSegGenerator.Generated g = pairs.get(i);
      BufferedImage mask = PairPng.colourMask(g.mask(), size, size);
      int ox = (i % columns) * (cellW + 2 * GAP) + GAP;
      int oy = (i / columns) * (cellH + 2 * GAP) + GAP;
      for (int y = 0; y < size * zoom; y++) {
        for (int x = 0; x < size * zoom; x++) {
          int v = Math.round(g.grey()[(y / zoom) * size + x / zoom] * 255f);
          out.setRGB(ox + x, oy + y, (v << 16) | (v << 8) | v);
          out.setRGB(ox + size * zoom + GAP + x, oy + y, mask.getRGB(x / zoom, y / zoom));
        }
      }
    }
    return out;
  }
}
