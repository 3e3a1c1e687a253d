package com.synthscope.udfs.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.testing.HostileImages;
import org.junit.jupiter.api.Test;

/** Issue 14, items 5, 10 and 16: what the decoder does with files a hostile but fair user sends. */
class HostileImagesTest {

  private static final ImageDecoder DECODER = new ImageDecoder(DecodeLimits.defaults());

  private static DecodeResult.Failed failed(DecodeResult r) {
    return assertInstanceOf(DecodeResult.Failed.class, r, () -> "expected a failure, got " + r);
  }

  @Test
  void aHundredMegapixelPngWithinThePixelLimitIsDecodedSubsampledToTheDecodeBudget() {
    byte[] png = HostileImages.largeFlatPng(10_000, 10_000, 90, 120, 150);
    assertTrue(png.length < 1_000_000, "compresses to " + png.length + " bytes");
    DecodeResult r = DECODER.decode(png);
    DecodeResult.Decoded d = assertInstanceOf(DecodeResult.Decoded.class, r, () -> r.toString());
    assertEquals(10_000, d.info().width(), "the row keeps the header's size");
    assertEquals(3, d.subsampling(), "the smallest k with ceil(10000/k)^2 <= 16 M");
    assertEquals(3334, d.image().getWidth());
    assertEquals(3334, d.image().getHeight());
    assertTrue(
        (long) d.image().getWidth() * d.image().getHeight()
            <= DecodeLimits.DEFAULT_MAX_DECODE_PIXELS);
    assertEquals(0xff5a7896, d.image().getRGB(1234, 2345), "the pixels are the image's");
  }

  @Test
  void imagesWithinTheDecodeBudgetAreDecodedWhole() {
    DecodeResult.Decoded d =
        assertInstanceOf(
            DecodeResult.Decoded.class,
            DECODER.decode(HostileImages.largeFlatPng(4000, 4000, 1, 2, 3)));
    assertEquals(1, d.subsampling());
    assertEquals(4000, d.image().getWidth());
    assertEquals(1, DecodeLimits.defaults().subsampling(4000, 4000));
    assertEquals(2, DecodeLimits.defaults().subsampling(4001, 4000));
  }

  @Test
  void aDecodeOverItsTimeBudgetIsStoppedAndReportedTooSlow() {
    // decoding 100 M pixels cannot finish within 1 ms: the budget, not the machine's speed, decides
    byte[] png = HostileImages.largeFlatPng(10_000, 10_000, 5, 5, 5);
    ImageDecoder hurried = new ImageDecoder(DecodeLimits.defaults().withMaxDecodeMillis(1));
    DecodeResult.Failed f = failed(hurried.decode(png));
    assertEquals(DecodeFailure.TOO_SLOW, f.reason(), f.message());
    assertTrue(
        f.message().startsWith("too_slow: decoding ran over the budget of 1 ms"), f.message());
  }

  @Test
  void aProgressiveJpegOfThousandsOfScansIsRefusedBeforeDecoding() {
    byte[] bomb = HostileImages.manyScanJpeg(512, 2000);
    assertEquals(2000, JpegScans.count(bomb) - JpegScans.count(HostileImages.manyScanJpeg(512, 0)));
    long t0 = System.nanoTime();
    DecodeResult.Failed f = failed(DECODER.decode(bomb));
    double seconds = (System.nanoTime() - t0) / 1e9;
    assertEquals(DecodeFailure.TOO_SLOW, f.reason(), f.message());
    assertTrue(f.message().contains("scans exceeds the limit of 100"), f.message());
    // generous bound (rule: only bounds that a working budget meets on any machine, 100x above the
    // expected):
    // the refusal reads markers only, milliseconds
    assertTrue(seconds < 10, "refused in " + seconds + " s");
    // the same picture with its normal scans decodes
    assertTrue(DECODER.decode(HostileImages.manyScanJpeg(512, 0)).ok());
  }

  @Test
  void scanCountingSkipsSegmentsAndEntropyData() {
    byte[] baseline =
        com.synthscope.udfs.testing.ImageCorpus.encode(
            com.synthscope.udfs.testing.ImageCorpus.noiseRgb(64, 48, 3), "jpeg");
    assertEquals(1, JpegScans.count(baseline));
    assertEquals(0, JpegScans.count(new byte[] {1, 2, 3, 4}));
  }

  @Test
  void aTinyGifClaimingAHugeImageIsCorrupt() {
    byte[] gif = HostileImages.tinyGifClaiming(9999, 9999);
    assertEquals(62, gif.length);
    DecodeResult.Failed f = failed(DECODER.decode(gif));
    assertEquals(DecodeFailure.CORRUPT, f.reason(), f.message());
    assertTrue(f.message().contains("9999x9999 from only 62 bytes"), f.message());
    assertEquals("gif", f.info().format(), "the header is still reported");
  }

  @Test
  void onlyTheContractsFormatsAreRead() {
    DecodeResult.Failed f = failed(DECODER.decode(HostileImages.wbmpLike()));
    assertEquals(DecodeFailure.UNKNOWN_FORMAT, f.reason(), f.message());
    for (int n = 12; n <= 36; n++) {
      byte[] b = java.util.Arrays.copyOf(HostileImages.wbmpLike(), n);
      assertEquals(DecodeFailure.UNKNOWN_FORMAT, failed(DECODER.decode(b)).reason(), n + " bytes");
    }
    assertEquals(
        java.util.List.of("png", "jpeg", "tiff", "bmp", "webp", "gif"),
        ImageDecoder.ACCEPTED_FORMATS);
  }
}
