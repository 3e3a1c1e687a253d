package com.synthscope.udfs.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The driver's Hadoop configuration (including {@code spark.hadoop.*} settings such as S3
 * credentials), carried to executors so that they fetch models from the same filesystems the driver
 * can read.
 */
public final class HadoopConf implements Serializable {

  private static final long serialVersionUID = 1L;
  private final HashMap<String, String> entries;
  private transient Configuration conf;

  private HadoopConf(HashMap<String, String> entries) {
    this.entries = entries;
  }

  public static HadoopConf of(SparkSession spark) {
    return of(spark.sparkContext().hadoopConfiguration());
  }

  /** A copy of {@code conf} (e.g. a session's {@code sessionState().newHadoopConf()}). */
  public static HadoopConf of(Configuration conf) {
    HashMap<String, String> entries = new HashMap<>();
    for (Map.Entry<String, String> e : conf) {
      entries.put(e.getKey(), e.getValue());
    }
    return new HadoopConf(entries);
  }

  /** The configuration, rebuilt once per deserialized copy. */
  public synchronized Configuration get() {
    if (conf == null) {
      conf = new Configuration(false);
      entries.forEach(conf::set);
    }
    return conf;
  }
}
