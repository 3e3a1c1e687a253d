package com.synthscope.udfs.testing;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * One local SparkSession per test JVM: bound to 127.0.0.1, no UI, few shuffle partitions. Tests share it (starting
 * Spark costs seconds) and never stop it; the JVM's shutdown stops it.
 */
public final class SharedSpark {

  private static SparkSession session;

  private SharedSpark() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      session = SparkSession.builder()
          .appName("synthscope-tests")
          .master("local[2]")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", "2")
          .config("spark.default.parallelism", "2")
          .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
          // SynthScope's SQL functions, as a user enables them (static: only at session creation)
          .config("spark.sql.extensions", "com.synthscope.udfs.spark.sql.SynthScopeExtensions")
          .config("spark.sql.warehouse.dir", Path.of("target", "spark-warehouse").toAbsolutePath().toString())
          .getOrCreate();
    }
    return session;
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
