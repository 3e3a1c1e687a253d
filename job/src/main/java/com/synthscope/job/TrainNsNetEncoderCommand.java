package com.synthscope.job;

import com.synthscope.udfs.model.EmbeddedModels;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.train.NsNetEncoderExport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code synthscope train nsnet-encoder}: NS-Net's micrograph encoder, derived from a trained DNF backbone. */
@Command(name = "nsnet-encoder", mixinStandardHelpOptions = true,
    description = {"Write NS-Net's micrograph encoder artifact: the downsampling path of a trained DNF diffusion",
        "backbone (no pretrained CLIP can be had offline). No training of its own: the backbone's weights, unchanged,",
        "with the encoder contract image [3,224,224] (CLIP mean/std) -> features [d]. It is not CLIP."})
public final class TrainNsNetEncoderCommand extends CommandBase {

  @Option(names = "--backbone", paramLabel = "URI", description = "DNF backbone artifact (djl-params); default: the embedded one.")
  String backbone;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Artifact folder to write (replaced).")
  Path out;

  @Override
  protected int execute() throws Exception {
    ModelRef ref = backbone == null ? EmbeddedModels.dnfBackbone()
        : ModelOptions.ref("--backbone", backbone, ModelFormat.DJL_PARAMS);
    FetchedModel b = ModelPreflight.check(ref, new Configuration(), null);
    Path artifact;
    try {
      artifact = NsNetEncoderExport.fromBackbone(b, out);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--backbone: " + e.getMessage(), e);
    }
    FetchedModel written = ModelPreflight.check(ModelRef.of(artifact.toUri(), null, ModelFormat.DJL_PARAMS),
        new Configuration(), null);
    out().println("model artifact: " + artifact + " (" + written.modelId() + ")");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "train nsnet-encoder");
    json.put("artifact", artifact.toString());
    json.put("model", written.modelId());
    json.put("backbone", b.modelId());
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }
}
