package com.synthscope.job;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The two session settings Delta Lake needs. They are static: they must be given when the session
 * is built (the CLI does; spark-submit users pass them with --conf, README), an existing session
 * cannot gain them.
 */
public final class DeltaSession {

  static final String EXTENSIONS = "spark.sql.extensions";
  static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  static final String CATALOG = "spark.sql.catalog.spark_catalog";
  static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

  /** Defaults for a session the CLI builds. */
  static final Map<String, String> DEFAULTS =
      Map.of(EXTENSIONS, DELTA_EXTENSION, CATALOG, DELTA_CATALOG);

  private DeltaSession() {}

  /**
   * Exit code 2, before any work, when the session was built without Delta's extension or catalog.
   */
  public static void require(SparkSession spark) {
    String ext = spark.conf().get(EXTENSIONS, "");
    String catalog = spark.conf().get(CATALOG, "");
    if (!ext.contains(DELTA_EXTENSION) || !DELTA_CATALOG.equals(catalog)) {
      throw new ConfigurationException(
          "the Delta scores table needs a session built with --conf "
              + EXTENSIONS
              + "="
              + DELTA_EXTENSION
              + " --conf "
              + CATALOG
              + "="
              + DELTA_CATALOG
              + " (or pass --format parquet)");
    }
  }
}
