package com.synthscope.udfs.spark;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Files on any Hadoop filesystem to the inventory table: Spark's {@code binaryFile} source lists and reads them,
 * partitions decode them. The audit job starts from this DataFrame too.
 */
public final class ImageIngestion {

  private ImageIngestion() {}

  /** The inventory of the input, lazily: nothing runs until the caller writes or counts it. */
  public static Dataset<Row> inventory(SparkSession spark, IngestOptions options) {
    Dataset<Row> files = listing(spark, options);
    Dataset<Row> empty = spark.createDataFrame(EmptyFiles.rows(files), InventorySchema.SCHEMA);
    long maxBytes = options.limits().maxFileBytes();
    // binaryFile applies length filters before it reads a file, so an oversized file is never loaded.
    Dataset<Row> readable = files.filter(col("length").leq(maxBytes));
    Dataset<Row> oversized = files.filter(col("length").gt(maxBytes))
        .select("path", "length", "modificationTime");
    Dataset<Row> decoded = readable.mapPartitions(new DecodePartition(options.limits()),
        Encoders.row(InventorySchema.SCHEMA));
    var limits = options.limits();
    Dataset<Row> refused = oversized.map((MapFunction<Row, Row>) r -> DecodePartition.tooLarge(r, limits),
        Encoders.row(InventorySchema.SCHEMA));
    Dataset<Row> all = decoded.union(refused).union(empty);
    if (options.recursive()) {
      return all;
    }
    String top = qualifiedDirectory(spark, options.input());
    return top == null ? all
        : all.filter(functions.regexp_replace(col("path"), "/[^/]*$", "").equalTo(functions.lit(top)));
  }

  private static Dataset<Row> listing(SparkSession spark, IngestOptions options) {
    // Always list recursively: Spark's non-recursive listing still walks sub-folders for partition discovery,
    // and trips over folder names that look like partitions. Without --recursive, inventory() keeps the top level.
    DataFrameReader reader = spark.read().format("binaryFile").option("recursiveFileLookup", "true");
    if (options.glob() != null && !options.glob().isBlank()) {
      reader = reader.option("pathGlobFilter", options.glob());
    }
    return reader.load(options.input());
  }

  /** The input as Spark writes paths ({@code file:/a/b}), when it is a folder; null for a single file. */
  private static String qualifiedDirectory(SparkSession spark, String input) {
    try {
      Path p = new Path(input);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.getFileStatus(p).isDirectory()) {
        return null;
      }
      String q = fs.makeQualified(p).toString();
      return q.endsWith("/") ? q.substring(0, q.length() - 1) : q;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read input " + input + ": " + e.getMessage(), e);
    }
  }
}
