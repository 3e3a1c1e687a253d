package com.synthscope.udfs.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.ImageTensors;
import com.synthscope.udfs.testing.SharedSpark;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Information bands and borders found on real MetalDAM micrographs and on synthetic bands of both
 * layouts.
 */
class SpecimenRegionTest {

  /**
   * DATA.md: a label covers the rows above the band. On the 1024 x 768 images (white strip with
   * dark text and coloured marks) 15 rows of specimen texture lie between the label's end and the
   * strip, unlabelled; on the 1280 x 960 ones (black strip with white text) the strip starts right
   * below the label. So the detected specimen ends at most 16 rows below the label, never above it,
   * and nothing else is cut.
   */
  @Test
  void theBandOfEveryMetalDamMicrographIsCutAndNoLabelledRow() throws Exception {
    File root = SharedSpark.metalDam().toFile();
    int[] layouts = new int[2];
    for (int n = 0; n < 42; n++) {
      BufferedImage img = ImageIO.read(new File(root, "images/micrograph" + n + ".jpg"));
      BufferedImage label = ImageIO.read(new File(root, "labels/micrograph" + n + ".png"));
      SpecimenRegion r = SpecimenRegion.detect(ImageTensors.toFloat(img, ColorMode.RGB));
      assertTrue(
          r.bottom() >= label.getHeight() && r.bottom() <= label.getHeight() + 16,
          "micrograph"
              + n
              + ": specimen ends at row "
              + r.bottom()
              + ", label at "
              + label.getHeight());
      assertTrue(
          r.top() <= 1 && r.left() == 0 && r.right() == img.getWidth(),
          "micrograph" + n + ": " + r);
      layouts[img.getWidth() == 1024 ? 0 : 1]++;
    }
    assertTrue(layouts[0] > 0 && layouts[1] > 0, "both layouts seen");
  }

  @Test
  void aWhiteStripWithDarkTextAndColouredMarksIsCut() {
    BufferedImage img = texture(512, 384, 1);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 330, 512, 54);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    g.drawString("HV 15.00 kV  WD 10.2 mm  mag 5 000 x  det ETD", 10, 352);
    g.drawString("SE  20 um", 10, 375);
    g.setColor(new Color(0, 160, 255));
    g.fillRect(300, 365, 120, 6);
    g.setColor(Color.RED);
    g.fillRect(450, 340, 30, 30);
    g.dispose();
    SpecimenRegion r = SpecimenRegion.detect(ImageTensors.toFloat(img, ColorMode.RGB));
    assertEquals(330, r.bottom(), "band starts at row 330: " + r);
    assertEquals(0, r.top());
    assertEquals(512, r.right());
  }

  @Test
  void aBlackStripWithWhiteTextIsCut() {
    BufferedImage img = texture(640, 480, 2);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.BLACK);
    g.fillRect(0, 420, 640, 60);
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.MONOSPACED, Font.BOLD, 16));
    g.drawString("SEM HV: 20.0 kV   WD: 9.87 mm   View field: 41.5 um", 8, 445);
    g.fillRect(500, 460, 100, 4);
    g.drawString("10 um", 530, 475);
    g.dispose();
    SpecimenRegion r = SpecimenRegion.detect(ImageTensors.toFloat(img, ColorMode.RGB));
    assertEquals(420, r.bottom(), "band starts at row 420: " + r);
  }

  @Test
  void uniformBordersAreCutAndABandlessTextureIsLeftWhole() {
    BufferedImage plain = texture(400, 300, 3);
    assertTrue(SpecimenRegion.detect(ImageTensors.toFloat(plain, ColorMode.RGB)).isWhole());

    BufferedImage framed = texture(400, 300, 4);
    Graphics2D g = framed.createGraphics();
    g.setColor(Color.BLACK);
    g.fillRect(0, 0, 400, 12);
    g.fillRect(0, 0, 20, 300);
    g.dispose();
    SpecimenRegion r = SpecimenRegion.detect(ImageTensors.toFloat(framed, ColorMode.RGB));
    assertEquals(12, r.top());
    assertEquals(20, r.left());
    assertEquals(300, r.bottom());
  }

  @Test
  void theScaledRegionMovesItsEdgesInwards() {
    SpecimenRegion r = new SpecimenRegion(3, 718, 0, 1024, 768, 1024);
    SpecimenRegion s = r.scaled(192, 256);
    assertEquals(1, s.top()); // ceil(0.75)
    assertEquals(179, s.bottom()); // floor(179.5)
    assertEquals(256, s.right());
  }

  /** Micrograph-like grey texture: smoothed noise with blobs, no row near-constant. */
  static BufferedImage texture(int w, int h, long seed) {
    Random rng = new Random(seed);
    float[] v = new float[w * h];
    for (int i = 0; i < v.length; i++) {
      v[i] = rng.nextFloat();
    }
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double s = 0;
        int n = 0;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int yy = Math.min(h - 1, Math.max(0, y + dy));
            int xx = Math.min(w - 1, Math.max(0, x + dx));
            s += v[yy * w + xx];
            n++;
          }
        }
        double blob = 0.5 + 0.3 * Math.sin(x / 17.0) * Math.cos(y / 23.0);
        int g = (int) Math.max(0, Math.min(255, 255 * (0.6 * blob + 0.4 * s / n)));
        img.setRGB(x, y, (g << 16) | (g << 8) | g);
      }
    }
    return img;
  }

  static FloatImage grey(BufferedImage img) {
    return ImageTensors.toFloat(img, ColorMode.GREY);
  }
}
