package com.synthscope.udfs.detect.nsnet;

import com.synthscope.udfs.image.FloatImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * NS-Net's patch selection (METHODS.md 2.1): cut the image into 32 x 32 patches (edges
 * zero-padded), score each by the entropy of its normalised grey FFT magnitude, keep the 25 % with
 * the highest and the 25 % with the lowest entropy, and tile them into a 7 x 7 canvas of 224 px.
 * Fine-grained artefacts survive; global layout does not.
 *
 * <p>Choices where the paper is silent: at inference the canvas is filled in a fixed order,
 * alternating the highest-entropy patches (descending) and the lowest (ascending), so the most
 * extreme patches are kept when more than 49 are selected; in training the 49 are drawn at random
 * from the selected ones and shuffled; with fewer than 49 selected patches the sequence repeats
 * cyclically. Grey is the BT.601 luma of an RGB image, or its one channel.
 */
public final class PatchSelection {

  public static final int PATCH = 32;
  public static final int GRID = 7;
  public static final int CANVAS = PATCH * GRID;
  private static final double SHARE = 0.25;

  private final Fft2 fft = new Fft2(PATCH);

  /** One scored patch: its top-left corner in the (padded) image and its spectral entropy. */
  public record Scored(int top, int left, double entropy) {}

  /** Entropy of the normalised |FFT2| of a 32 x 32 grey block; 0 for an all-zero block. */
  public double entropy(float[] grey32) {
    double[] mag = fft.magnitude(grey32);
    double sum = 0;
    for (double m : mag) {
      sum += m;
    }
    if (sum == 0) {
      return 0;
    }
    double s = 0;
    for (double m : mag) {
      if (m > 0) {
        double p = m / sum;
        s -= p * Math.log(p);
      }
    }
    return s;
  }

  /** Every patch of the image with its entropy, row by row. */
  public List<Scored> score(FloatImage image) {
    int rows = (image.height() + PATCH - 1) / PATCH;
    int cols = (image.width() + PATCH - 1) / PATCH;
    List<Scored> out = new ArrayList<>(rows * cols);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out.add(new Scored(r * PATCH, c * PATCH, entropy(greyBlock(image, r * PATCH, c * PATCH))));
      }
    }
    return out;
  }

  /**
   * The patches kept: highest 25 % (descending entropy) and lowest 25 % (ascending), at least one
   * of each.
   */
  public static List<List<Scored>> select(List<Scored> scored) {
    List<Scored> sorted = new ArrayList<>(scored);
    sorted.sort(
        Comparator.comparingDouble(Scored::entropy)
            .thenComparingInt(Scored::top)
            .thenComparingInt(Scored::left));
    int k = Math.max(1, (int) Math.floor(sorted.size() * SHARE));
    List<Scored> low = new ArrayList<>(sorted.subList(0, Math.min(k, sorted.size())));
    List<Scored> high =
        new ArrayList<>(sorted.subList(Math.max(sorted.size() - k, 0), sorted.size()));
    java.util.Collections.reverse(high);
    if (sorted.size() == 1) {
      low = List.of();
    }
    return List.of(high, low);
  }

  /** The inference canvas: fixed order. */
  public FloatImage canvas(FloatImage image) {
    return canvasOf(image, select(score(image)));
  }

  /**
   * The inference canvas of a specimen region at the detector's scale (METHODS.md section 4):
   * patches on a grid whose last row and column are aligned to the image's edges (no zero padding
   * where the image holds a whole patch), and blank patches (grey standard deviation below 2/255:
   * empty or saturated areas, which are no specimen) left out unless nothing else is left.
   *
   * @return the canvas and the number of patches selection chose from
   */
  public SpecimenCanvas specimenCanvas(FloatImage image) {
    List<Scored> all = new ArrayList<>();
    List<Scored> kept = new ArrayList<>();
    for (int top : edgeAligned(image.height())) {
      for (int left : edgeAligned(image.width())) {
        float[] g = greyBlock(image, top, left);
        Scored sc = new Scored(top, left, entropy(g));
        all.add(sc);
        if (std(g, Math.min(PATCH, image.height() - top), Math.min(PATCH, image.width() - left))
            >= 2f / 255) {
          kept.add(sc);
        }
      }
    }
    List<Scored> pool = kept.isEmpty() ? all : kept;
    return new SpecimenCanvas(canvasOf(image, select(pool)), pool.size());
  }

  /** A canvas and how many patches it was selected from. */
  public record SpecimenCanvas(FloatImage canvas, int patches) {}

  private static int[] edgeAligned(int n) {
    if (n <= PATCH) {
      return new int[] {0};
    }
    int full = n / PATCH;
    boolean edge = n % PATCH != 0;
    int[] p = new int[full + (edge ? 1 : 0)];
    for (int i = 0; i < full; i++) {
      p[i] = i * PATCH;
    }
    if (edge) {
      p[full] = n - PATCH;
    }
    return p;
  }

  private static float std(float[] g, int h, int w) {
    double s = 0;
    double s2 = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float v = g[y * PATCH + x];
        s += v;
        s2 += v * v;
      }
    }
    int n = h * w;
    double m = s / n;
    return (float) Math.sqrt(Math.max(0, s2 / n - m * m));
  }

  private FloatImage canvasOf(FloatImage image, List<List<Scored>> hl) {
    List<Scored> order = new ArrayList<>();
    int i = 0;
    while (i < hl.get(0).size() || i < hl.get(1).size()) {
      if (i < hl.get(0).size()) {
        order.add(hl.get(0).get(i));
      }
      if (i < hl.get(1).size()) {
        order.add(hl.get(1).get(i));
      }
      i++;
    }
    return tile(image, order);
  }

  /** A training canvas: 49 of the selected patches drawn at random and shuffled. */
  public FloatImage trainingCanvas(FloatImage image, Random rng) {
    List<List<Scored>> hl = select(score(image));
    List<Scored> pool = new ArrayList<>(hl.get(0));
    pool.addAll(hl.get(1));
    java.util.Collections.shuffle(pool, rng);
    return tile(image, pool);
  }

  private static FloatImage tile(FloatImage image, List<Scored> order) {
    int ch = image.channels();
    float[] out = new float[ch * CANVAS * CANVAS];
    for (int t = 0; t < GRID * GRID; t++) {
      Scored p = order.get(t % order.size()); // cyclic repetition when fewer than 49
      int oy = (t / GRID) * PATCH;
      int ox = (t % GRID) * PATCH;
      for (int c = 0; c < ch; c++) {
        for (int y = 0; y < PATCH; y++) {
          for (int x = 0; x < PATCH; x++) {
            int sy = p.top() + y;
            int sx = p.left() + x;
            float v = sy < image.height() && sx < image.width() ? image.get(c, sy, sx) : 0f;
            out[(c * CANVAS + oy + y) * CANVAS + ox + x] = v;
          }
        }
      }
    }
    return new FloatImage(ch, CANVAS, CANVAS, out);
  }

  private static float[] greyBlock(FloatImage image, int top, int left) {
    float[] g = new float[PATCH * PATCH];
    for (int y = 0; y < PATCH; y++) {
      for (int x = 0; x < PATCH; x++) {
        int sy = top + y;
        int sx = left + x;
        if (sy >= image.height() || sx >= image.width()) {
          continue; // zero padding
        }
        g[y * PATCH + x] =
            image.channels() >= 3
                ? 0.299f * image.get(0, sy, sx)
                    + 0.587f * image.get(1, sy, sx)
                    + 0.114f * image.get(2, sy, sx)
                : image.get(0, sy, sx);
      }
    }
    return g;
  }
}
