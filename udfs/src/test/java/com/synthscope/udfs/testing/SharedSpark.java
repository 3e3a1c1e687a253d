package com.synthscope.udfs.testing;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * One local SparkSession per test JVM: bound to 127.0.0.1, no UI, few shuffle partitions. Tests
 * share it (starting Spark costs seconds) and never stop it; the JVM's shutdown stops it.
 */
public final class SharedSpark {

  private static SparkSession session;

  private SharedSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      SparkSession.Builder builder =
          SparkSession.builder()
              .appName("synthscope-tests")
              .master("local[2]")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.default.parallelism", "2")
              .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
              .config(
                  "spark.sql.warehouse.dir",
                  Path.of("target", "spark-warehouse").toAbsolutePath().toString());
      // SynthScope's SQL functions, as a user enables them (static: only at session creation)
      String extensions = "com.synthscope.udfs.spark.sql.SynthScopeExtensions";
      if (onClasspath(DELTA_EXTENSION)) {
        // the job module's audit-scores table is a Delta table: its static session settings, where
        // Delta is present
        extensions += "," + DELTA_EXTENSION;
        builder
            .config(
                "spark.sql.catalog.spark_catalog",
                "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            // Delta rebuilds a table's state in 50 partitions by default: 50 tasks per read of a
            // tiny test table
            .config("spark.databricks.delta.snapshotPartitions", "2");
      }
      session = builder.config("spark.sql.extensions", extensions).getOrCreate();
    }
    return session;
  }

  private static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";

  private static boolean onClasspath(String className) {
    try {
      Class.forName(className, false, SharedSpark.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** The CIFAKE Parquet folder of ../shared. */
  public static Path cifake() {
    String shared = System.getProperty("synthscope.shared", "../shared");
    return Path.of(shared, "datasets", "cifake", "parquet").toAbsolutePath().normalize();
  }

  /** The MetalDAM folder of ../shared, as the build passes it ({@code synthscope.shared}). */
  public static Path metalDam() {
    String shared = System.getProperty("synthscope.shared", "../shared");
    return Path.of(shared, "datasets", "metaldam").toAbsolutePath().normalize();
  }
}
