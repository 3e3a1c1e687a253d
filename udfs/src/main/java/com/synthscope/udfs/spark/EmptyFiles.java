package com.synthscope.udfs.spark;

import com.synthscope.udfs.image.DecodeFailure;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Zero-byte files: Spark's file scans give them no split, so {@code binaryFile} never returns them. They are bad
 * input all the same and must appear as error rows; their statuses come from the listing Spark already made.
 */
final class EmptyFiles {

  private static final String EMPTY_SHA256 = HexFormat.of().formatHex(sha256Of(new byte[0]));

  private EmptyFiles() {}

  /** Error rows for the zero-byte files of a {@code binaryFile} DataFrame's listing. */
  static List<Row> rows(Dataset<Row> binaryFiles) {
    boolean java8Time = Boolean.parseBoolean(binaryFiles.sparkSession().conf()
        .get("spark.sql.datetime.java8API.enabled", "false"));
    List<Row> rows = new ArrayList<>();
    for (FileStatus s : listing(binaryFiles)) {
      if (s.isFile() && s.getLen() == 0) {
        Object modified = java8Time ? Instant.ofEpochMilli(s.getModificationTime())
            : new Timestamp(s.getModificationTime());
        rows.add(RowFactory.create(s.getPath().toString(), 0L, modified, EMPTY_SHA256, null, null,
            null, null, null, InventorySchema.STATUS_ERROR, DecodeFailure.EMPTY.code() + ": zero-byte file"));
      }
    }
    return rows;
  }

  private static List<FileStatus> listing(Dataset<Row> binaryFiles) {
    LogicalPlan plan = binaryFiles.queryExecution().analyzed();
    for (LogicalPlan leaf : CollectionConverters.asJava(plan.collectLeaves())) {
      if (leaf instanceof LogicalRelation lr && lr.relation() instanceof HadoopFsRelation fs
          && fs.location() instanceof PartitioningAwareFileIndex index) {
        return CollectionConverters.asJava(index.allFiles());
      }
    }
    throw new IllegalStateException("not a file-source DataFrame: " + plan.nodeName());
  }

  private static byte[] sha256Of(byte[] bytes) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
