package com.synthscope.udfs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The labelled MetalDAM set of ../shared as DATA.md describes it. */
class MetalDamTest {

  private static final Set<Integer> LARGE = Set.of(4, 8, 21, 22, 32, 41);
  private static List<LabelledMicrograph> train;
  private static List<LabelledMicrograph> validation;
  private static List<LabelledMicrograph> test;

  @BeforeAll
  static void load() throws IOException {
    Path root = SharedSpark.metalDam();
    assertTrue(
        Files.isDirectory(root),
        "MetalDAM must be at " + root + " (../shared beside the repository)");
    train = MetalDam.load(root, Split.TRAIN);
    validation = MetalDam.load(root, Split.VALIDATION);
    test = MetalDam.load(root, Split.TEST);
  }

  @Test
  void splitHas26And8And8DisjointMicrographsCoveringAll42() {
    assertEquals(26, Split.TRAIN.numbers().length);
    assertEquals(8, Split.VALIDATION.numbers().length);
    assertEquals(8, Split.TEST.numbers().length);
    assertArrayEquals(new int[] {3, 9, 14, 20, 26, 31, 37, 41}, Split.TEST.numbers());
    assertArrayEquals(new int[] {1, 6, 11, 17, 23, 29, 34, 39}, Split.VALIDATION.numbers());
    for (int n = 0; n < 42; n++) {
      int owners = 0;
      for (Split s : Split.values()) {
        owners += s.contains(n) ? 1 : 0;
      }
      assertEquals(1, owners, "micrograph " + n);
    }
    assertTrue(!Split.TRAIN.contains(42) && !Split.TRAIN.contains(-1));
    assertEquals(Split.VALIDATION, Split.parse(" Val "));
    assertEquals(Split.TRAIN, Split.parse("TRAIN"));
    assertThrows(IllegalArgumentException.class, () -> Split.parse("dev"));
  }

  @Test
  void trainSplitHas26LabelSizedMicrographsOrderedByNumberWithLabelsInRange() {
    assertEquals(26, train.size());
    int previous = -1;
    for (LabelledMicrograph m : train) {
      assertTrue(m.number() > previous, "ordered by number");
      previous = m.number();
      assertTrue(Split.TRAIN.contains(m.number()));
      if (LARGE.contains(m.number())) {
        assertEquals(1280, m.width(), m.toString());
        assertEquals(895, m.height(), m.toString());
      } else {
        assertEquals(1024, m.width(), m.toString());
        assertTrue(m.height() == 703 || m.height() == 702, m.toString());
      }
      for (byte b : m.labels()) {
        assertTrue(b >= 0 && b < MetalDam.CLASSES, m + " label " + b);
      }
      float min = 1;
      float max = 0;
      for (float g : m.grey()) {
        min = Math.min(min, g);
        max = Math.max(max, g);
      }
      assertTrue(min >= 0 && max <= 1 && max - min > 0.3, m + " grey range " + min + ".." + max);
    }
    assertEquals(8, validation.size());
    assertEquals(8, test.size());
  }

  @Test
  void classSharesOverAll42MatchDataMd() {
    long[] counts = new long[MetalDam.CLASSES];
    long total = 0;
    Set<Integer> seen = new HashSet<>();
    for (List<LabelledMicrograph> split : List.of(train, validation, test)) {
      for (LabelledMicrograph m : split) {
        assertTrue(seen.add(m.number()));
        for (byte b : m.labels()) {
          counts[b]++;
        }
        total += m.labels().length;
      }
    }
    assertEquals(42, seen.size());
    double[] expected = {0.346, 0.555, 0.090, 0.0024, 0.0069};
    double[] tolerance = {0.02, 0.02, 0.01, 0.001, 0.002};
    for (int k = 0; k < MetalDam.CLASSES; k++) {
      double share = (double) counts[k] / total;
      assertEquals(expected[k], share, tolerance[k], MetalDam.CLASS_NAMES[k]);
    }
  }

  @Test
  void micrograph26StoredAsRgbLoadsFromChannel0() {
    LabelledMicrograph m26 = test.stream().filter(m -> m.number() == 26).findFirst().orElseThrow();
    assertEquals(1024, m26.width());
    Set<Byte> values = new HashSet<>();
    for (byte b : m26.labels()) {
      values.add(b);
    }
    assertTrue(values.size() >= 2, "more than one class in micrograph26: " + values);
  }

  @Test
  void downscaleGivesRoundedSizesBoxImageAndNearestLabels() {
    LabelledMicrograph m = train.get(0);
    LabelledMicrograph half = MetalDam.downscale(m, 0.5);
    assertEquals(Math.round(m.height() * 0.5), half.height());
    assertEquals(m.width() / 2, half.width());
    // box: exact 2x2 mean away from rounding of an odd height
    int x = 100;
    int y = 50;
    float mean =
        (m.grey()[2 * y * m.width() + 2 * x]
                + m.grey()[2 * y * m.width() + 2 * x + 1]
                + m.grey()[(2 * y + 1) * m.width() + 2 * x]
                + m.grey()[(2 * y + 1) * m.width() + 2 * x + 1])
            / 4;
    if (m.height() % 2 == 0) {
      assertEquals(mean, half.grey()[y * half.width() + x], 1e-5);
    }
    // labels: a value of the source at the pixel centre, never a blend
    for (int i = 0; i < half.labels().length; i += 997) {
      int hy = i / half.width();
      int hx = i % half.width();
      int sy = (int) Math.floor((hy + 0.5) * m.height() / half.height());
      int sx = (int) Math.floor((hx + 0.5) * m.width() / half.width());
      assertEquals(m.labels()[sy * m.width() + sx], half.labels()[i]);
    }
    LabelledMicrograph quarter = MetalDam.downscale(m, 0.25);
    assertEquals(256, quarter.width());
    assertEquals(Math.round(m.height() * 0.25), quarter.height());
    assertSame(m, MetalDam.downscale(m, 1.0));
    assertThrows(IllegalArgumentException.class, () -> MetalDam.downscale(m, 0));
    assertThrows(IllegalArgumentException.class, () -> MetalDam.downscale(m, 1.5));
  }

  @Test
  void downscaleOfAConstantImageKeepsItsValue() {
    float[] grey = new float[10 * 8];
    java.util.Arrays.fill(grey, 0.25f);
    byte[] labels = new byte[80];
    java.util.Arrays.fill(labels, (byte) 3);
    LabelledMicrograph m = MetalDam.downscale(new LabelledMicrograph(7, 10, 8, grey, labels), 0.3);
    assertEquals(3, m.height());
    assertEquals(2, m.width());
    for (float g : m.grey()) {
      assertEquals(0.25f, g, 1e-6);
    }
    for (byte b : m.labels()) {
      assertEquals(3, b);
    }
    assertEquals(7, m.number());
  }

  @Test
  void missingOrMismatchedFilesGiveErrorsNamingTheFile(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("images"));
    Files.createDirectories(dir.resolve("labels"));
    IOException missing = assertThrows(IOException.class, () -> MetalDam.load(dir, 5));
    assertTrue(missing.getMessage().contains("micrograph5.png"), missing.getMessage());

    Path root = SharedSpark.metalDam();
    Files.copy(MetalDam.imagePath(root, 0), dir.resolve("images/micrograph5.jpg"));
    Files.copy(
        MetalDam.labelPath(root, 4), dir.resolve("labels/micrograph5.png")); // 1280 wide vs 1024
    IOException mismatch = assertThrows(IOException.class, () -> MetalDam.load(dir, 5));
    assertTrue(mismatch.getMessage().contains("micrograph5.jpg"), mismatch.getMessage());

    Files.write(dir.resolve("labels/micrograph5.png"), new byte[] {1, 2, 3});
    IOException corrupt = assertThrows(IOException.class, () -> MetalDam.load(dir, 5));
    assertTrue(corrupt.getMessage().contains("micrograph5.png"), corrupt.getMessage());
  }
}
