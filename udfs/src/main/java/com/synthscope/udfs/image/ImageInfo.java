package com.synthscope.udfs.image;

/**
 * What an image header says about the stored image.
 *
 * @param format lower-case short format name: "png", "jpeg", "tiff", "bmp", "webp", "gif", ...
 * @param width width in pixels
 * @param height height in pixels
 * @param channels colour components of the stored image, alpha included: grey 1, grey+alpha 2, RGB
 *     3, RGBA 4, CMYK 4; a palette image counts the components of its palette entries (a grey
 *     palette 1, a colour palette 3, plus 1 when the palette has alpha)
 * @param bitDepth bits per stored sample (8, 16, 1 for bilevel; for a palette image the index size)
 */
public record ImageInfo(String format, int width, int height, int channels, int bitDepth) {

  /** {@code width * height} without overflow. */
  public long pixels() {
    return (long) width * height;
  }
}
