package com.synthscope.udfs.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The machine's reference: an n x n float32 matrix product in DJL's PyTorch engine, 2 n^3 FLOPs
 * each.
 */
public final class MatMulBench {

  private MatMulBench() {}

  /** GFLOP of one n x n product. */
  public static double gflop(int n) {
    return 2.0 * n * n * n / 1e9;
  }

  /** Products per second on the plan's threads, each thread multiplying its own matrices. */
  public static Throughput.Result measure(int n, Throughput.Plan plan, int restoreIntraOp) {
    return Throughput.measure(
        plan,
        thread -> {
          NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
          NDArray a = manager.randomUniform(-1, 1, new Shape(n, n));
          NDArray b = manager.randomUniform(-1, 1, new Shape(n, n));
          return new Throughput.Work() {
            @Override
            public int run() {
              try (NDArray c = a.matMul(b)) {
                c.getFloat(0, 0); // the product is complete once a value is read
              }
              return 1;
            }

            @Override
            public void close() {
              manager.close();
            }
          };
        },
        restoreIntraOp);
  }
}
