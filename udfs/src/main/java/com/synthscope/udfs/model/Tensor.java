package com.synthscope.udfs.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float tensor in plain Java memory: what goes into and comes out of a model batch.
 *
 * <p>Keeping model inputs and outputs as plain arrays means no native memory escapes a batch: DJL
 * arrays are made and freed inside one prediction.
 */
public record Tensor(long[] shape, float[] data) {

  public Tensor {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(data, "data");
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
    }
  }

  public static Tensor of(float[] data, long... shape) {
    return new Tensor(shape, data);
  }

  /** Size of the first (batch) dimension. */
  public int batchSize() {
    return shape.length == 0 ? 1 : (int) shape[0];
  }

  /** Shape without the batch dimension. */
  public long[] sampleShape() {
    return Arrays.copyOfRange(shape, 1, shape.length);
  }

  /** The values of sample {@code i} of the batch. */
  public float[] sample(int i) {
    int per = data.length / batchSize();
    return Arrays.copyOfRange(data, i * per, (i + 1) * per);
  }

  /** Stacks equally shaped samples into one batch tensor. */
  public static Tensor stack(java.util.List<float[]> samples, long... sampleShape) {
    long per = 1;
    for (long d : sampleShape) {
      per *= d;
    }
    float[] all = new float[Math.multiplyExact(samples.size(), (int) per)];
    for (int i = 0; i < samples.size(); i++) {
      float[] s = samples.get(i);
      if (s.length != per) {
        throw new IllegalArgumentException(
            "sample " + i + " has " + s.length + " values, expected " + per);
      }
      System.arraycopy(s, 0, all, (int) (i * per), (int) per);
    }
    long[] shape = new long[sampleShape.length + 1];
    shape[0] = samples.size();
    System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
    return new Tensor(shape, all);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
