package com.synthscope.udfs.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DecodeTypesTest {

  @Test
  void defaults() {
    DecodeLimits d = DecodeLimits.defaults();
    assertEquals(256L * 1024 * 1024, d.maxFileBytes());
    assertEquals(100_000_000L, d.maxPixels());
    assertEquals(8, d.minSide());
  }

  @Test
  void limitsMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new DecodeLimits(0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new DecodeLimits(1, -1, 1));
    assertThrows(IllegalArgumentException.class, () -> new DecodeLimits(1, 1, 0));
  }

  @Test
  void failureCodes() {
    assertEquals("empty", DecodeFailure.EMPTY.code());
    assertEquals("too_large", DecodeFailure.TOO_LARGE.code());
    assertEquals("unknown_format", DecodeFailure.UNKNOWN_FORMAT.code());
    assertEquals("too_many_pixels", DecodeFailure.TOO_MANY_PIXELS.code());
    assertEquals("too_small", DecodeFailure.TOO_SMALL.code());
    assertEquals("corrupt", DecodeFailure.CORRUPT.code());
  }

  @Test
  void messageIsOneShortLine() {
    DecodeResult.Failed f =
        new DecodeResult.Failed(
            DecodeFailure.CORRUPT, "line one\nline\ttwo " + "x".repeat(500), null);
    String m = f.message();
    assertTrue(m.startsWith("corrupt: line one line two xxx"), m);
    assertEquals(DecodeResult.MAX_MESSAGE_LENGTH, m.length());
    assertTrue(m.endsWith("..."));
    assertEquals("corrupt:", new DecodeResult.Failed(DecodeFailure.CORRUPT, null, null).message());
  }

  @Test
  void imageInfoPixelsDoNotOverflow() {
    assertEquals(2_500_000_000L, new ImageInfo("png", 50_000, 50_000, 3, 8).pixels());
  }
}
