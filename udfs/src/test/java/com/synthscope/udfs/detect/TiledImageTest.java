package com.synthscope.udfs.detect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.image.ColorMode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class TiledImageTest {

  private static final DetectorContract C = DetectorContract.MICROGRAPH_TILES;

  @Test
  void tilesCoverTheRegionOnAGridWithOneRowAlignedToTheEdge() {
    assertArrayEquals(new int[] {0, 32, 64, 68}, TiledImage.positions(100, 32));
    assertArrayEquals(new int[] {0, 32}, TiledImage.positions(64, 32));
    assertArrayEquals(new int[] {0}, TiledImage.positions(32, 32));
  }

  @Test
  void moreTilesThanTheCapAreThinnedEvenlyAndDeterministically() {
    assertArrayEquals(new int[] {0, 1, 2, 3}, TiledImage.spread(4, 4));
    assertArrayEquals(new int[] {1, 4, 7, 10}, TiledImage.spread(12, 4));
    BufferedImage img = SpecimenRegionTest.texture(1024, 768, 5);
    TiledImage a = TiledImage.of(img, C, 16);
    TiledImage b = TiledImage.of(img, C, 16);
    assertEquals(16, a.tileCount());
    assertEquals(48 - 16, a.capped()); // 256 x 192 at scale 0.25: 8 x 6 tiles
    for (int i = 0; i < 16; i++) {
      assertArrayEquals(a.boxes().get(i), b.boxes().get(i));
      assertArrayEquals(a.tiles().get(i).data(), b.tiles().get(i).data());
    }
    // spread: the chosen tiles reach the first and the last rows of the grid
    assertTrue(a.boxes().get(0)[0] == 0 && a.boxes().get(15)[2] >= 700);
  }

  @Test
  void theBandIsLeftOutOfEveryTileAndCounted() {
    BufferedImage img = SpecimenRegionTest.texture(1024, 768, 6);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 700, 1024, 68);
    g.setColor(Color.BLACK);
    g.drawString("20 kV  x5000  10 um", 20, 740);
    g.dispose();
    TiledImage t = TiledImage.of(img, C, 64);
    assertEquals(700, t.region().bottom());
    assertFalse(t.wholeImage());
    assertEquals(
        8 * 6, t.tileCount()); // 175 rows at scale 0.25: 5 full rows and one aligned to the edge
    for (int[] box : t.boxes()) {
      assertTrue(box[2] <= 700, "tile reaches into the band: " + java.util.Arrays.toString(box));
    }
    assertEquals(4, t.leftOut()); // 68 x 1024 px at scale 0.25 = 4.25 tiles
    assertEquals(1, t.tiles().get(0).channels());
    assertEquals(32, t.tiles().get(0).height());
  }

  @Test
  void blankTilesAreLeftOut() {
    BufferedImage img = SpecimenRegionTest.texture(512, 512, 7);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(128, 128, 128));
    g.fillRect(0, 0, 256, 256); // a quarter of the picture is blank (inside, so no border)
    g.dispose();
    // shift the blank block inside so the region stays whole: fill the middle instead
    BufferedImage mid = SpecimenRegionTest.texture(512, 512, 7);
    Graphics2D m = mid.createGraphics();
    m.setColor(new Color(128, 128, 128));
    m.fillRect(128, 128, 256, 256);
    m.dispose();
    TiledImage t = TiledImage.of(mid, C, 64);
    assertTrue(t.region().isWhole());
    assertEquals(
        16 - 4, t.tileCount()); // 128 x 128 at scale 0.25: 4 x 4 tiles, the middle 2 x 2 blank
    assertEquals(4, t.leftOut());
  }

  @Test
  void anImageSmallerThanOneTileAtTheScaleIsScoredOnceAtItsOwnSize() {
    BufferedImage img = SpecimenRegionTest.texture(32, 32, 8);
    TiledImage t = TiledImage.of(img, C, 64);
    assertTrue(t.wholeImage());
    assertEquals(1, t.tileCount());
    // a 32 px picture is its own tile, values unchanged: as the detectors were trained on such
    // crops
    assertArrayEquals(SpecimenRegionTest.grey(img).data(), t.tiles().get(0).data(), 1e-6f);
  }

  @Test
  void aWholeContractResizesTheWholePicture() {
    BufferedImage img = SpecimenRegionTest.texture(300, 200, 9);
    TiledImage t = TiledImage.of(img, DetectorContract.whole(32, ColorMode.RGB), 64);
    assertTrue(t.wholeImage() && t.region().isWhole());
    assertEquals(3, t.tiles().get(0).channels());
    assertEquals(32, t.tiles().get(0).width());
  }

  @Test
  void aScaleOverrideChangesTheTiling() {
    BufferedImage img = SpecimenRegionTest.texture(512, 512, 10);
    assertEquals(16, TiledImage.of(img, C, 64).tileCount());
    assertEquals(
        64,
        TiledImage.of(img, new ScoringOptions(0.5, 64, TileAggregation.MEAN_LOGIT).apply(C), 64)
            .tileCount());
  }
}
