package com.synthscope.udfs.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The post-processing of the detection papers' robustness tests, applied to an image's encoded
 * bytes: JPEG re-compression at a quality, down- and up-scaling by a factor (bicubic both ways), or
 * a Gaussian blur of a given sigma in pixels; and, to see what a small-image detector does with a
 * large photo, {@code large:S}: enlarged (bicubic) until its longer side is S px, then saved as a
 * JPEG of quality 90, as a web or camera pipeline would. The result is a JPEG for {@code jpeg:Q}
 * and {@code large:S}, otherwise a lossless PNG of the 8-bit RGB result.
 *
 * @param kind {@code jpeg}, {@code downup}, {@code blur} or {@code large}
 * @param amount the quality (1..100), the factor (0..1), sigma (> 0) or the longer side (64..4096)
 */
public record Perturbation(String kind, double amount) implements Serializable {

  public Perturbation {
    boolean ok =
        switch (kind) {
          case "jpeg" -> amount >= 1 && amount <= 100 && amount == Math.rint(amount);
          case "downup" -> amount > 0 && amount < 1;
          case "blur" -> amount > 0 && amount <= 10;
          case "large" -> amount >= 64 && amount <= 4096 && amount == Math.rint(amount);
          default -> false;
        };
    if (!ok) {
      throw new IllegalArgumentException(
          "perturbation must be jpeg:Q (1..100), downup:F (0 < F < 1), blur:SIGMA"
              + " (0 < sigma <= 10) or large:S (64..4096 px), got "
              + kind
              + ":"
              + amount);
    }
  }

  /** Parses {@code jpeg:75}, {@code downup:0.5}, {@code blur:0.5}. */
  public static Perturbation parse(String spec) {
    String[] p = spec.split(":", 2);
    if (p.length != 2) {
      throw new IllegalArgumentException(
          "perturbation must be jpeg:Q, downup:F, blur:SIGMA or large:S, got " + spec);
    }
    try {
      return new Perturbation(p[0], Double.parseDouble(p[1]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("perturbation amount is not a number: " + spec, e);
    }
  }

  @Override
  public String toString() {
    return kind
        + ":"
        + (amount == Math.rint(amount) ? String.valueOf((long) amount) : String.valueOf(amount));
  }

  /** The perturbed image, encoded; null when the bytes do not decode. */
  public byte[] apply(byte[] encoded) throws IOException {
    BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(encoded));
    if (img == null) {
      return null;
    }
    FloatImage f = ImageTensors.toFloat(img, ColorMode.RGB);
    return switch (kind) {
      case "jpeg" -> jpeg(toRgb(f), (float) (amount / 100));
      case "downup" -> png(toRgb(downUp(f, amount)));
      case "large" -> jpeg(toRgb(enlarge(f, (int) amount)), 0.9f);
      default -> png(toRgb(blur(f, amount)));
    };
  }

  /** Bicubic, so that the longer side is {@code side} px (never smaller than the image). */
  static FloatImage enlarge(FloatImage f, int side) {
    double factor = Math.max(1, (double) side / Math.max(f.height(), f.width()));
    int h = (int) Math.round(f.height() * factor);
    int w = (int) Math.round(f.width() * factor);
    return Resampler.resize(f, h, w, ResizeFilter.BICUBIC);
  }

  /** Down to {@code round(factor * size)} (at least 1 px) and back, bicubic. */
  static FloatImage downUp(FloatImage f, double factor) {
    int h = Math.max(1, (int) Math.round(f.height() * factor));
    int w = Math.max(1, (int) Math.round(f.width() * factor));
    FloatImage small = Resampler.resize(f, h, w, ResizeFilter.BICUBIC);
    return Resampler.resize(small, f.height(), f.width(), ResizeFilter.BICUBIC);
  }

  /** Separable Gaussian blur, kernel radius ceil(3 sigma), edges clamped. */
  static FloatImage blur(FloatImage f, double sigma) {
    int r = (int) Math.ceil(3 * sigma);
    double[] k = new double[2 * r + 1];
    double sum = 0;
    for (int i = -r; i <= r; i++) {
      k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
      sum += k[i + r];
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= sum;
    }
    int c = f.channels();
    int h = f.height();
    int w = f.width();
    float[] tmp = new float[f.data().length];
    float[] out = new float[f.data().length];
    for (int ch = 0; ch < c; ch++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double s = 0;
          for (int i = -r; i <= r; i++) {
            s += k[i + r] * f.data()[(ch * h + y) * w + Math.min(w - 1, Math.max(0, x + i))];
          }
          tmp[(ch * h + y) * w + x] = (float) s;
        }
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          double s = 0;
          for (int i = -r; i <= r; i++) {
            s += k[i + r] * tmp[(ch * h + Math.min(h - 1, Math.max(0, y + i))) * w + x];
          }
          out[(ch * h + y) * w + x] = (float) s;
        }
      }
    }
    return new FloatImage(c, h, w, out);
  }

  /** 8-bit RGB, values clamped and rounded. */
  static BufferedImage toRgb(FloatImage f) {
    int h = f.height();
    int w = f.width();
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = 0;
        for (int ch = 0; ch < 3; ch++) {
          float v = f.data()[(ch * h + y) * w + x];
          rgb = (rgb << 8) | Math.round(Math.min(1f, Math.max(0f, v)) * 255f);
        }
        img.setRGB(x, y, rgb);
      }
    }
    return img;
  }

  private static byte[] png(BufferedImage img) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(img, "png", bytes);
    return bytes.toByteArray();
  }

  static byte[] jpeg(BufferedImage img, float quality) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new IOException("no JPEG writer");
    }
    ImageWriter writer = writers.next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(img, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** As the report names it. */
  public String describe() {
    return switch (kind) {
      case "jpeg" -> String.format(Locale.ROOT, "JPEG re-compression, quality %d", (int) amount);
      case "downup" -> String.format(Locale.ROOT, "down-scaling by %s and back (bicubic)", amount);
      case "large" ->
          String.format(Locale.ROOT, "enlarged to %d px (bicubic), JPEG quality 90", (int) amount);
      default -> String.format(Locale.ROOT, "Gaussian blur, sigma %s px", amount);
    };
  }
}
