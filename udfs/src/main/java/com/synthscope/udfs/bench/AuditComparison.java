package com.synthscope.udfs.bench;

/**
 * The Spark audit against the bare loop on the same images, models, batch size and parallelism.
 *
 * @param spark the audit's scan stage (list, read, hash, decode, score, Parquet write): wall clock
 *     and task times; its CPU seconds are the whole job's (preflight and report included), an upper
 *     bound on the scan's
 * @param bare {@link DetectorBench#bareLoop}
 * @param jobSeconds the whole audit job (preflight, scan, summaries, report)
 */
public record AuditComparison(
    int batch, int threads, TimeSplit spark, TimeSplit bare, double jobSeconds) {

  /** Spark's images/s over the bare loop's. */
  public double ratio() {
    return spark.imagesPerSecond() / bare.imagesPerSecond();
  }

  /**
   * The bare loop's process CPU per image over the audit job's: less sensitive than {@link
   * #ratio()} to other work on the machine; below 1 by what Spark and the job's other stages cost
   * in CPU.
   */
  public double cpuRatio() {
    return bare.cpuMsPerImage() / spark.cpuMsPerImage();
  }
}
