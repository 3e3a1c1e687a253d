package com.synthscope.udfs.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.testing.ImageCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ImageDecoderTest {

  private static Path dir;
  private static List<ImageCorpus.Case> cases;
  private static final ImageDecoder DECODER = new ImageDecoder(DecodeLimits.defaults());

  @BeforeAll
  static void writeCorpus() throws IOException {
    dir = Files.createTempDirectory("image-corpus");
    cases = ImageCorpus.write(dir);
  }

  @AfterAll
  static void deleteCorpus() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  static Stream<String> caseNames() {
    return Stream.of(
        ImageCorpus.EMPTY,
        ImageCorpus.TRUNCATED_PNG,
        ImageCorpus.TRUNCATED_JPEG,
        ImageCorpus.NOTES,
        ImageCorpus.TINY,
        ImageCorpus.GREY16_TIFF,
        ImageCorpus.CMYK_JPEG,
        ImageCorpus.RGBA_PNG,
        ImageCorpus.BOMB,
        ImageCorpus.UNICODE_NAME,
        ImageCorpus.BMP,
        ImageCorpus.GREY8_PNG);
  }

  private static ImageCorpus.Case caseNamed(String name) {
    return cases.stream().filter(c -> c.fileName().equals(name)).findFirst().orElseThrow();
  }

  private static byte[] bytes(String name) throws IOException {
    return Files.readAllBytes(dir.resolve(name));
  }

  @Test
  void corpusHasEveryCaseOnceAndNoOthers() {
    assertEquals(caseNames().toList(), cases.stream().map(ImageCorpus.Case::fileName).toList());
  }

  @ParameterizedTest
  @MethodSource("caseNames")
  void corpusCaseDecodesAsExpected(String name) throws IOException {
    ImageCorpus.Case c = caseNamed(name);
    DecodeResult result = DECODER.decode(bytes(name));
    ImageInfo expectedInfo =
        c.expectedFormat() == null
            ? null
            : new ImageInfo(
                c.expectedFormat(),
                c.expectedWidth(),
                c.expectedHeight(),
                c.expectedChannels(),
                c.expectedBitDepth());
    if (c.expectOk()) {
      DecodeResult.Decoded d =
          assertInstanceOf(DecodeResult.Decoded.class, result, () -> name + ": " + result);
      assertTrue(d.ok());
      assertEquals(expectedInfo, d.info());
      assertEquals(c.expectedWidth(), d.image().getWidth());
      assertEquals(c.expectedHeight(), d.image().getHeight());
    } else {
      DecodeResult.Failed f =
          assertInstanceOf(DecodeResult.Failed.class, result, () -> name + ": " + result);
      assertFalse(f.ok());
      assertEquals(c.expectedReason(), f.reason().code(), f::message);
      assertEquals(expectedInfo, f.info());
      assertTrue(f.message().startsWith(c.expectedReason() + ": "), f.message());
      assertTrue(f.message().length() <= DecodeResult.MAX_MESSAGE_LENGTH, f.message());
      assertFalse(f.message().contains("\n"), f.message());
    }
  }

  @ParameterizedTest
  @MethodSource("caseNames")
  void probeAgreesWithTheHeader(String name) throws IOException {
    ImageCorpus.Case c = caseNamed(name);
    ImageInfo probed = DECODER.probe(bytes(name));
    if (c.expectedFormat() == null) {
      assertNull(probed);
    } else {
      assertEquals(
          new ImageInfo(
              c.expectedFormat(),
              c.expectedWidth(),
              c.expectedHeight(),
              c.expectedChannels(),
              c.expectedBitDepth()),
          probed);
    }
  }

  @Test
  void messagesForTheBadCases() throws IOException {
    assertEquals("empty: 0 bytes", failed(ImageCorpus.EMPTY).message());
    assertEquals(
        "too_many_pixels: 50000x50000 exceeds 100000000 pixels",
        failed(ImageCorpus.BOMB).message());
    assertEquals("too_small: 1x1 is below the minimum side 8", failed(ImageCorpus.TINY).message());
    assertTrue(
        failed(ImageCorpus.NOTES)
            .message()
            .startsWith("unknown_format: no image reader recognises"));
    // measured: the JPEG readers do not throw on truncation, they only warn
    String jpeg = failed(ImageCorpus.TRUNCATED_JPEG).message();
    assertTrue(jpeg.contains("Missing EOI") || jpeg.contains("Premature end"), jpeg);
    // the PNG reader throws
    String png = failed(ImageCorpus.TRUNCATED_PNG).message();
    assertTrue(png.startsWith("corrupt: IIOException"), png);
  }

  private static DecodeResult.Failed failed(String name) throws IOException {
    return assertInstanceOf(DecodeResult.Failed.class, DECODER.decode(bytes(name)));
  }

  @Test
  void nullIsEmpty() {
    assertEquals(DecodeFailure.EMPTY, ((DecodeResult.Failed) DECODER.decode(null)).reason());
  }

  @Test
  void tooLargeIsCheckedBeforeAnythingElse() throws IOException {
    ImageDecoder small = new ImageDecoder(new DecodeLimits(10, 1000, 1));
    DecodeResult.Failed notes = (DecodeResult.Failed) small.decode(bytes(ImageCorpus.NOTES));
    assertEquals(DecodeFailure.TOO_LARGE, notes.reason());
    assertNull(notes.info(), "nothing may be read when the file is too large");
    assertTrue(notes.message().matches("too_large: \\d+ bytes exceeds 10 bytes"), notes.message());
    byte[] exactly = new byte[10];
    assertEquals(
        DecodeFailure.UNKNOWN_FORMAT, ((DecodeResult.Failed) small.decode(exactly)).reason());
  }

  @Test
  void pixelLimitIsInclusiveAndUsesTheHeader() throws IOException {
    byte[] grey8 = bytes(ImageCorpus.GREY8_PNG); // 16 x 12 = 192 pixels
    assertTrue(new ImageDecoder(new DecodeLimits(1 << 20, 192, 8)).decode(grey8).ok());
    DecodeResult.Failed f =
        (DecodeResult.Failed) new ImageDecoder(new DecodeLimits(1 << 20, 191, 8)).decode(grey8);
    assertEquals(DecodeFailure.TOO_MANY_PIXELS, f.reason());
    assertEquals("too_many_pixels: 16x12 exceeds 191 pixels", f.message());
  }

  @Test
  void minSideIsInclusive() throws IOException {
    byte[] grey8 = bytes(ImageCorpus.GREY8_PNG); // shorter side 12
    assertTrue(new ImageDecoder(new DecodeLimits(1 << 20, 1000, 12)).decode(grey8).ok());
    assertEquals(
        DecodeFailure.TOO_SMALL,
        ((DecodeResult.Failed) new ImageDecoder(new DecodeLimits(1 << 20, 1000, 13)).decode(grey8))
            .reason());
  }

  @Test
  void bombIsRejectedWithoutDecodingEvenWithoutPixelLimit() {
    // with a pixel limit large enough to let it through, reading must fail (corrupt), not hang or
    // escape
    ImageDecoder lax = new ImageDecoder(new DecodeLimits(1 << 20, 16L * 1024 * 1024, 8));
    DecodeResult r = lax.decode(ImageCorpus.pngBomb(4000, 4000));
    assertEquals(DecodeFailure.CORRUPT, ((DecodeResult.Failed) r).reason(), r.toString());
  }

  @Test
  void prefersTwelveMonkeysReaders() throws IOException {
    assertTrue(
        ImageDecoder.readerClassFor(bytes(ImageCorpus.CMYK_JPEG)).startsWith("com.twelvemonkeys."));
    assertTrue(
        ImageDecoder.readerClassFor(bytes(ImageCorpus.GREY16_TIFF))
            .startsWith("com.twelvemonkeys."));
    assertTrue(
        ImageDecoder.readerClassFor(bytes(ImageCorpus.BMP)).startsWith("com.twelvemonkeys."));
    assertNull(ImageDecoder.readerClassFor(bytes(ImageCorpus.NOTES)));
  }

  @Test
  void detectsByContentNotByName() throws IOException {
    // a PNG under a .jpg-style name or no name at all: decode only ever sees bytes
    DecodeResult r = DECODER.decode(bytes(ImageCorpus.GREY8_PNG));
    assertEquals("png", ((DecodeResult.Decoded) r).info().format());
    assertEquals(
        DecodeFailure.UNKNOWN_FORMAT,
        ((DecodeResult.Failed) DECODER.decode("GIF? no, text".getBytes(StandardCharsets.UTF_8)))
            .reason());
  }

  @Test
  void colourNoticesAreNotCorruption() {
    assertTrue(
        ImageDecoder.isColourNotice(
            "No embedded ICC color profile, will convert using inaccurate CMYK"
                + " to RGB conversion. Colors may look incorrect."));
    assertFalse(ImageDecoder.isColourNotice("Premature end of JPEG file"));
    assertFalse(ImageDecoder.isColourNotice(null));
  }

  @Test
  void neverThrowsOnMangledFiles() throws IOException {
    Random rng = new Random(7);
    int decoded = 0;
    for (String name :
        List.of(
            ImageCorpus.GREY16_TIFF,
            ImageCorpus.CMYK_JPEG,
            ImageCorpus.RGBA_PNG,
            ImageCorpus.BMP,
            ImageCorpus.GREY8_PNG)) {
      byte[] original = bytes(name);
      for (int i = 0; i < 60; i++) {
        byte[] b = original.clone();
        int edits = 1 + rng.nextInt(8);
        for (int e = 0; e < edits; e++) {
          b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
        }
        if (rng.nextBoolean()) {
          b = Arrays.copyOf(b, 1 + rng.nextInt(b.length));
        }
        DecodeResult r = assertDoesNotThrowResult(b);
        if (r instanceof DecodeResult.Failed f) {
          assertNotNull(f.reason());
          assertTrue(f.message().length() <= DecodeResult.MAX_MESSAGE_LENGTH);
        } else {
          decoded++;
        }
      }
    }
    assertTrue(decoded < 300, "some mangled files must fail");
  }

  private static DecodeResult assertDoesNotThrowResult(byte[] b) {
    DecodeResult r = DECODER.decode(b);
    assertNotNull(r);
    return r;
  }

  @Test
  void oneDecoderIsSafeToShareBetweenThreads() throws Exception {
    Map<String, String> expected = new LinkedHashMap<>();
    Map<String, byte[]> inputs = new LinkedHashMap<>();
    for (ImageCorpus.Case c : cases) {
      inputs.put(c.fileName(), bytes(c.fileName()));
      expected.put(c.fileName(), summary(DECODER.decode(inputs.get(c.fileName()))));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(
            pool.submit(
                () -> {
                  List<String> mismatches = new ArrayList<>();
                  for (int round = 0; round < 10; round++) {
                    for (Map.Entry<String, byte[]> e : inputs.entrySet()) {
                      String got = summary(DECODER.decode(e.getValue()));
                      if (!got.equals(expected.get(e.getKey()))) {
                        mismatches.add(e.getKey() + ": " + got);
                      }
                    }
                  }
                  return mismatches;
                }));
      }
      for (Future<List<String>> f : futures) {
        assertEquals(List.of(), f.get(60, TimeUnit.SECONDS));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Status plus, for decoded images, a checksum of the pixels. */
  private static String summary(DecodeResult r) {
    if (r instanceof DecodeResult.Failed f) {
      return f.message();
    }
    DecodeResult.Decoded d = (DecodeResult.Decoded) r;
    int[] argb =
        d.image()
            .getRGB(
                0, 0, d.image().getWidth(), d.image().getHeight(), null, 0, d.image().getWidth());
    return d.info() + " " + Arrays.hashCode(argb);
  }

  @Test
  void constructorRejectsNull() {
    assertThrows(NullPointerException.class, () -> new ImageDecoder(null));
  }
}
