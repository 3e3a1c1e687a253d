package com.synthscope.udfs.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FloatImageTest {

  @Test
  void chwIndexing() {
    FloatImage f = new FloatImage(2, 2, 3, new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
    assertEquals(5f, f.get(0, 1, 2));
    assertEquals(6f, f.get(1, 0, 0));
    assertEquals(10f, f.get(1, 1, 1));
    assertThrows(IndexOutOfBoundsException.class, () -> f.get(2, 0, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> f.get(0, 0, 3));
  }

  @Test
  void lengthIsValidated() {
    assertThrows(IllegalArgumentException.class, () -> new FloatImage(1, 2, 2, new float[3]));
    assertThrows(IllegalArgumentException.class, () -> new FloatImage(0, 2, 2, new float[0]));
    assertThrows(NullPointerException.class, () -> new FloatImage(1, 1, 1, null));
  }

  @Test
  void equalityIsByValue() {
    FloatImage a = new FloatImage(1, 1, 2, new float[] {1, 2});
    assertEquals(a, new FloatImage(1, 1, 2, new float[] {1, 2}));
    assertEquals(a.hashCode(), new FloatImage(1, 1, 2, new float[] {1, 2}).hashCode());
    assertNotEquals(a, new FloatImage(1, 2, 1, new float[] {1, 2}));
    assertNotEquals(a, new FloatImage(1, 1, 2, new float[] {1, 3}));
  }

  @Test
  void mirroredReversesEveryRowOfEveryChannel() {
    FloatImage f = new FloatImage(2, 2, 3, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    FloatImage m = f.mirrored();
    assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10}, m.data());
    assertEquals(f, m.mirrored());
  }
}
