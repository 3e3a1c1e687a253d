package com.synthscope.job.audit;

import com.synthscope.udfs.bench.DetectorBench;
import com.synthscope.udfs.bench.MachineInfo;
import com.synthscope.udfs.bench.TimeSplit;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.spark.IngestOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The audit job ({@link Audit}) as the benchmark runs it: every image scored ({@code --full} into a
 * fresh output), no thumbnails, and the input split into one partition per task slot, each a
 * contiguous share of the files as the bare loop's threads get ({@code
 * spark.sql.files.maxPartitionBytes} set for the run, then put back).
 */
public final class SparkAuditBench {

  /**
   * What a run measured: the scan stage's wall clock and task times, and the whole job's seconds.
   */
  public record Run(TimeSplit scan, double jobSeconds) {}

  private static final String MAX_PARTITION_BYTES = "spark.sql.files.maxPartitionBytes";
  private static final String MIN_PARTITION_NUM = "spark.sql.files.minPartitionNum";

  private SparkAuditBench() {}

  /**
   * @param files how many image files {@code input} holds (top level)
   * @param largestFile bytes of the largest
   */
  public static Run run(
      SparkSession session,
      Path input,
      int files,
      long largestFile,
      List<ImageDetector> detectors,
      int batch,
      int threads,
      Path output)
      throws IOException {
    long openCost = session.sessionState().conf().filesOpenCostInBytes();
    long perPartition = (files + threads - 1) / threads;
    Map<String, scala.Option<String>> before = new LinkedHashMap<>();
    for (String key : List.of(MAX_PARTITION_BYTES, MIN_PARTITION_NUM)) {
      before.put(key, session.conf().getOption(key));
    }
    // Spark packs files into partitions of at most maxPartitionBytes, counting each file as its
    // length plus the
    // open cost; with minPartitionNum 1 the cap is exactly this, so every partition holds
    // perPartition files.
    session
        .conf()
        .set(MAX_PARTITION_BYTES, String.valueOf(perPartition * (openCost + largestFile)));
    session.conf().set(MIN_PARTITION_NUM, "1");
    try {
      Audit.Settings settings =
          new Audit.Settings(
              new IngestOptions(input.toString(), null, false, DecodeLimits.defaults()),
              output.toString(),
              detectors,
              0.5,
              true,
              "bench",
              batch,
              0,
              null,
              AuditTable.Format
                  .PARQUET); // the scan's cost is measured here, not the table format's
      long cpu0 = MachineInfo.processCpuNanos();
      Audit.Result r = new Audit(settings, new PrintWriter(Writer.nullWriter())).run(session);
      double cpu = (MachineInfo.processCpuNanos() - cpu0) / 1e9;
      List<AuditReport.Stage> stages =
          r.summary().stages(); // scan, read + sha256, decode, each detector, ...
      Map<String, Double> parts = new LinkedHashMap<>();
      parts.put(DetectorBench.READ, stages.get(1).seconds());
      parts.put(DetectorBench.DECODE, stages.get(2).seconds());
      for (int k = 0; k < detectors.size(); k++) {
        parts.put(detectors.get(k).name(), stages.get(3 + k).seconds());
      }
      AuditReport.Stage scan = stages.get(0);
      return new Run(
          new TimeSplit(scan.images(), threads, scan.seconds(), parts, cpu), r.summary().seconds());
    } finally {
      before.forEach(
          (key, value) -> {
            if (value.isDefined()) {
              session.conf().set(key, value.get());
            } else {
              session.conf().unset(key);
            }
          });
    }
  }
}
