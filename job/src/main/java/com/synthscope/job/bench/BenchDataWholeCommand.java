package com.synthscope.job.bench;

import com.synthscope.job.CommandBase;
import com.synthscope.job.ConfigurationException;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.image.Crops;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.ImageTensors;
import com.synthscope.udfs.image.Resampler;
import com.synthscope.udfs.image.ResizeFilter;
import com.synthscope.udfs.train.Split;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code synthscope bench-data whole}: a labelled folder set for the whole-image protocol
 * (METHODS.md section 4): the MetalDAM micrographs of one split whole, information band included,
 * and crops of them of varied size (half of them reaching the bottom edge, band included);
 * generated images from PNG folders (PF-DiffSeg's {@code augment --export-png}), as they are,
 * re-compressed as JPEG (quality 85) and enlarged 1.5x; and the cheap non-diffusion fake: real
 * crops of the split shrunk 8x and enlarged back (at the detectors' scale 0.25 that is the
 * benchmark's halving). Layout {@code OUT/<generator>/{0_real,1_fake}/}, as {@code eval} and {@code
 * calibrate} read it.
 */
@Command(
    name = "whole",
    mixinStandardHelpOptions = true,
    description = {
      "Build labelled folders for the whole-image protocol: whole MetalDAM micrographs of a split",
      "with their band, crops of varied size, and generated images as-is, JPEG-recompressed and resized."
    })
public final class BenchDataWholeCommand extends CommandBase {

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Output folder (must not exist).")
  Path out;

  @Option(
      names = "--data",
      defaultValue = "../shared/datasets/metaldam",
      paramLabel = "DIR",
      description = "The metaldam folder (default: ${DEFAULT-VALUE}).")
  Path metaldam;

  @Option(
      names = "--split",
      defaultValue = "val",
      paramLabel = "NAME",
      description =
          "MetalDAM split of the real images: train, val or test (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(
      names = "--crops",
      defaultValue = "12",
      paramLabel = "N",
      description = "Crops per micrograph (default: ${DEFAULT-VALUE}).")
  int crops;

  @Option(
      names = "--upsampled",
      defaultValue = "48",
      paramLabel = "N",
      description = "Non-diffusion fakes (default: ${DEFAULT-VALUE}).")
  int upsampled;

  @Option(
      names = "--fakes",
      paramLabel = "GENERATOR=DIR",
      description = "Generated PNGs of one generator (repeatable).")
  Map<String, Path> fakes = new LinkedHashMap<>();

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of crop sizes and positions (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  protected void validate() {
    if (Files.exists(out)) {
      throw new ConfigurationException("--out " + out + " exists; choose a new folder");
    }
    if (!Files.isDirectory(metaldam.resolve("images"))) {
      throw new ConfigurationException(
          "--data "
              + metaldam.toAbsolutePath().normalize()
              + " is not the metaldam folder (no images/ in it)");
    }
    fakes.forEach(
        (g, dir) -> {
          if (!Files.isDirectory(dir)) {
            throw new ConfigurationException("--fakes " + g + "=" + dir + ": no such folder");
          }
        });
  }

  @Override
  protected int execute() throws Exception {
    Split s;
    try {
      s = Split.parse(split);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--split: " + e.getMessage(), e);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    Path real = Files.createDirectories(out.resolve("real/0_real"));
    Path up = Files.createDirectories(out.resolve("upsampled/1_fake"));
    int nReal = 0;
    int nUp = 0;
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < Split.MICROGRAPHS; i++) {
      if (s.contains(i)) {
        ids.add(i);
      }
    }
    for (int id : ids) {
      Path src = metaldam.resolve("images/micrograph" + id + ".jpg");
      Files.copy(src, real.resolve("micrograph" + id + ".jpg"));
      nReal++;
      FloatImage grey = ImageTensors.toFloat(ImageIO.read(src.toFile()), ColorMode.GREY);
      for (int c = 0; c < crops; c++) {
        FloatImage crop = randomCrop(grey, rng, rng.nextBoolean());
        writePng(
            crop, real.resolve(String.format(Locale.ROOT, "micrograph%d-crop%02d.png", id, c)));
        nReal++;
      }
      for (int c = 0; c < Math.ceil((double) upsampled / ids.size()) && nUp < upsampled; c++) {
        FloatImage crop = randomCrop(grey, rng, false);
        FloatImage small =
            Resampler.resize(
                crop,
                Math.max(1, crop.height() / 8),
                Math.max(1, crop.width() / 8),
                ResizeFilter.BOX);
        writePng(
            Resampler.resize(small, crop.height(), crop.width(), ResizeFilter.BICUBIC),
            up.resolve(String.format(Locale.ROOT, "micrograph%d-up%02d.png", id, c)));
        nUp++;
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "bench-data whole");
    json.put("real", nReal);
    json.put("upsampled", nUp);
    for (var e : fakes.entrySet()) {
      String g = e.getKey();
      Path as = Files.createDirectories(out.resolve(g + "/1_fake"));
      Path jpeg = Files.createDirectories(out.resolve(g + "-jpeg85/1_fake"));
      Path resized = Files.createDirectories(out.resolve(g + "-resized1.5/1_fake"));
      List<Path> pngs;
      try (Stream<Path> list = Files.list(e.getValue())) {
        pngs = list.filter(p -> p.toString().endsWith(".png")).sorted().toList();
      }
      for (Path p : pngs) {
        String name = p.getFileName().toString();
        Files.copy(p, as.resolve(name));
        BufferedImage img = ImageIO.read(p.toFile());
        writeJpeg(img, jpeg.resolve(name.replace(".png", ".jpg")), 0.85f);
        FloatImage f = ImageTensors.toFloat(img, ColorMode.GREY);
        writePng(
            Resampler.resize(
                f,
                (int) Math.round(f.height() * 1.5),
                (int) Math.round(f.width() * 1.5),
                ResizeFilter.BICUBIC),
            resized.resolve(name));
      }
      json.put(g, pngs.size());
    }
    out().println("wrote " + out);
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }

  /**
   * A crop of side 96 px to the whole width, aspect 0.6-1.6; at the bottom edge (band included)
   * when asked.
   */
  static FloatImage randomCrop(FloatImage img, SplittableRandom rng, boolean bottom) {
    int w = 96 + rng.nextInt(Math.max(1, img.width() - 96 + 1));
    int h = (int) Math.min(img.height(), Math.max(96, Math.round(w * (0.6 + rng.nextDouble()))));
    w = Math.min(w, img.width());
    int top = bottom ? img.height() - h : rng.nextInt(img.height() - h + 1);
    int left = rng.nextInt(img.width() - w + 1);
    return Crops.crop(img, top, left, h, w);
  }

  static void writePng(FloatImage grey, Path file) throws IOException {
    ImageIO.write(toImage(grey), "png", file.toFile());
  }

  static void writeJpeg(BufferedImage img, Path file, float quality) throws IOException {
    BufferedImage grey = toImage(ImageTensors.toFloat(img, ColorMode.GREY));
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    try (ImageOutputStream os = ImageIO.createImageOutputStream(file.toFile())) {
      writer.setOutput(os);
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(quality);
      writer.write(null, new IIOImage(grey, null, null), p);
    } finally {
      writer.dispose();
    }
  }

  private static BufferedImage toImage(FloatImage grey) {
    BufferedImage b = new BufferedImage(grey.width(), grey.height(), BufferedImage.TYPE_BYTE_GRAY);
    byte[] px = ((java.awt.image.DataBufferByte) b.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) Math.round(Math.max(0, Math.min(1, grey.data()[i])) * 255);
    }
    return b;
  }
}
