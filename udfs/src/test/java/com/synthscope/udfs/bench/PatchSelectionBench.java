package com.synthscope.udfs.bench;

import com.synthscope.udfs.detect.nsnet.PatchSelection;
import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.ImageTensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Benchmark, not a test: time of NS-Net patch selection (score every 32 x 32 patch by spectral
 * entropy, build the canvas) per MetalDAM image, single thread. Usage: {@code PatchSelectionBench
 * <images-dir> [rounds]}.
 */
public final class PatchSelectionBench {

  public static void main(String[] args) throws Exception {
    List<FloatImage> images = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(args[0]))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList()) {
        images.add(ImageTensors.toFloat(ImageIO.read(p.toFile()), ColorMode.RGB));
      }
    }
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    PatchSelection ps = new PatchSelection();
    long patches = 0;
    for (FloatImage img : images) { // warm-up
      patches += ps.score(img).size();
      ps.canvas(img);
    }
    long start = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      for (FloatImage img : images) {
        ps.canvas(img);
      }
    }
    double perImage = (System.nanoTime() - start) / 1e6 / (rounds * images.size());
    System.out.printf(
        Locale.ROOT,
        "patch selection: %d images, %d patches/image on average, %.1f ms/image,"
            + " %.1f images/s (1 thread, %d rounds)%n",
        images.size(),
        patches / images.size(),
        perImage,
        1000 / perImage,
        rounds);
  }
}
