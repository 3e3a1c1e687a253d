package com.synthscope.udfs.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GreyRangeTest {

  @Test
  void percentilesOfAllPixelsBecomeTheEnds() {
    float[] a = new float[101];
    for (int i = 0; i <= 100; i++) {
      a[i] = i / 128f; // 0 .. 0.78125, exact in binary
    }
    GreyRange r = GreyRange.ofPercentile(List.of(a), 10);
    assertEquals(10 / 128f, r.low());
    assertEquals(90 / 128f, r.high());
    assertSame(GreyRange.PLAIN, GreyRange.ofPercentile(List.of(a), 0));
    assertThrows(IllegalArgumentException.class, () -> GreyRange.ofPercentile(List.of(a), 50));
  }

  @Test
  void theMappingStretchesClampsAndInverts() {
    GreyRange r = new GreyRange(0.25f, 0.75f);
    assertEquals(-1f, r.toSigned(0.25f));
    assertEquals(0f, r.toSigned(0.5f));
    assertEquals(1f, r.toSigned(0.9f), "clamped above high");
    assertEquals(0.6f, r.toGrey(r.toSigned(0.6f)), 1e-6f);
    assertEquals(GreyRange.PLAIN.toSigned(0.3f), 0.3f * 2 - 1, 1e-7f);
    assertEquals(r, GreyRange.fromPreprocessing(Map.of("grey_low", 0.25, "grey_high", 0.75)));
    assertSame(GreyRange.PLAIN, GreyRange.fromPreprocessing(Map.of("size", 32)));
  }
}
