package com.synthscope.udfs.train;

import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.image.Crops;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.DecodeResult;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.image.ImageTensors;
import com.synthscope.udfs.image.Resampler;
import com.synthscope.udfs.image.ResizeFilter;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The labelled MetalDAM set as {@code ../shared/datasets/metaldam/DATA.md} defines it: {@code
 * images/micrographN.jpg} (grey content stored as 3-channel JPEG) and {@code
 * labels/micrographN.png} (8-bit class index; micrograph26 is stored as RGB). Each image is cropped
 * to {@code (0, 0, label.width, label.height)}, which drops the SEM information band at the bottom.
 */
public final class MetalDam {

  public static final int CLASSES = 5;
  public static final String[] CLASS_NAMES = {
    "matrix", "austenite", "martensite_austenite", "precipitate", "defect"
  };

  private MetalDam() {}

  /** The image file of micrograph {@code number} under {@code root}. */
  public static Path imagePath(Path root, int number) {
    return root.resolve("images").resolve("micrograph" + number + ".jpg");
  }

  /** The label file of micrograph {@code number} under {@code root}. */
  public static Path labelPath(Path root, int number) {
    return root.resolve("labels").resolve("micrograph" + number + ".png");
  }

  /**
   * Loads the micrographs of {@code split}, ordered by number.
   *
   * @param root the metaldam folder (holding {@code images/} and {@code labels/})
   * @throws IOException naming the file when one is missing, cannot be decoded, does not match its
   *     label's size, or holds a label value outside {@code 0 .. CLASSES - 1}
   */
  public static List<LabelledMicrograph> load(Path root, Split split) throws IOException {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(split, "split");
    ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
    List<LabelledMicrograph> out = new ArrayList<>();
    for (int n : split.numbers()) {
      out.add(load(root, n, decoder));
    }
    return out;
  }

  /** Loads one micrograph by number. */
  public static LabelledMicrograph load(Path root, int number) throws IOException {
    return load(root, number, new ImageDecoder(DecodeLimits.defaults()));
  }

  private static LabelledMicrograph load(Path root, int number, ImageDecoder decoder)
      throws IOException {
    Path imageFile = imagePath(root, number);
    Path labelFile = labelPath(root, number);
    BufferedImage labelImage = decode(decoder, labelFile);
    BufferedImage image = decode(decoder, imageFile);
    int h = labelImage.getHeight();
    int w = labelImage.getWidth();
    if (image.getWidth() != w || image.getHeight() < h) {
      throw new IOException(
          imageFile
              + ": image is "
              + image.getWidth()
              + "x"
              + image.getHeight()
              + " but its label "
              + labelFile.getFileName()
              + " is "
              + w
              + "x"
              + h
              + " (the label must cover the top rows at full width)");
    }
    // Grey content stored as RGB: channel 0 (R) as it is; a true single-channel JPEG is taken as is
    // too.
    // Measured: inside the labelled rows R == G == B exactly in all 42; colour occurs only in the
    // SEM band.
    boolean colour = image.getColorModel().getNumColorComponents() >= 3;
    FloatImage full = ImageTensors.toFloat(image, colour ? ColorMode.RGB : ColorMode.GREY);
    FloatImage cropped = Crops.crop(full, 0, 0, h, w);
    float[] grey = new float[h * w];
    System.arraycopy(cropped.data(), 0, grey, 0, grey.length);

    // Labels: band 0 of the raster (the stored index; for the RGB micrograph26 the red channel).
    Raster raster = labelImage.getRaster();
    byte[] labels = new byte[h * w];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
      for (int x = 0; x < w; x++) {
        int v = row[x];
        if (v < 0 || v >= CLASSES) {
          throw new IOException(
              labelFile
                  + ": label value "
                  + v
                  + " at ("
                  + x
                  + ", "
                  + y
                  + ") is outside 0.."
                  + (CLASSES - 1));
        }
        labels[y * w + x] = (byte) v;
      }
    }
    return new LabelledMicrograph(number, h, w, grey, labels);
  }

  private static BufferedImage decode(ImageDecoder decoder, Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("MetalDAM file missing: " + file);
    }
    DecodeResult result = decoder.decode(Files.readAllBytes(file));
    if (result instanceof DecodeResult.Failed failed) {
      throw new IOException(file + ": " + failed.message());
    }
    return ((DecodeResult.Decoded) result).image();
  }

  /**
   * Scales a micrograph by {@code scale} in (0, 1]: output size {@code max(1, round(side *
   * scale))}. The image uses {@link ResizeFilter#BOX} (antialiased area average), the labels
   * nearest sampling at pixel centres (source pixel {@code floor((x + 0.5) * in / out)}), so no new
   * class values appear. Scale 1 returns {@code m} itself.
   */
  /**
   * The micrographs of a split, each downscaled by {@code scale} (training reads them this way).
   */
  public static List<LabelledMicrograph> loadDownscaled(Path root, Split split, double scale)
      throws IOException {
    List<LabelledMicrograph> out = new java.util.ArrayList<>();
    for (LabelledMicrograph m : load(root, split)) {
      out.add(downscale(m, scale));
    }
    return out;
  }

  public static LabelledMicrograph downscale(LabelledMicrograph m, double scale) {
    Objects.requireNonNull(m, "m");
    if (!(scale > 0 && scale <= 1)) {
      throw new IllegalArgumentException("scale must be in (0, 1], got " + scale);
    }
    if (scale == 1.0) {
      return m;
    }
    int h = Math.max(1, (int) Math.round(m.height() * scale));
    int w = Math.max(1, (int) Math.round(m.width() * scale));
    FloatImage grey =
        Resampler.resize(
            new FloatImage(1, m.height(), m.width(), m.grey()), h, w, ResizeFilter.BOX);
    byte[] labels = new byte[h * w];
    byte[] src = m.labels();
    for (int y = 0; y < h; y++) {
      int sy = Math.min(m.height() - 1, (int) Math.floor((y + 0.5) * m.height() / h));
      for (int x = 0; x < w; x++) {
        int sx = Math.min(m.width() - 1, (int) Math.floor((x + 0.5) * m.width() / w));
        labels[y * w + x] = src[sy * m.width() + sx];
      }
    }
    float[] g = grey.data();
    for (int i = 0; i < g.length; i++) {
      g[i] = Math.min(1f, Math.max(0f, g[i]));
    }
    return new LabelledMicrograph(m.number(), h, w, g, labels);
  }
}
