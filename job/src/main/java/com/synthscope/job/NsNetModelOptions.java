package com.synthscope.job;

import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.model.EmbeddedModels;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelRef;
import picocli.CommandLine.Option;

/** Model options of the NS-Net detector: encoder and head artifacts, the embedded ones by default. */
final class NsNetModelOptions {

  @Option(names = "--encoder", paramLabel = "URI", description = "NS-Net encoder artifact (contract image [3,224,224] -> [d]; TorchScript, ONNX or djl-params); default: the embedded one (not CLIP).")
  String encoder;

  @Option(names = "--encoder-format", defaultValue = "djl-params", paramLabel = "FORMAT", description = "Format of --encoder: torchscript, onnx or djl-params (default: ${DEFAULT-VALUE}).")
  String encoderFormat;

  @Option(names = "--head", paramLabel = "URI", description = "NS-Net head artifact; default: the embedded one.")
  String head;

  ModelRef encoderRef() {
    return encoder == null ? EmbeddedModels.nsnetEncoder() : ModelOptions.ref("--encoder", encoder,
        ModelOptions.format("--encoder-format", encoderFormat));
  }

  NsNetDetector detector(int batch) {
    return new NsNetDetector(encoderRef(), head == null ? EmbeddedModels.nsnetHead()
        : ModelOptions.ref("--head", head, ModelFormat.DJL_PARAMS), batch);
  }
}
