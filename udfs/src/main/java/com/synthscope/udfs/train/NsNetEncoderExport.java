package com.synthscope.udfs.train;

import com.synthscope.udfs.detect.dnf.DnfFeature;
import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.model.ArtifactWriter;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.TensorSpec;
import com.synthscope.udfs.nets.UNet;
import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.nets.UNetFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NS-Net's micrograph encoder: no pretrained CLIP can be had offline, so the frozen encoder is the
 * downsampling path of this project's DNF diffusion backbone (trained on real MetalDAM crops), in
 * {@link UNet.Role#ENCODER}: same weights file, contract {@code image [3, 224, 224] (CLIP mean/std)
 * -> [d]}. It is not CLIP: it knows micrograph texture, nothing of natural images or captions.
 */
public final class NsNetEncoderExport {

  private NsNetEncoderExport() {}

  /**
   * Writes the encoder artifact into a fresh {@code dir} from a verified backbone artifact (fetched
   * by a reference of kind {@value DnfFeature#BACKBONE_KIND}, so its kind is checked).
   */
  public static Path fromBackbone(FetchedModel backbone, Path dir) throws IOException {
    DiffusionExport.fresh(dir);
    String entry = backbone.manifest().entry();
    Files.copy(backbone.folder().resolve(entry), dir.resolve(entry));
    UNetConfig config = UNetConfig.fromArguments(backbone.manifest().arguments());
    Map<String, Object> arguments = new LinkedHashMap<>(backbone.manifest().arguments());
    arguments.put("role", "encoder");
    int d = new UNet(config, UNet.Role.ENCODER).encoderDimension();
    Map<String, Object> pre = new LinkedHashMap<>();
    pre.put("size", 224);
    pre.put("channels", 3);
    pre.put("normalisation", "clip");
    Map<String, Object> recipe = new LinkedHashMap<>();
    recipe.put("derived_from", backbone.modelId());
    recipe.put(
        "how",
        "the DNF backbone's weights, unchanged; features = per-channel mean and std of the outputs of"
            + " the downsampling levels above the lowest, at t = 0, on the grey canvas. Not CLIP.");
    ArtifactWriter.write(
        dir,
        "nsnet-encoder-from-" + backbone.manifest().id(),
        "1",
        NsNetDetector.ENCODER_KIND,
        ModelFormat.DJL_PARAMS,
        entry,
        UNetFactory.class.getName(),
        arguments,
        List.of(new TensorSpec("image", List.of(3L, 224L, 224L), "float32")),
        List.of(new TensorSpec("features", List.of((long) d), "float32")),
        pre,
        recipe,
        Map.of("dimension", d));
    return dir;
  }
}
