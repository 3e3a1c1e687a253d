package com.synthscope.udfs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Random training crops on synthetic micrographs with known content. */
class PairCropsTest {

  /** Grey encodes the position (so transforms can be traced), labels are random classes. */
  private static LabelledMicrograph synthetic(int number, int h, int w, long seed) {
    float[] grey = new float[h * w];
    byte[] labels = new byte[h * w];
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < grey.length; i++) {
      grey[i] = (float) i / grey.length;
      labels[i] = (byte) rng.nextInt(MetalDam.CLASSES);
    }
    return new LabelledMicrograph(number, h, w, grey, labels);
  }

  private static List<LabelledMicrograph> images() {
    return List.of(synthetic(0, 40, 50, 1), synthetic(1, 64, 64, 2), synthetic(2, 33, 90, 3));
  }

  @Test
  void sameSeedSameSequenceOtherSeedOtherSequence() {
    PairCrops a = new PairCrops(images(), 16, 42);
    PairCrops b = new PairCrops(images(), 16, 42);
    PairCrops c = new PairCrops(images(), 16, 43);
    boolean anyDifferent = false;
    for (int i = 0; i < 20; i++) {
      Pair pa = a.next();
      Pair pb = b.next();
      Pair pc = c.next();
      assertEquals(16, pa.size());
      assertArrayEquals(pa.grey(), pb.grey());
      assertArrayEquals(pa.labels(), pb.labels());
      anyDifferent |= !Arrays.equals(pa.grey(), pc.grey());
    }
    assertTrue(anyDifferent);
  }

  @Test
  void imagesArePickedByAreaAndAllTransformsOccur() {
    // image 0 is 10x10, image 1 is 10x30: three times the area
    float[] g0 = new float[100];
    float[] g1 = new float[300];
    Arrays.fill(g1, 1f);
    List<LabelledMicrograph> two =
        List.of(
            new LabelledMicrograph(0, 10, 10, g0, new byte[100]),
            new LabelledMicrograph(1, 10, 30, g1, new byte[300]));
    PairCrops crops = new PairCrops(two, 4, 7);
    int fromSecond = 0;
    int n = 4000;
    for (int i = 0; i < n; i++) {
      fromSecond += crops.next().grey()[0] == 1f ? 1 : 0;
    }
    assertEquals(0.75, (double) fromSecond / n, 0.03);

    // a 2x2 window with distinct values: all 8 dihedral variants appear
    float[] g = {0.1f, 0.2f, 0.3f, 0.4f};
    PairCrops tiny = new PairCrops(List.of(new LabelledMicrograph(5, 2, 2, g, new byte[4])), 2, 3);
    var seen = new java.util.HashSet<String>();
    for (int i = 0; i < 400; i++) {
      seen.add(Arrays.toString(tiny.next().grey()));
    }
    assertEquals(8, seen.size(), seen.toString());
  }

  @Test
  void transformsMoveMaskAndImageTogetherAndKeepFractions() {
    LabelledMicrograph m = synthetic(9, 30, 30, 5);
    Pair plain = PairCrops.transform(m, 3, 4, 12, false, false, 0);
    for (boolean h : new boolean[] {false, true}) {
      for (boolean v : new boolean[] {false, true}) {
        for (int r = 0; r < 4; r++) {
          Pair t = PairCrops.transform(m, 3, 4, 12, h, v, r);
          assertArrayEquals(plain.fractions(), t.fractions(), 0f);
          // every pixel keeps its label: the grey value identifies the source position
          for (int i = 0; i < t.grey().length; i++) {
            int src = Math.round(t.grey()[i] * 900);
            assertEquals(m.labels()[src], t.labels()[i]);
          }
          float[] sortedA = plain.grey().clone();
          float[] sortedB = t.grey().clone();
          Arrays.sort(sortedA);
          Arrays.sort(sortedB);
          assertArrayEquals(sortedA, sortedB);
        }
      }
    }
    // explicit geometry on a 2x2: [a b; c d]
    LabelledMicrograph q = new LabelledMicrograph(0, 2, 2, new float[] {1, 2, 3, 4}, new byte[4]);
    assertArrayEquals(
        new float[] {2, 1, 4, 3}, PairCrops.transform(q, 0, 0, 2, true, false, 0).grey());
    assertArrayEquals(
        new float[] {3, 4, 1, 2}, PairCrops.transform(q, 0, 0, 2, false, true, 0).grey());
    assertArrayEquals(
        new float[] {3, 1, 4, 2}, PairCrops.transform(q, 0, 0, 2, false, false, 1).grey());
    assertArrayEquals(
        new float[] {4, 3, 2, 1}, PairCrops.transform(q, 0, 0, 2, false, false, 2).grey());
    assertArrayEquals(
        new float[] {2, 4, 1, 3}, PairCrops.transform(q, 0, 0, 2, false, false, 3).grey());
  }

  @Test
  void fractionsSumToOneAndCountTheMask() {
    byte[] labels = {0, 1, 1, 4};
    float[] f = new Pair(2, new float[4], labels).fractions();
    assertArrayEquals(new float[] {0.25f, 0.5f, 0f, 0f, 0.25f}, f, 0f);
  }

  @Test
  void toChannelsMapsGreyToSignedUnitAndOneHotToPlusMinusOne() {
    PairCrops crops = new PairCrops(images(), 16, 11);
    for (int t = 0; t < 5; t++) {
      Pair p = crops.next();
      float[] c = PairCrops.toChannels(p);
      int n = 16 * 16;
      assertEquals((1 + MetalDam.CLASSES) * n, c.length);
      for (int i = 0; i < n; i++) {
        assertEquals(p.grey()[i] * 2 - 1, c[i], 1e-6);
        int plus = 0;
        for (int k = 0; k < MetalDam.CLASSES; k++) {
          float v = c[(1 + k) * n + i];
          assertTrue(v == 1f || v == -1f, "mask channel value " + v);
          if (v == 1f) {
            plus++;
            assertEquals(p.labels()[i], k);
          }
        }
        assertEquals(1, plus);
      }
    }
  }

  @Test
  void rejectsCropsLargerThanAnImage() {
    assertThrows(IllegalArgumentException.class, () -> new PairCrops(images(), 34, 1));
    assertThrows(IllegalArgumentException.class, () -> new PairCrops(new ArrayList<>(), 8, 1));
    assertFalse(new PairCrops(images(), 33, 1).next().labels().length != 33 * 33);
  }
}
