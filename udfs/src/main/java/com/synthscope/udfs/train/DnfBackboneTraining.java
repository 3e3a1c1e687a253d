package com.synthscope.udfs.train;

import com.synthscope.udfs.detect.dnf.DnfFeature;
import com.synthscope.udfs.nets.UNet;
import com.synthscope.udfs.nets.UNetConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The diffusion backbone of the DNF detector (METHODS.md sections 1 and 4): an unconditional,
 * image-only noise predictor trained on real MetalDAM crops (grey) or on real small photographs
 * (RGB, whole images: CIFAKE's real training images), exported as a {@code dnf-backbone} artifact
 * with the DNF export contract {@code (x [C, S, S] in [-1, 1], t []) -> eps [C, S, S]}.
 */
public final class DnfBackboneTraining {

  public static final String KIND = DnfFeature.BACKBONE_KIND;

  private DnfBackboneTraining() {}

  public static UNetConfig network(int baseChannels) {
    return network(1, baseChannels);
  }

  public static UNetConfig network(int channels, int baseChannels) {
    return new UNetConfig(channels, baseChannels, List.of(1, 2, 2), 1, 0);
  }

  /**
   * The photo backbone: trains on whole RGB images already resized to {@code recipe.size()} and
   * scaled to [-1, 1].
   *
   * @param dataInfo what the manifest records about the images
   */
  public static Path runPhotos(
      List<float[]> images,
      DiffusionRecipe recipe,
      UNetConfig config,
      Path out,
      boolean resume,
      Map<String, Object> dataInfo,
      PrintStream progress)
      throws IOException {
    if (config.channels() != 3) {
      throw new IllegalArgumentException(
          "the photo backbone is RGB: 3 channels, got " + config.channels());
    }
    progress.printf("%d real photographs at %d px, RGB%n", images.size(), recipe.size());
    DiffusionTrainer.Summary summary =
        new DiffusionTrainer(
                recipe, new UNet(config), new PhotoBatches(images, recipe.size()), out, progress)
            .run(resume);
    Path dir = out.resolve("model");
    DiffusionExport.fresh(dir);
    Map<String, Object> pre = new LinkedHashMap<>();
    pre.put("size", recipe.size());
    pre.put("channels", 3);
    pre.put("resize", "whole image, bicubic");
    pre.put("range", "signed-unit");
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("final_loss_ema", summary.finalLoss());
    metrics.put("train_seconds", Math.round(summary.seconds()));
    metrics.put("parameters", summary.parameters());
    DiffusionExport.write(
        dir,
        KIND,
        "dnf-backbone-photos-" + recipe.size() + "px",
        config,
        recipe,
        summary.checkpoint(),
        List.of(),
        pre,
        dataInfo,
        metrics);
    return dir;
  }

  public static Path run(
      Path data,
      Split split,
      DiffusionRecipe recipe,
      UNetConfig config,
      Path out,
      boolean resume,
      PrintStream progress)
      throws IOException {
    List<LabelledMicrograph> images = MetalDam.loadDownscaled(data, split, recipe.scale());
    progress.printf(
        "loaded %d %s micrographs at scale %s%n",
        images.size(), split.name().toLowerCase(), recipe.scale());
    DiffusionTrainer.Summary summary =
        new DiffusionTrainer(
                recipe, new UNet(config), new GreyCropBatches(images, recipe.size()), out, progress)
            .run(resume);
    Path dir = out.resolve("model");
    DiffusionExport.fresh(dir);
    Map<String, Object> pre = new LinkedHashMap<>();
    pre.put("size", recipe.size());
    pre.put("scale", recipe.scale());
    pre.put("channels", 1);
    pre.put("range", "signed-unit");
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("final_loss_ema", summary.finalLoss());
    metrics.put("train_seconds", Math.round(summary.seconds()));
    metrics.put("parameters", summary.parameters());
    DiffusionExport.write(
        dir,
        KIND,
        "dnf-backbone-metaldam-" + recipe.size() + "px",
        config,
        recipe,
        summary.checkpoint(),
        List.of(),
        pre,
        Map.of(
            "data",
            "MetalDAM " + split.name().toLowerCase() + " split (DATA.md), real images only"),
        metrics);
    return dir;
  }
}
