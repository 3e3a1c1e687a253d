package com.synthscope.udfs.image;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * Outcome of {@link ImageDecoder#decode(byte[])}: a decoded image or the reason it was not decoded.
 */
public sealed interface DecodeResult permits DecodeResult.Decoded, DecodeResult.Failed {

  /** Longest {@link Failed#message()} returned. */
  int MAX_MESSAGE_LENGTH = 200;

  /**
   * A successfully decoded image with what its header said.
   *
   * @param subsampling 1 when {@code image} holds every pixel; k when the image was larger than the
   *     decode budget and holds every k-th pixel of every k-th row ({@link
   *     DecodeLimits#maxDecodePixels()})
   */
  record Decoded(ImageInfo info, BufferedImage image, int subsampling) implements DecodeResult {
    public Decoded {
      Objects.requireNonNull(info, "info");
      Objects.requireNonNull(image, "image");
      if (subsampling < 1) {
        throw new IllegalArgumentException("subsampling must be >= 1, got " + subsampling);
      }
    }

    /** An image decoded whole. */
    public Decoded(ImageInfo info, BufferedImage image) {
      this(info, image, 1);
    }
  }

  /**
   * A refused or failed image.
   *
   * @param reason why
   * @param detail human-readable detail (one line)
   * @param info what the header told, or null when nothing could be read
   */
  record Failed(DecodeFailure reason, String detail, ImageInfo info) implements DecodeResult {
    public Failed {
      Objects.requireNonNull(reason, "reason");
      detail = detail == null ? "" : detail;
    }

    /**
     * {@code "<code>: <detail>"} on one line, at most {@value DecodeResult#MAX_MESSAGE_LENGTH}
     * characters.
     */
    public String message() {
      String oneLine = (reason.code() + ": " + detail).replaceAll("\\s+", " ").trim();
      if (oneLine.length() > MAX_MESSAGE_LENGTH) {
        oneLine = oneLine.substring(0, MAX_MESSAGE_LENGTH - 3) + "...";
      }
      return oneLine;
    }
  }

  /** True for {@link Decoded}. */
  default boolean ok() {
    return this instanceof Decoded;
  }
}
