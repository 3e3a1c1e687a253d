package com.synthscope.udfs.spark.sql;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Measures the SQL functions batched (the default: one model call per batch of {@code
 * spark.synthscope.batch} images per partition) against row at a time ({@code
 * spark.synthscope.sql.batched=false}: one model call per row), on a folder of images, after one
 * warm-up run each (models loaded, JIT warm). Arguments: FOLDER [MASTER] [REPEATS]. Prints one line
 * per mode; docs/bench.md has the figures and the command.
 */
public final class SqlFunctionsBench {

  private SqlFunctionsBench() {}

  public static void main(String[] args) {
    String folder = args[0];
    String master = args.length > 1 ? args[1] : "local[2]";
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    SparkSession spark =
        SparkSession.builder()
            .master(master)
            .appName("sql-functions-bench")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.extensions", SynthScopeExtensions.class.getName())
            .getOrCreate();
    String query =
        "SELECT path, synthscope_score(content) AS score FROM binaryFile.`" + folder + "`";
    long images = spark.read().format("binaryFile").load(folder).count();
    int partitions = spark.read().format("binaryFile").load(folder).rdd().getNumPartitions();
    System.out.printf(
        Locale.ROOT,
        "%d images in %s (%d partitions), master %s%n",
        images,
        folder,
        partitions,
        master);
    // modes: batched at batch 8 (the default), batched at batch 1 (the operator without batching),
    // row at a time
    String[][] modes = {{"true", "8"}, {"true", "1"}, {"false", "8"}};
    double[][] seconds = new double[modes.length][repeats];
    for (int r = -1;
        r < repeats;
        r++) { // interleaved, so a change of load hits every mode alike; r = -1 warms up
      for (int m = 0; m < modes.length; m++) {
        spark.conf().set(ImageFunctionSettings.BATCHED, modes[m][0]);
        spark.conf().set(ImageFunctionSettings.BATCH, modes[m][1]);
        long t0 = System.nanoTime();
        List<Row> rows = spark.sql(query).collectAsList();
        double s = (System.nanoTime() - t0) / 1e9;
        if (rows.size() != images) {
          throw new IllegalStateException(rows.size() + " rows for " + images + " images");
        }
        if (r >= 0) {
          seconds[m][r] = s;
        }
      }
    }
    for (int m = 0; m < modes.length; m++) {
      double[] s = seconds[m].clone();
      java.util.Arrays.sort(s);
      double median = s[s.length / 2];
      System.out.printf(
          Locale.ROOT,
          "%-26s median %6.2f s  min %6.2f s  max %6.2f s  %6.2f images/s (median)%n",
          modes[m][0].equals("true") ? "batched, batch " + modes[m][1] : "row at a time",
          median,
          s[0],
          s[s.length - 1],
          images / median);
    }
    spark.stop();
  }
}
