package com.synthscope.udfs.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.detect.dnf.DnfDetector;
import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.testing.SharedSpark;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The embedded detectors on whole, real micrographs through the tiling path. */
class WholeImageScoringTest {

  /**
   * The documented tolerance (docs/detectors.md): cutting the band off changes the image's bottom
   * rows, so the last row of tiles (DNF) and the patch ranking (NS-Net) change a little; before the
   * band was detected it decided NS-Net's score outright (0.999 for every 1024 x 768 image, 0.02
   * for every 1280 x 960 one).
   */
  static final double BAND_TOLERANCE = 0.1;

  @Test
  void scoresOfBothBandLayoutsDoNotDependOnTheBand() throws Exception {
    File root = SharedSpark.metalDam().toFile();
    List<BufferedImage> images = new ArrayList<>();
    for (int n :
        new int[] {3, 41}) { // test split: 1024 x 768 (white strip) and 1280 x 960 (black strip)
      BufferedImage img = ImageIO.read(new File(root, "images/micrograph" + n + ".jpg"));
      BufferedImage label = ImageIO.read(new File(root, "labels/micrograph" + n + ".png"));
      images.add(img);
      images.add(img.getSubimage(0, 0, label.getWidth(), label.getHeight()));
    }
    for (ImageDetector d : List.of(DnfDetector.embedded(), NsNetDetector.embedded())) {
      List<ImageScore> s =
          d.open(new Configuration(), ExecutionSettings.cpu(1)).scoreImages(images);
      for (int i = 0; i < images.size(); i += 2) {
        double with = s.get(i).probability();
        double without = s.get(i + 1).probability();
        assertTrue(
            Math.abs(with - without) < BAND_TOLERANCE,
            d.name() + " image " + i / 2 + ": " + with + " with the band, " + without + " without");
        assertTrue(
            s.get(i).tilesLeftOut() >= 3, "the band is left out: " + s.get(i).tilesLeftOut());
        assertEquals(0, s.get(i + 1).tilesLeftOut());
        assertFalse(s.get(i).wholeImage());
      }
      if (d.name().equals("dnf")) {
        // 1024 x 718 at 0.25: 8 x 6 tiles; 1280 x 896: 10 x 7; both thinned to the default cap
        assertEquals(ScoringOptions.DEFAULT_MAX_TILES, s.get(0).tiles());
        assertEquals(ScoringOptions.DEFAULT_MAX_TILES, s.get(2).tiles());
        assertTrue(s.get(0).maxTile() >= s.get(0).probability());
        assertEquals(
            ScoringOptions.DEFAULT_MAX_TILES, ImageScore.parseTileMap(s.get(0).tileMap()).size());
      } else {
        assertNull(s.get(0).maxTile());
      }
    }
  }
}
