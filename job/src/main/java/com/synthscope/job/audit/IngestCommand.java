package com.synthscope.job.audit;

import com.synthscope.job.ArchiveInputOptions;
import com.synthscope.job.JobCommand;
import com.synthscope.job.OutputGuard;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.spark.ImageIngestion;
import com.synthscope.udfs.spark.InventoryStats;
import com.synthscope.udfs.spark.ParquetOutput;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code synthscope ingest}: files to the inventory Parquet of DESIGN.md. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Decode every file under an input URI and write the inventory Parquet (one row per file; bad"
          + " files become error rows with a reason, the job still succeeds)."
    })
public final class IngestCommand extends JobCommand {

  @Mixin ArchiveInputOptions archive;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "URI",
      description = "Where to write the inventory Parquet.")
  String output;

  @Option(
      names = "--overwrite",
      description =
          "Replace the output if it is an earlier output of ingest (default: refuse any existing output).")
  boolean overwrite;

  private DecodeLimits limits;

  @Override
  protected void validate() {
    limits = archive.limits();
  }

  @Override
  protected int run(SparkSession session) throws Exception {
    // before any work: never write over the input, replace only our own output, and be able to
    // write at all
    Configuration hadoop = session.sessionState().newHadoopConf();
    OutputGuard.refuseOverlap(hadoop, "--output", output, Map.of("--input", archive.input()));
    OutputGuard.checkReplaceable(hadoop, "--output", output, "ingest", overwrite, true);
    OutputGuard.checkWritableBeside(hadoop, "--output", output);

    long start = System.nanoTime();
    Dataset<Row> inventory = ImageIngestion.inventory(session, archive.ingestOptions(limits));
    // staged beside the output and swapped in: a failed run leaves the previous inventory as it was
    ParquetOutput.replace(inventory, output, "ingest");
    double seconds = (System.nanoTime() - start) / 1e9;

    InventoryStats stats = InventoryStats.of(session.read().parquet(output));
    out()
        .printf(
            "ingested %d files in %.1f s (%.1f images/s): %d ok, %d errors%n",
            stats.files(),
            seconds,
            stats.files() / Math.max(seconds, 1e-9),
            stats.ok(),
            stats.errors());
    stats.errorsByReason().forEach((reason, n) -> out().printf("  %-16s %d%n", reason, n));
    out().println("inventory: " + output);

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "ingest");
    json.put("output", output);
    json.put("files", stats.files());
    json.put("ok", stats.ok());
    json.put("errors", stats.errors());
    json.put("errors_by_reason", stats.errorsByReason());
    json.put("seconds", Math.round(seconds * 1000) / 1000.0);
    json.put(
        "images_per_second", Math.round(stats.files() / Math.max(seconds, 1e-9) * 100) / 100.0);
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }
}
