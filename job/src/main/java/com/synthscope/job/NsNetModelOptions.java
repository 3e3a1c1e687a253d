package com.synthscope.job;

import com.synthscope.udfs.model.ModelRef;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Model options of the NS-Net detector: encoder and head artifacts, the embedded ones by default.
 * The same settings as {@code audit --model nsnet.ROLE=URI}, built by the detector registry.
 */
public final class NsNetModelOptions extends DetectorModelOptions {

  @Override
  String detector() {
    return "nsnet";
  }

  @Option(
      names = "--encoder",
      paramLabel = "URI",
      description =
          "NS-Net encoder artifact (contract image [3,224,224] -> [d]; TorchScript, ONNX or djl-params); default: the embedded one (of --domain where the command has it) (not CLIP).")
  String encoder;

  @Option(
      names = "--encoder-format",
      paramLabel = "FORMAT",
      description = "Format of --encoder: torchscript, onnx or djl-params (default: djl-params).")
  String encoderFormat;

  @Option(
      names = "--head",
      paramLabel = "URI",
      description = "NS-Net head artifact; default: the embedded one.")
  String head;

  @Override
  Map<String, String> settings() {
    Map<String, String> m = new LinkedHashMap<>();
    if (encoder != null) {
      m.put("encoder", encoder);
    }
    if (encoderFormat != null) {
      m.put("encoder-format", encoderFormat);
    }
    if (head != null) {
      m.put("head", head);
    }
    return m;
  }

  public ModelRef encoderRef() {
    return ref("encoder");
  }
}
