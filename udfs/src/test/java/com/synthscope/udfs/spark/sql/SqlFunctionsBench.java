package com.synthscope.udfs.spark.sql;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Measures the SQL functions batched (the default: one model call per batch of {@code spark.synthscope.batch}
 * images per partition) against row at a time ({@code spark.synthscope.sql.batched=false}: one model call per
 * row), on a folder of images, after one warm-up run each (models loaded, JIT warm). Arguments: FOLDER [MASTER]
 * [REPEATS]. Prints one line per mode; docs/bench.md has the figures and the command.
 */
public final class SqlFunctionsBench {

  private SqlFunctionsBench() {}

  public static void main(String[] args) {
    String folder = args[0];
    String master = args.length > 1 ? args[1] : "local[2]";
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    SparkSession spark = SparkSession.builder().master(master).appName("sql-functions-bench")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.extensions", SynthScopeExtensions.class.getName()).getOrCreate();
    String query = "SELECT path, synthscope_score(content) AS score FROM binaryFile.`" + folder + "`";
    long images = spark.read().format("binaryFile").load(folder).count();
    System.out.printf(Locale.ROOT, "%d images in %s, master %s, batch %s%n", images, folder, master,
        spark.conf().get(ImageFunctionSettings.BATCH, "8"));
    for (String batched : List.of("true", "false")) {
      spark.conf().set(ImageFunctionSettings.BATCHED, batched);
      double best = Double.MAX_VALUE;
      double sum = 0;
      for (int r = 0; r <= repeats; r++) {
        long t0 = System.nanoTime();
        List<Row> rows = spark.sql(query).collectAsList();
        double s = (System.nanoTime() - t0) / 1e9;
        if (rows.size() != images) {
          throw new IllegalStateException(rows.size() + " rows for " + images + " images");
        }
        if (r > 0) { // the first run loads the models
          best = Math.min(best, s);
          sum += s;
        }
      }
      System.out.printf(Locale.ROOT, "%-14s best %7.2f s  mean %7.2f s  %6.2f images/s (best)%n",
          batched.equals("true") ? "batched" : "row-at-a-time", best, sum / repeats, images / best);
    }
    spark.stop();
  }
}
