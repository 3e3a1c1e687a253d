package com.synthscope.udfs.image;

/**
 * Limits applied by {@link ImageDecoder}: the first three before any pixel is allocated, the others
 * while decoding.
 *
 * @param maxFileBytes largest accepted encoded file, in bytes (checked before anything else)
 * @param maxPixels largest accepted {@code width * height}, read from the header
 * @param minSide smallest accepted {@code min(width, height)}
 * @param maxDecodePixels most pixels one decoded picture may hold: a larger image is decoded with
 *     ImageIO's source subsampling (every k-th pixel of every k-th row, the smallest k that fits),
 *     so memory per image is bounded whatever the header says
 * @param maxDecodeMillis wall-clock budget for decoding one file; a reader still busy after it is
 *     aborted and the file becomes a {@link DecodeFailure#TOO_SLOW} error
 * @param maxJpegScans most scans a JPEG may hold (a normal progressive JPEG has about 10; each scan
 *     is a pass over the whole image, so thousands are a decoding-time bomb)
 */
public record DecodeLimits(
    long maxFileBytes,
    long maxPixels,
    int minSide,
    long maxDecodePixels,
    long maxDecodeMillis,
    int maxJpegScans)
    implements java.io.Serializable {

  /** 256 MiB. */
  public static final long DEFAULT_MAX_FILE_BYTES = 256L * 1024 * 1024;

  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
  public static final int DEFAULT_MIN_SIDE = 8;

  /** 16 M pixels: 48 MB as 8-bit RGB, 192 MB as the float RGB the detectors convert it to. */
  public static final long DEFAULT_MAX_DECODE_PIXELS = 16_000_000L;

  public static final long DEFAULT_MAX_DECODE_MILLIS = 30_000L;
  public static final int DEFAULT_MAX_JPEG_SCANS = 100;

  /** The three header limits with the default decode budgets. */
  public DecodeLimits(long maxFileBytes, long maxPixels, int minSide) {
    this(
        maxFileBytes,
        maxPixels,
        minSide,
        DEFAULT_MAX_DECODE_PIXELS,
        DEFAULT_MAX_DECODE_MILLIS,
        DEFAULT_MAX_JPEG_SCANS);
  }

  public DecodeLimits {
    if (maxFileBytes <= 0) {
      throw new IllegalArgumentException("maxFileBytes must be positive, got " + maxFileBytes);
    }
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
    }
    if (minSide <= 0) {
      throw new IllegalArgumentException("minSide must be positive, got " + minSide);
    }
    if (maxDecodePixels <= 0 || maxDecodeMillis <= 0 || maxJpegScans <= 0) {
      throw new IllegalArgumentException(
          "decode budgets must be positive, got "
              + maxDecodePixels
              + " pixels, "
              + maxDecodeMillis
              + " ms, "
              + maxJpegScans
              + " JPEG scans");
    }
  }

  /** These limits with another per-picture pixel budget. */
  public DecodeLimits withMaxDecodePixels(long pixels) {
    return new DecodeLimits(
        maxFileBytes, maxPixels, minSide, pixels, maxDecodeMillis, maxJpegScans);
  }

  /** These limits with another per-file decoding time budget. */
  public DecodeLimits withMaxDecodeMillis(long millis) {
    return new DecodeLimits(
        maxFileBytes, maxPixels, minSide, maxDecodePixels, millis, maxJpegScans);
  }

  /**
   * The subsampling factor k for an image of this many pixels: 1 when it fits {@link
   * #maxDecodePixels()}, else the smallest k with {@code ceil(w / k) * ceil(h / k) <=
   * maxDecodePixels}.
   */
  public int subsampling(int width, int height) {
    int k = 1;
    while ((long) ceilDiv(width, k) * ceilDiv(height, k) > maxDecodePixels) {
      k++;
    }
    return k;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** 256 MiB, 100 000 000 pixels, minimum side 8, 16 M decoded pixels, 30 s, 100 JPEG scans. */
  public static DecodeLimits defaults() {
    return new DecodeLimits(DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MIN_SIDE);
  }
}
