package com.synthscope.udfs.bench;

/**
 * One row of the benchmark table.
 *
 * @param stage what ran, e.g. {@code dnf}, {@code decode}, {@code matmul 2048}
 * @param unit what {@link #rate()} counts, e.g. {@code images/s}
 * @param batch items per model call; 0 where batches do not apply
 * @param threads concurrent threads (Spark tasks for the audit)
 * @param intraOp PyTorch intra-op threads of each; 0 where no model runs
 * @param items items done in the timed part
 * @param seconds wall-clock seconds of the timed part
 * @param gflopPerItem model FLOPs per item in GFLOP (counted by {@link FlopCounter}); NaN where not
 *     counted
 */
public record Measurement(
    String stage,
    String unit,
    int batch,
    int threads,
    int intraOp,
    long items,
    double seconds,
    double gflopPerItem) {

  public Measurement {
    if (items < 0 || !(seconds > 0)) {
      throw new IllegalArgumentException(stage + ": " + items + " items in " + seconds + " s");
    }
  }

  public static Measurement of(
      String stage,
      String unit,
      int batch,
      int intraOp,
      Throughput.Plan plan,
      Throughput.Result result,
      double gflopPerItem) {
    return new Measurement(
        stage,
        unit,
        batch,
        plan.threads(),
        intraOp,
        result.items(),
        result.seconds(),
        gflopPerItem);
  }

  /** Items per second. */
  public double rate() {
    return items / seconds;
  }

  /** Achieved GFLOP/s; NaN where FLOPs are not counted. */
  public double gflops() {
    return rate() * gflopPerItem;
  }

  /** {@code threads x intraOp}, e.g. {@code 2x1}. */
  public String threading() {
    return threads + "x" + intraOp;
  }
}
