package com.synthscope.job;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;

/** A subcommand that runs on Spark, with spark-submit's settings options. */
public abstract class JobCommand extends CommandBase {

  @Mixin protected SparkOptions spark;

  /** Runs the command on the session; returns the exit code. */
  protected abstract int run(SparkSession session) throws Exception;

  /** Spark settings this command wants unless the user set them (e.g. the console progress bar). */
  protected java.util.Map<String, String> sessionDefaults() {
    return java.util.Map.of();
  }

  @Override
  protected final int execute() throws Exception {
    return run(spark.session(spec.name(), sessionDefaults()));
  }
}
