package com.synthscope.udfs.image;

/** Why {@link ImageDecoder#decode(byte[])} refused or failed to decode an image. */
public enum DecodeFailure {
  /** Zero bytes (or null). */
  EMPTY("empty"),
  /** More bytes than {@link DecodeLimits#maxFileBytes()}. */
  TOO_LARGE("too_large"),
  /** No image reader recognises the content. */
  UNKNOWN_FORMAT("unknown_format"),
  /** The header claims more pixels than {@link DecodeLimits#maxPixels()}. */
  TOO_MANY_PIXELS("too_many_pixels"),
  /** The shorter side is below {@link DecodeLimits#minSide()}. */
  TOO_SMALL("too_small"),
  /**
   * Reading failed, or the reader warned (e.g. truncated data), or the file holds far too few bytes
   * for the size its header claims (see {@link ImageDecoder#MAX_PIXELS_PER_BYTE}).
   */
  CORRUPT("corrupt"),
  /**
   * Decoding ran over {@link DecodeLimits#maxDecodeMillis()}, or a JPEG has more scans than
   * allowed.
   */
  TOO_SLOW("too_slow");

  private final String code;

  DecodeFailure(String code) {
    this.code = code;
  }

  /** The stable lower-case code written to the {@code error} column. */
  public String code() {
    return code;
  }
}
