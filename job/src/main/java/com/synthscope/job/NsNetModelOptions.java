package com.synthscope.job;

import com.synthscope.udfs.detect.DetectorRegistry;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.model.ModelRef;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Model options of the NS-Net detector: encoder and head artifacts, the embedded ones by default. The same settings
 * as {@code audit --model nsnet.ROLE=URI}, built by the detector registry.
 */
final class NsNetModelOptions {

  @Option(names = "--encoder", paramLabel = "URI", description = "NS-Net encoder artifact (contract image [3,224,224] -> [d]; TorchScript, ONNX or djl-params); default: the embedded one (of --domain where the command has it) (not CLIP).")
  String encoder;

  @Option(names = "--encoder-format", paramLabel = "FORMAT", description = "Format of --encoder: torchscript, onnx or djl-params (default: djl-params).")
  String encoderFormat;

  @Option(names = "--head", paramLabel = "URI", description = "NS-Net head artifact; default: the embedded one.")
  String head;

  /** As {@code --model nsnet.ROLE=URI} settings. */
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

  ModelRef encoderRef() {
    try {
      return DetectorRegistry.builtin().ref("nsnet", "encoder", settings());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }

  ImageDetector detector(int batch) {
    return detector(DetectorRegistry.builtin(), batch);
  }

  /** The detector over these settings, the family's embedded models for roles not given. */
  ImageDetector detector(DetectorRegistry registry, int batch) {
    try {
      return registry.create("nsnet", settings(), batch);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }
}
