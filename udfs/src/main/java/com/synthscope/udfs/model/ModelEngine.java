package com.synthscope.udfs.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The DJL engines a model artifact may name. */
public enum ModelEngine {
  PYTORCH("PyTorch"),
  ONNX_RUNTIME("OnnxRuntime");

  private final String djlName;

  ModelEngine(String djlName) {
    this.djlName = djlName;
  }

  /** The name DJL's {@code Engine.getEngine} knows this engine by. */
  public String djlName() {
    return djlName;
  }

  public static ModelEngine parse(String name) {
    for (ModelEngine e : values()) {
      if (e.djlName.equalsIgnoreCase(name) || e.name().equalsIgnoreCase(name)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "unknown engine '"
            + name
            + "', expected one of "
            + Arrays.stream(values()).map(ModelEngine::djlName).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return djlName;
  }
}
