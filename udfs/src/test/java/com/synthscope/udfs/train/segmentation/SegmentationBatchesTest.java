package com.synthscope.udfs.train.segmentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.train.LabelledMicrograph;
import com.synthscope.udfs.train.Pair;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The mixing ratio holds exactly per batch; batches depend on the seed alone; the jitter is as
 * documented.
 */
class SegmentationBatchesTest {

  /**
   * A real micrograph of class 0 only, and generated pairs of class 3 only: each sample betrays its
   * source.
   */
  private static final LabelledMicrograph REAL =
      new LabelledMicrograph(0, 40, 48, filled(40 * 48, 0.3f), new byte[40 * 48]);

  private static List<Pair> synthetic(int count) {
    return java.util.stream.IntStream.range(0, count)
        .mapToObj(
            i -> {
              byte[] labels = new byte[16 * 16];
              Arrays.fill(labels, (byte) 3);
              return new Pair(16, filled(16 * 16, 0.1f * (i % 10)), labels);
            })
        .toList();
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }

  @Test
  void everyBatchHoldsExactlyRoundRatioTimesBatchGeneratedPairs() {
    assertEquals(4, SegmentationBatches.syntheticCount(16, 0.25));
    assertEquals(8, SegmentationBatches.syntheticCount(16, 0.5));
    assertEquals(2, SegmentationBatches.syntheticCount(16, 0.1), "1.6 rounds to 2");
    assertEquals(0, SegmentationBatches.syntheticCount(16, 0.0));

    SegmentationBatches b = new SegmentationBatches(List.of(REAL), synthetic(7), 16, 16, 0.25);
    SplittableRandom rng = new SplittableRandom(5);
    int generated = 0;
    int real = 0;
    for (int step = 0; step < 50; step++) {
      SegmentationBatches.Batch batch = b.next(rng);
      assertEquals(16, batch.n());
      assertEquals(4, batch.syntheticCount(), "step " + step);
      for (int i = 0; i < batch.n(); i++) {
        byte[] labels = Arrays.copyOfRange(batch.labels(), i * 256, (i + 1) * 256);
        byte expected = (byte) (batch.fromSynthetic()[i] ? 3 : 0);
        for (byte l : labels) {
          assertEquals(
              expected, l, "sample " + i + " of step " + step + " comes from where it says");
        }
        if (batch.fromSynthetic()[i]) {
          generated++;
        } else {
          real++;
        }
      }
    }
    assertEquals(200, generated);
    assertEquals(600, real);
  }

  @Test
  void realOnlyNeedsNoGeneratedPairsAndARatioNeedsSome() {
    SegmentationBatches b = new SegmentationBatches(List.of(REAL), List.of(), 16, 8, 0.0);
    SegmentationBatches.Batch batch = b.next(new SplittableRandom(1));
    assertEquals(0, batch.syntheticCount());
    for (byte l : batch.labels()) {
      assertEquals(0, l);
    }
    assertThrows(
        IllegalArgumentException.class,
        () -> new SegmentationBatches(List.of(REAL), List.of(), 16, 8, 0.5));
    assertThrows(
        IllegalArgumentException.class,
        () -> new SegmentationBatches(List.of(REAL), synthetic(1), 16, 8, 1.0),
        "all-synthetic is not an arm");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SegmentationBatches(
                List.of(REAL), List.of(new Pair(8, new float[64], new byte[64])), 16, 8, 0.5),
        "generated pairs must match the crop size");
  }

  @Test
  void theSameSeedGivesTheSameBatchAndAnotherSeedAnother() {
    LabelledMicrograph varied = new LabelledMicrograph(1, 40, 48, ramp(40 * 48), stripes(40 * 48));
    SegmentationBatches b = new SegmentationBatches(List.of(varied), synthetic(7), 16, 8, 0.5);
    SegmentationBatches.Batch x = b.next(new SplittableRandom(42));
    SegmentationBatches.Batch y = b.next(new SplittableRandom(42));
    SegmentationBatches.Batch z = b.next(new SplittableRandom(43));
    assertArrayEquals(x.grey(), y.grey());
    assertArrayEquals(x.labels(), y.labels());
    assertFalse(Arrays.equals(x.grey(), z.grey()));
  }

  @Test
  void jitterScalesContrastAboutTheMeanShiftsAndClamps() {
    // mean 0.4: (v - 0.4) * 2 + 0.4 + 0.1
    assertArrayEquals(
        new float[] {0.1f, 0.5f, 0.9f},
        SegmentationBatches.jitter(new float[] {0.2f, 0.4f, 0.6f}, 2f, 0.1f),
        1e-6f);
    // clamped to [0, 1]: mean 0.5, contrast 3 -> -0.7 and 1.7
    assertArrayEquals(
        new float[] {0f, 1f}, SegmentationBatches.jitter(new float[] {0.1f, 0.9f}, 3f, 0f), 1e-6f);
    // the training jitter stays within the documented ranges: values stay in [0, 1]
    SegmentationBatches b = new SegmentationBatches(List.of(REAL), List.of(), 16, 4, 0);
    for (float v : b.next(new SplittableRandom(3)).grey()) {
      assertTrue(
          v >= 0.3f - 0.1f - 1e-6f && v <= 0.3f + 0.1f + 1e-6f,
          "a flat crop only shifts by brightness: " + v);
    }
  }

  private static float[] ramp(int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (i % 97) / 97f;
    }
    return a;
  }

  private static byte[] stripes(int n) {
    byte[] a = new byte[n];
    for (int i = 0; i < n; i++) {
      a[i] = (byte) (i / 7 % 5);
    }
    return a;
  }
}
