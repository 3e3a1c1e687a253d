package com.synthscope.udfs.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CropsTest {

  /** 2 channels, 4 x 5, value = c * 100 + y * 10 + x. */
  private static FloatImage labelled() {
    float[] d = new float[2 * 4 * 5];
    for (int c = 0; c < 2; c++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 5; x++) {
          d[(c * 4 + y) * 5 + x] = c * 100 + y * 10 + x;
        }
      }
    }
    return new FloatImage(2, 4, 5, d);
  }

  @Test
  void cropCopiesTheWindowOfEveryChannel() {
    FloatImage out = Crops.crop(labelled(), 1, 2, 2, 3);
    assertEquals(2, out.channels());
    assertArrayEquals(
        new float[] {12, 13, 14, 22, 23, 24, 112, 113, 114, 122, 123, 124}, out.data());
  }

  @Test
  void fullCropIsEqual() {
    assertEquals(labelled(), Crops.crop(labelled(), 0, 0, 4, 5));
  }

  @Test
  void cropOutsideTheImageIsRejected() {
    FloatImage src = labelled();
    assertThrows(IllegalArgumentException.class, () -> Crops.crop(src, -1, 0, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> Crops.crop(src, 3, 0, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> Crops.crop(src, 0, 4, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> Crops.crop(src, 0, 0, 0, 2));
  }

  @Test
  void centerRoundsTheOffsetDown() {
    // margins: height 4-2 = 2 -> top 1; width 5-2 = 3 -> left 1
    FloatImage out = Crops.center(labelled(), 2, 2);
    assertArrayEquals(new float[] {11, 12, 21, 22, 111, 112, 121, 122}, out.data());
  }

  @Test
  void centerAndRandomRejectLargerWindows() {
    FloatImage src = labelled();
    assertThrows(IllegalArgumentException.class, () -> Crops.center(src, 5, 1));
    assertThrows(IllegalArgumentException.class, () -> Crops.random(src, 1, 6, new Random(1)));
  }

  @Test
  void randomCoversEveryValidOffsetUniformly() {
    FloatImage src = labelled();
    Random rng = new Random(42);
    Map<Float, Integer> counts = new HashMap<>();
    int draws = 6000;
    for (int i = 0; i < draws; i++) {
      FloatImage out = Crops.random(src, 3, 3, rng);
      float topLeft = out.get(0, 0, 0); // identifies the offset: y * 10 + x
      counts.merge(topLeft, 1, Integer::sum);
      assertEquals(out.get(0, 2, 2), topLeft + 22); // consistent window
    }
    // offsets y in {0, 1}, x in {0, 1, 2}
    assertEquals(6, counts.size(), counts::toString);
    for (float key : new float[] {0, 1, 2, 10, 11, 12}) {
      int n = counts.getOrDefault(key, 0);
      assertTrue(Math.abs(n - draws / 6) < 150, key + " drawn " + n + " times");
    }
  }

  @Test
  void randomIsReproducibleWithTheSameSeed() {
    FloatImage src = ResamplerTest.randomImage(1, 30, 40, 5);
    assertEquals(Crops.random(src, 8, 8, new Random(9)), Crops.random(src, 8, 8, new Random(9)));
  }

  @Test
  void randomOfTheFullSizeIsTheImage() {
    assertEquals(labelled(), Crops.random(labelled(), 4, 5, new Random(3)));
  }
}
