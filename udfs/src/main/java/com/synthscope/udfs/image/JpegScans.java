package com.synthscope.udfs.image;

/**
 * Counts the scans (SOS markers) of a JPEG by walking its marker segments, without decoding
 * anything: one pass over the bytes. Segments are skipped by their length (so a thumbnail JPEG
 * inside an APP1 segment is not counted), and after each SOS header the entropy-coded data is
 * skipped to the next marker (inside it {@code FF} is always followed by {@code 00} or a restart
 * marker).
 *
 * <p>Why: a progressive JPEG's scans are each a pass over the whole image; libjpeg decodes them all
 * inside one native call that nothing can interrupt, so a file of a thousand scans holds a core for
 * minutes. Counting first is the defence libjpeg-turbo's own tools use ({@code djpeg -maxscans}).
 */
final class JpegScans {

  private JpegScans() {}

  /**
   * The number of SOS markers up to EOI or the end of the data; 0 when the bytes do not start with
   * SOI.
   */
  static int count(byte[] b) {
    if (b.length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != 0xd8) {
      return 0;
    }
    int scans = 0;
    int i = 2;
    while (i + 1 < b.length) {
      if ((b[i] & 0xff) != 0xff) {
        i++; // not at a marker: garbage between segments, which decoders skip too
        continue;
      }
      int marker = b[i + 1] & 0xff;
      if (marker == 0xff) {
        i++; // fill byte
        continue;
      }
      i += 2;
      if (marker == 0xd9) {
        break; // EOI
      }
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
        continue; // TEM, RSTn, SOI: no length
      }
      if (i + 1 >= b.length) {
        break;
      }
      int length = ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
      i += length;
      if (marker == 0xda) {
        scans++;
        // entropy-coded data: up to the next marker that is neither stuffing (FF 00) nor a restart
        // (FF D0-D7)
        while (i + 1 < b.length) {
          if ((b[i] & 0xff) == 0xff) {
            int next = b[i + 1] & 0xff;
            if (next != 0x00 && !(next >= 0xd0 && next <= 0xd7) && next != 0xff) {
              break;
            }
          }
          i++;
        }
      }
    }
    return scans;
  }
}
