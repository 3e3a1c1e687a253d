package com.synthscope.udfs.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.synthscope.udfs.nets.UNet;
import com.synthscope.udfs.nets.UNetConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Soak, not a test: one PF-DiffSeg-shaped UNet's forward and backward pass on the same inputs with
 * the same weights, over and over. Every pass must give the same loss and the same gradients, bit
 * for bit; on the AMD Zen 5 virtual machines of README's "Known problems" some passes gave NaN or
 * other gradients at random, which is how training tests failed there. It prints the passes, how
 * many distinct gradient norms they gave and how many were NaN.
 *
 * <p>Usage: {@code GradientRepeatabilitySoak <seconds> [size]}; run it with and without the
 * environment settings under test (command in README, "Known problems").
 */
public final class GradientRepeatabilitySoak {

  private static final int BATCH = 8;

  private GradientRepeatabilitySoak() {}

  public static void main(String[] args) {
    long seconds = Long.parseLong(args[0]);
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    Engine engine = Engine.getEngine("PyTorch");
    engine.setRandomSeed(7);
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      UNet net = new UNet(new UNetConfig(6, 32, List.of(1, 2, 2), 1, 5));
      net.initialize(m, DataType.FLOAT32, net.inputShapes(BATCH, size));
      Shape imageShape = new Shape(BATCH, 6, size, size);
      float[] x = m.randomNormal(imageShape).toFloatArray();
      float[] condition = m.randomUniform(0, 1, new Shape(BATCH, 5)).toFloatArray();
      float[] t = {5, 50, 100, 200, 400, 600, 800, 999};

      Map<Integer, Integer> norms = new TreeMap<>();
      Map<Float, Integer> losses = new HashMap<>();
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      int passes = 0;
      while (System.nanoTime() < end) {
        try (NDManager pass = m.newSubManager()) {
          NDArray image = pass.create(x, imageShape);
          NDList inputs =
              new NDList(
                  image,
                  pass.create(t),
                  pass.create(condition, new Shape(BATCH, 5)),
                  pass.ones(new Shape(BATCH)));
          try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray out = net.forward(new ParameterStore(pass, false), inputs, true).head();
            NDArray loss = out.sub(image).square().mean();
            gc.backward(loss);
            losses.merge(loss.getFloat(), 1, Integer::sum);
          }
          norms.merge(
              Float.floatToIntBits(gradientNormAndZero(net.getParameters())), 1, Integer::sum);
        }
        passes++;
      }
      System.out.printf(
          "passes %d, distinct losses %d, distinct gradient norms %d, NaN gradient norms %d; passes"
              + " per norm %s%n",
          passes,
          losses.size(),
          norms.size(),
          norms.getOrDefault(Float.floatToIntBits(Float.NaN), 0),
          perNorm(norms));
    }
  }

  private static String perNorm(Map<Integer, Integer> norms) {
    return norms.entrySet().stream()
        .limit(8)
        .map(e -> Float.intBitsToFloat(e.getKey()) + "=" + e.getValue())
        .collect(Collectors.joining(" "));
  }

  /**
   * The squared norm of all gradients, then each gradient set to zero natively: DJL's {@code
   * zeroGradients()} subtracts a gradient from itself, which keeps a NaN once there.
   */
  private static float gradientNormAndZero(Iterable<Pair<String, Parameter>> parameters) {
    double sum = 0;
    for (Pair<String, Parameter> p : parameters) {
      NDArray weight = p.getValue().getArray();
      for (float g : weight.getGradient().toFloatArray()) {
        sum += (double) g * g;
      }
      JniUtils.zeroGrad((PtNDArray) weight);
    }
    return (float) sum;
  }
}
