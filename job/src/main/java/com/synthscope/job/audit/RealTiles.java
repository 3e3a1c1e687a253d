package com.synthscope.job.audit;

import com.synthscope.udfs.augment.PairPng;
import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.DecodeResult;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.image.ImageTensors;
import com.synthscope.udfs.image.Resampler;
import com.synthscope.udfs.image.ResizeFilter;
import com.synthscope.udfs.spark.MicrographBenchmark;
import com.synthscope.udfs.train.LabelledMicrograph;
import com.synthscope.udfs.train.MetalDam;
import com.synthscope.udfs.train.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;

/**
 * Real images for the demo, at the scale and size of the generated ones. The embedded detectors
 * learned 32 px tiles at a quarter of MetalDAM's resolution (what PF-DiffSeg makes); whole
 * micrographs at full resolution are outside what they learned (a measured demo flagged 36 of 42 of
 * them), so the demo compares like with like: tiles of real micrographs downscaled to the
 * generator's scale, one random tile per image in turn.
 *
 * <p>For the MetalDAM folder ({@code images/} beside {@code labels/}) the tiles come from its test
 * split, cropped to the labelled area as DATA.md says (no SEM information band), and so from
 * micrographs the detectors never saw.
 */
public final class RealTiles {

  private RealTiles() {}

  /**
   * MetalDAM's images in ../shared beside the working directory or the repository; null when
   * neither has it.
   */
  public static Path metalDamImages() {
    for (String base : new String[] {".", System.getProperty("synthscope.home")}) {
      if (base == null) {
        continue;
      }
      Path p =
          Path.of(base).toAbsolutePath().resolve("../shared/datasets/metaldam/images").normalize();
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    return null;
  }

  /** Writes {@code count} tiles as grey PNGs into {@code to}; returns how many were written. */
  public static int write(Path from, Path to, double scale, int size, int count, long seed)
      throws IOException {
    SplittableRandom random = new SplittableRandom(seed * 31 + 7);
    Path root = from.toAbsolutePath().normalize().getParent();
    if (root != null
        && Files.isDirectory(root.resolve("labels"))
        && Files.isRegularFile(MetalDam.imagePath(root, 0))) {
      List<LabelledMicrograph> test = MetalDam.loadDownscaled(root, Split.TEST, scale);
      int n = 0;
      for (Row r : MicrographBenchmark.realCrops(test, Split.TEST, count, size, false, random, 0)) {
        Files.write(
            to.resolve(String.format("real-%03d.png", n++)), (byte[]) r.get(4)); // image_png
      }
      return n;
    }
    List<FloatImage> images = new ArrayList<>();
    ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        if (decoder.decode(Files.readAllBytes(f)) instanceof DecodeResult.Decoded d) {
          FloatImage grey = ImageTensors.toFloat(d.image(), ColorMode.GREY);
          int h = (int) Math.round(grey.height() * scale);
          int w = (int) Math.round(grey.width() * scale);
          if (h >= size && w >= size) {
            images.add(Resampler.resize(grey, h, w, ResizeFilter.BOX));
          }
        }
      }
    }
    int n = 0;
    for (int i = 0; i < count && !images.isEmpty(); i++) {
      FloatImage img = images.get(i % images.size());
      int y = random.nextInt(img.height() - size + 1);
      int x = random.nextInt(img.width() - size + 1);
      float[] tile = new float[size * size];
      for (int r = 0; r < size; r++) {
        System.arraycopy(img.data(), (y + r) * img.width() + x, tile, r * size, size);
      }
      Files.write(
          to.resolve(String.format("real-%03d.png", n++)), PairPng.greyPng(tile, size, size));
    }
    return n;
  }
}
