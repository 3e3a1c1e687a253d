package com.synthscope.udfs.spark;

import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.DecodeResult;
import com.synthscope.udfs.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * The one decode -> batch -> model step of everything that runs models over encoded images (the
 * audit's scan, the batch scoring and feature jobs, the SQL functions, the ML stages): each input's
 * bytes are decoded, the pictures that decoded go through the model function together, and each
 * input gets its decode result and its model output.
 *
 * <p>A batch whose pictures hold more than {@link #heldPixels} is scored in several model calls, so
 * a batch of large images never holds more than that (plus one picture) in memory, whatever the
 * batch size says.
 */
public final class DecodeAndScore {

  /** The reason of an input without bytes. */
  public static final String NO_BYTES = "empty: no image bytes";

  private DecodeAndScore() {}

  /**
   * One input's outcome.
   *
   * @param decoded null when the input had no bytes (or was not to be decoded)
   * @param value the model's output for the picture; null when it did not decode
   */
  public record Outcome<R>(DecodeResult decoded, R value) {

    /**
     * Why there is no model output: the decode failure, {@link #NO_BYTES}, or null when there is
     * one.
     */
    public String error() {
      if (decoded == null) {
        return NO_BYTES;
      }
      return decoded instanceof DecodeResult.Failed f ? f.message() : null;
    }
  }

  /**
   * Decoded pixels held at once before they are scored: twice the largest picture one file may
   * decode to.
   */
  public static long heldPixels(DecodeLimits limits) {
    return 2 * limits.maxDecodePixels();
  }

  /**
   * @param contents encoded images; a null entry is not decoded (its outcome has neither result nor
   *     value)
   * @param model one output per picture, in order
   * @param decodeNanos told each decode's time; may be null
   */
  public static <R> List<Outcome<R>> run(
      List<byte[]> contents,
      ImageDecoder decoder,
      Function<List<BufferedImage>, List<R>> model,
      LongConsumer decodeNanos) {
    int n = contents.size();
    DecodeResult[] decoded = new DecodeResult[n];
    Object[] values = new Object[n];
    long budget = heldPixels(decoder.limits());
    List<BufferedImage> pending = new ArrayList<>();
    List<Integer> pendingRows = new ArrayList<>();
    long held = 0;
    for (int i = 0; i < n; i++) {
      byte[] bytes = contents.get(i);
      if (bytes == null) {
        continue;
      }
      long t0 = System.nanoTime();
      decoded[i] = decoder.decode(bytes);
      if (decodeNanos != null) {
        decodeNanos.accept(System.nanoTime() - t0);
      }
      if (decoded[i] instanceof DecodeResult.Decoded d) {
        BufferedImage img = d.image();
        long pixels = (long) img.getWidth() * img.getHeight();
        if (!pending.isEmpty() && held + pixels > budget) {
          apply(model, pending, pendingRows, values);
          held = 0;
        }
        pending.add(img);
        pendingRows.add(i);
        held += pixels;
      }
    }
    apply(model, pending, pendingRows, values);
    List<Outcome<R>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      @SuppressWarnings("unchecked")
      R v = (R) values[i];
      out.add(new Outcome<>(decoded[i], v));
    }
    return out;
  }

  /**
   * Runs the model over the pending pictures, files each output by its input, and empties the
   * pending lists.
   */
  private static <R> void apply(
      Function<List<BufferedImage>, List<R>> model,
      List<BufferedImage> pending,
      List<Integer> rows,
      Object[] values) {
    if (pending.isEmpty()) {
      return;
    }
    List<R> got = model.apply(pending);
    if (got.size() != pending.size()) {
      throw new IllegalStateException(
          "a model gave " + got.size() + " results for " + pending.size() + " images");
    }
    for (int j = 0; j < got.size(); j++) {
      values[rows.get(j)] = got.get(j);
    }
    pending.clear();
    rows.clear();
  }

  /** The images' bytes from a column of each row. */
  static List<byte[]> contents(List<org.apache.spark.sql.Row> rows, int column) {
    byte[][] out = new byte[rows.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte[]) rows.get(i).get(column);
    }
    return Arrays.asList(out);
  }
}
