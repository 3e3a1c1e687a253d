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
 * The diffusion backbone of the DNF detector for micrographs (METHODS.md section 1): an unconditional, image-only
 * noise predictor trained on real MetalDAM crops, exported as a {@code dnf-backbone} artifact with the DNF export
 * contract {@code (x [1, S, S] in [-1, 1], t []) -> eps [1, S, S]}.
 */
public final class DnfBackboneTraining {

  public static final String KIND = DnfFeature.BACKBONE_KIND;

  private DnfBackboneTraining() {}

  public static UNetConfig network(int baseChannels) {
    return new UNetConfig(1, baseChannels, List.of(1, 2, 2), 1, 0);
  }

  public static Path run(Path data, Split split, DiffusionRecipe recipe, UNetConfig config, Path out, boolean resume,
      PrintStream progress) throws IOException {
    List<LabelledMicrograph> images = MetalDam.loadDownscaled(data, split, recipe.scale());
    progress.printf("loaded %d %s micrographs at scale %s%n", images.size(), split.name().toLowerCase(),
        recipe.scale());
    DiffusionTrainer.Summary summary = new DiffusionTrainer(recipe, new UNet(config),
        new GreyCropBatches(images, recipe.size()), out, progress).run(resume);
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
    DiffusionExport.write(dir, KIND, "dnf-backbone-metaldam-" + recipe.size() + "px", config, recipe,
        summary.checkpoint(), List.of(), pre,
        Map.of("data", "MetalDAM " + split.name().toLowerCase() + " split (DATA.md), real images only"), metrics);
    return dir;
  }
}
