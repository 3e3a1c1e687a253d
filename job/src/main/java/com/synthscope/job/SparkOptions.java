package com.synthscope.job;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * The Spark settings every command takes, as spark-submit spells them. Later settings win:
 * properties file, then {@code --conf}, then {@code --master}.
 */
public final class SparkOptions {

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description = "A Spark setting, e.g. --conf spark.executor.memory=8g (repeatable).")
  Map<String, String> conf = new LinkedHashMap<>();

  @Option(
      names = "--properties-file",
      paramLabel = "FILE",
      description = "Spark properties file, e.g. conf/local.conf.")
  Path propertiesFile;

  @Option(
      names = "--master",
      paramLabel = "URL",
      description = "Spark master; default: what spark-submit set, else local[*].")
  String master;

  /** The merged settings, validated: a missing properties file is a configuration error. */
  Map<String, String> settings() {
    Map<String, String> all = new LinkedHashMap<>();
    if (propertiesFile != null) {
      if (!Files.isRegularFile(propertiesFile)) {
        throw new ConfigurationException("properties file " + propertiesFile + " does not exist");
      }
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new ConfigurationException(
            "cannot read properties file " + propertiesFile + ": " + e.getMessage(), e);
      }
      p.stringPropertyNames().forEach(k -> all.put(k, p.getProperty(k).trim()));
    }
    all.putAll(conf);
    if (master != null) {
      all.put("spark.master", master);
    }
    return all;
  }

  /** The session for a command: spark-submit's when there is one, else a local one. */
  public SparkSession session(String appName) {
    return session(appName, Map.of());
  }

  /**
   * As {@link #session(String)}, with settings used where neither the user nor a system property
   * gave them.
   */
  public SparkSession session(String appName, Map<String, String> defaults) {
    return session(appName, defaults, null);
  }

  /**
   * Hadoop RPC bounds every session gets unless the user sets them: a namenode that accepts
   * connections and never answers fails a call after {@code rpc-timeout} instead of hanging the job
   * (Hadoop's own client pings such a server forever when no RPC timeout applies), and an absent
   * one after a few connection retries.
   */
  static final Map<String, String> HADOOP_RPC_BOUNDS =
      Map.of(
          "spark.hadoop.ipc.client.rpc-timeout.ms", "30000",
          "spark.hadoop.ipc.client.connect.timeout", "10000",
          "spark.hadoop.ipc.client.connect.max.retries", "3",
          "spark.hadoop.ipc.client.connect.max.retries.on.timeouts", "3");

  /**
   * As {@link #session(String, Map)}; a non-null {@code master} replaces every other master
   * setting.
   */
  public SparkSession session(String appName, Map<String, String> defaults, String master) {
    SparkSession.Builder b = SparkSession.builder().appName("synthscope " + appName);
    Map<String, String> s = new LinkedHashMap<>();
    Map<String, String> all = new LinkedHashMap<>(HADOOP_RPC_BOUNDS);
    // Delta Lake for the audit-scores table: static settings, so every session the CLI builds has
    // them
    all.putAll(DeltaSession.DEFAULTS);
    all.putAll(defaults);
    all.forEach(
        (k, v) -> {
          if (System.getProperty(k) == null) {
            s.put(k, v);
          }
        });
    s.putAll(settings());
    if (master != null) {
      s.put("spark.master", master);
    }
    s.forEach(b::config);
    boolean masterGiven =
        s.containsKey("spark.master") || System.getProperty("spark.master") != null;
    if (!masterGiven) {
      b.master("local[*]");
    }
    SparkSession session = b.getOrCreate();
    // An existing session (spark-shell, tests) ignores builder settings: put the RPC bounds the
    // user did not set
    // into its Hadoop configuration directly.
    var hadoop = session.sparkContext().hadoopConfiguration();
    HADOOP_RPC_BOUNDS.forEach(
        (k, v) -> {
          if (!s.containsKey(k) || s.get(k).equals(v)) {
            hadoop.set(k.substring("spark.hadoop.".length()), System.getProperty(k, v));
          }
        });
    return session;
  }
}
