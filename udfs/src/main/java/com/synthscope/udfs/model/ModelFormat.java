package com.synthscope.udfs.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How a model's weights are stored, and which engine can run them. */
public enum ModelFormat {
  /**
   * DJL Block-API parameters ({@code prefix-0000.params}); the network is built in Java by a
   * BlockFactory.
   */
  DJL_PARAMS("djl-params", ModelEngine.PYTORCH),
  /** A TorchScript module ({@code .pt}): executable code, loaded only from configured locations. */
  TORCHSCRIPT("torchscript", ModelEngine.PYTORCH),
  /** An ONNX graph ({@code .onnx}) run by ONNX Runtime. */
  ONNX("onnx", ModelEngine.ONNX_RUNTIME);

  private final String id;
  private final ModelEngine engine;

  ModelFormat(String id, ModelEngine engine) {
    this.id = id;
    this.engine = engine;
  }

  public String id() {
    return id;
  }

  /** The only engine this format runs on. */
  public ModelEngine engine() {
    return engine;
  }

  public static ModelFormat parse(String id) {
    for (ModelFormat f : values()) {
      if (f.id.equalsIgnoreCase(id)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown model format '"
            + id
            + "', expected one of "
            + Arrays.stream(values()).map(ModelFormat::id).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return id;
  }
}
