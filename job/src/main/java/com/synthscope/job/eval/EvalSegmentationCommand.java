package com.synthscope.job.eval;

import com.synthscope.job.CommandBase;
import com.synthscope.job.ConfigurationException;
import com.synthscope.job.SparkOptions;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.job.TrainingOutput;
import com.synthscope.udfs.nets.SegUNetConfig;
import com.synthscope.udfs.train.MetalDam;
import com.synthscope.udfs.train.Pair;
import com.synthscope.udfs.train.segmentation.ConfusionMatrix;
import com.synthscope.udfs.train.segmentation.SegmentationBenchmark;
import com.synthscope.udfs.train.segmentation.SegmentationRecipe;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code synthscope eval segmentation}: does augmentation help? Trains a small segmentation UNet on
 * MetalDAM's train split, real crops only or mixed with an augmentation set, selects on the
 * validation split and reports per-class IoU, mIoU and pixel accuracy on the test split at full
 * label resolution. Spark is started only to read the augmentation set.
 */
@Command(
    name = "segmentation",
    mixinStandardHelpOptions = true,
    description = {
      "Train a small UNet (softmax cross-entropy) on MetalDAM train crops with standard augmentation",
      "(flips, 90-degree rotations, brightness/contrast jitter), optionally mixed with generated pairs; keep the",
      "best validation mIoU; report per-class IoU, mIoU and pixel accuracy on the test split at full resolution."
    })
public final class EvalSegmentationCommand extends CommandBase {

  /**
   * Share of each batch taken from the augmentation set when --augment is given without
   * --synthetic-ratio.
   */
  static final double DEFAULT_RATIO = 0.25;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "The metaldam folder (images/, labels/).")
  Path data;

  @Option(
      names = "--augment",
      paramLabel = "URI",
      description = "Augmentation-set Parquet (from 'augment') to mix into training.")
  String augment;

  @Option(
      names = "--synthetic-ratio",
      paramLabel = "R",
      description =
          "Share of each batch taken from --augment, in [0, 1) (default: 0.25 with --augment, else 0).")
  Double syntheticRatio;

  @Option(
      names = "--qc-only",
      description = "Use only the generated pairs that passed QC (qc_pass).")
  boolean qcOnly;

  @Option(
      names = "--size",
      defaultValue = "32",
      description =
          "Crop and window side at the training scale; must equal the generated pairs' side (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--scale",
      defaultValue = "0.25",
      description = "Downscaling of the micrographs (default: ${DEFAULT-VALUE}).")
  double scale;

  @Option(
      names = "--steps",
      defaultValue = "1500",
      description = "Optimiser steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--batch",
      defaultValue = "16",
      description = "Crops per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "1e-3",
      description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float lr;

  @Option(
      names = "--base-channels",
      defaultValue = "16",
      description =
          "Width of the UNet's first level; levels x1, x2, x4 (default: ${DEFAULT-VALUE}).")
  int baseChannels;

  @Option(
      names = "--eval-every",
      defaultValue = "250",
      description = "Steps between validation passes (default: ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(
      names = "--stride",
      description = "Sliding-window stride at evaluation (default: half of --size).")
  Integer stride;

  @Option(
      names = "--class-weights",
      split = ",",
      paramLabel = "W",
      description = "Cross-entropy weight per class, 5 values (default: all 1).")
  float[] classWeights;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of the weights and of every step's data (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin SparkOptions spark;

  private SegmentationRecipe recipe;
  private SegUNetConfig network;

  @Override
  protected void validate() {
    if (!Files.isDirectory(data.resolve("images")) || !Files.isDirectory(data.resolve("labels"))) {
      throw new ConfigurationException(
          "--data " + data + " must hold images/ and labels/ (the metaldam folder)");
    }
    double ratio = syntheticRatio != null ? syntheticRatio : augment != null ? DEFAULT_RATIO : 0;
    if (augment == null && ratio > 0) {
      throw new ConfigurationException("--synthetic-ratio needs --augment");
    }
    if (classWeights != null && classWeights.length != MetalDam.CLASSES) {
      throw new ConfigurationException(
          "--class-weights needs " + MetalDam.CLASSES + " values, got " + classWeights.length);
    }
    try {
      network = network(baseChannels);
      recipe =
          new SegmentationRecipe(
              size,
              scale,
              steps,
              batch,
              lr,
              seed,
              ratio,
              evalEvery,
              stride != null ? stride : Math.max(1, size / 2),
              classWeights);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
    int multiple = 1 << network.downsamplings();
    if (size % multiple != 0) {
      throw new ConfigurationException(
          "--size must be a multiple of " + multiple + ", got " + size);
    }
  }

  /**
   * The benchmark's network: grey in, the 5 MetalDAM classes out, three levels, one residual block
   * each.
   */
  static SegUNetConfig network(int baseChannels) {
    return new SegUNetConfig(1, MetalDam.CLASSES, baseChannels, List.of(1, 2, 4), 1);
  }

  @Override
  protected int execute() throws Exception {
    List<Pair> synthetic = List.of();
    if (augment != null && recipe.syntheticRatio() > 0) {
      synthetic = readAugmentation(spark.session(spec.name()), augment, qcOnly, size);
      if (synthetic.isEmpty()) {
        throw new ConfigurationException(
            "--augment "
                + augment
                + " holds no usable pairs"
                + (qcOnly ? " (none passed QC)" : ""));
      }
      out().printf("%d generated pairs from %s%n", synthetic.size(), augment);
    }
    out().println("network " + network.toArguments() + ", recipe " + recipe.toMap());
    SegmentationBenchmark.Result r =
        SegmentationBenchmark.run(data, synthetic, recipe, network, TrainingOutput.of(out()));
    ConfusionMatrix cm = r.test();
    out()
        .printf(
            Locale.ROOT,
            "test split, full label resolution (%,d pixels), weights of step %d (validation mIoU"
                + " %.4f):%n",
            cm.total(),
            r.bestStep(),
            r.bestValidationMiou());
    for (int k = 0; k < cm.classes(); k++) {
      out().printf(Locale.ROOT, "  %-22s IoU %.4f%n", MetalDam.CLASS_NAMES[k], cm.iou(k));
    }
    out()
        .printf(
            Locale.ROOT,
            "  mIoU %.4f  pixel accuracy %.4f  (%.0f s)%n",
            cm.meanIou(),
            cm.pixelAccuracy(),
            r.seconds());

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "eval segmentation");
    json.put("augment", augment);
    json.put("synthetic_pairs", synthetic.size());
    json.put("synthetic_per_batch", r.syntheticPerBatch());
    json.putAll(recipe.toMap());
    json.put("network", network.toArguments());
    json.put("parameters", r.parameters());
    json.put("best_step", r.bestStep());
    json.put("validation_miou", Math.round(r.bestValidationMiou() * 10000) / 10000.0);
    json.put("validation", r.validation());
    json.put("final_loss", Math.round(tail(r.losses()) * 10000) / 10000.0);
    json.put("test", cm.toMap(Arrays.asList(MetalDam.CLASS_NAMES)));
    json.put("seconds", Math.round(r.seconds()));
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }

  /** Mean loss of the last 50 steps (fewer when the run is shorter). */
  private static double tail(double[] losses) {
    int from = Math.max(0, losses.length - 50);
    return Arrays.stream(losses, from, losses.length).average().orElse(Double.NaN);
  }

  /** The pairs of an augmentation set, decoded from their PNG columns, in sample_id order. */
  static List<Pair> readAugmentation(SparkSession session, String uri, boolean qcOnly, int size)
      throws IOException {
    Dataset<Row> set = session.read().parquet(uri);
    if (qcOnly) {
      set = set.filter("qc_pass");
    }
    List<Row> rows =
        set.select("sample_id", "image_png", "mask_png", "width", "height")
            .orderBy("sample_id")
            .collectAsList();
    List<Pair> pairs = new ArrayList<>();
    for (Row row : rows) {
      int w = row.getInt(3);
      int h = row.getInt(4);
      if (w != size || h != size) {
        throw new ConfigurationException(
            "generated pair "
                + row.getLong(0)
                + " is "
                + w
                + "x"
                + h
                + ", but --size is "
                + size
                + ": train at the set's size");
      }
      int[] grey = band0((byte[]) row.get(1), size);
      int[] mask = band0((byte[]) row.get(2), size);
      float[] g = new float[size * size];
      byte[] labels = new byte[size * size];
      for (int i = 0; i < g.length; i++) {
        g[i] = grey[i] / 255f;
        if (mask[i] < 0 || mask[i] >= MetalDam.CLASSES) {
          throw new IOException("generated pair " + row.getLong(0) + ": mask value " + mask[i]);
        }
        labels[i] = (byte) mask[i];
      }
      pairs.add(new Pair(size, g, labels));
    }
    return pairs;
  }

  private static int[] band0(byte[] png, int size) throws IOException {
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
    if (img == null || img.getWidth() != size || img.getHeight() != size) {
      throw new IOException("unreadable PNG or not " + size + "x" + size);
    }
    Raster r = img.getRaster();
    return r.getSamples(0, 0, size, size, 0, new int[size * size]);
  }
}
