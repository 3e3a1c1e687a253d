package com.synthscope.udfs.model;

import java.util.List;
import java.util.Objects;

/**
 * One input or output of a model, per sample: the batch dimension is implicit and comes first.
 *
 * @param name the tensor's name in the exported graph (informative for TorchScript)
 * @param shape sizes per sample; -1 for a free dimension
 * @param dtype {@code float32} (default) or {@code int64}
 */
public record TensorSpec(String name, List<Long> shape, String dtype) {

  public TensorSpec {
    Objects.requireNonNull(name, "name");
    shape = List.copyOf(Objects.requireNonNull(shape, "shape"));
    dtype = dtype == null ? "float32" : dtype;
    if (!dtype.equals("float32") && !dtype.equals("int64")) {
      throw new IllegalArgumentException(
          "tensor " + name + ": dtype must be float32 or int64, got " + dtype);
    }
  }

  /** The per-sample shape with free dimensions set to 1, for a dry run. */
  public long[] sampleShapeForDryRun() {
    return shape.stream().mapToLong(d -> d < 0 ? 1 : d).toArray();
  }

  /** Whether an actual per-sample shape satisfies this spec. */
  public boolean accepts(long[] sampleShape) {
    if (sampleShape.length != shape.size()) {
      return false;
    }
    for (int i = 0; i < sampleShape.length; i++) {
      long want = shape.get(i);
      if (want >= 0 && want != sampleShape[i]) {
        return false;
      }
    }
    return true;
  }
}
