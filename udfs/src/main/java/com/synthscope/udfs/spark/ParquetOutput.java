package com.synthscope.udfs.spark;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Replaces a Parquet output only once the new one is complete: readers see the old table or the new, never half. */
public final class ParquetOutput {

  private ParquetOutput() {}

  public static void replace(Dataset<Row> data, String output) throws IOException {
    Path target = new Path(output);
    FileSystem fs = target.getFileSystem(data.sparkSession().sparkContext().hadoopConfiguration());
    Path staging = new Path(target.getParent(), "." + target.getName() + ".staging-" + UUID.randomUUID());
    try {
      data.write().parquet(staging.toString());
      if (fs.exists(target) && !fs.delete(target, true)) {
        throw new IOException("cannot remove the previous output " + target);
      }
      if (!fs.rename(staging, target)) {
        throw new IOException("cannot move " + staging + " to " + target);
      }
    } finally {
      if (fs.exists(staging)) {
        fs.delete(staging, true);
      }
    }
  }
}
