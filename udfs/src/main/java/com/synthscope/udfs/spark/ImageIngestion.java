package com.synthscope.udfs.spark;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * Files on any Hadoop filesystem to the inventory table: Spark's {@code binaryFile} source lists and reads them,
 * partitions decode them. The audit job starts from this DataFrame too.
 */
public final class ImageIngestion {

  private ImageIngestion() {}

  /** The inventory of the input, lazily: nothing runs until the caller writes or counts it. */
  public static Dataset<Row> inventory(SparkSession spark, IngestOptions options) {
    return perFile(spark, options, new DecodePartition(options.limits()), InventorySchema.SCHEMA);
  }

  /**
   * One row per input file, for jobs that do more with each file than the inventory (the audit decodes and scores
   * in one pass, so every file is read once). {@code decode} gets the readable files' {@code binaryFile} rows
   * ({@code path}, {@code modificationTime}, {@code length}, {@code content}) and must return rows of
   * {@code schema}; files the guards refuse without reading (too large, zero bytes) come as inventory error rows,
   * their other columns null. {@code schema} must start with the inventory columns.
   */
  public static Dataset<Row> perFile(SparkSession spark, IngestOptions options, MapPartitionsFunction<Row, Row> decode,
      StructType schema) {
    int extra = schema.size() - InventorySchema.SCHEMA.size();
    if (extra < 0 || !java.util.Arrays.asList(schema.fieldNames()).subList(0, InventorySchema.SCHEMA.size())
        .equals(java.util.Arrays.asList(InventorySchema.SCHEMA.fieldNames()))) {
      throw new IllegalArgumentException("schema must start with the inventory columns: " + schema.simpleString());
    }
    Dataset<Row> files = listing(spark, options);
    List<Row> emptyRows = EmptyFiles.rows(files).stream().map(r -> pad(r, extra)).toList();
    Dataset<Row> empty = spark.createDataFrame(emptyRows, schema);
    long maxBytes = options.limits().maxFileBytes();
    // binaryFile applies length filters before it reads a file, so an oversized file is never loaded.
    Dataset<Row> readable = files.filter(col("length").leq(maxBytes));
    Dataset<Row> oversized = files.filter(col("length").gt(maxBytes))
        .select("path", "length", "modificationTime");
    Dataset<Row> decoded = readable.mapPartitions(decode, Encoders.row(schema));
    var limits = options.limits();
    Dataset<Row> refused = oversized.map((MapFunction<Row, Row>) r -> pad(DecodePartition.tooLarge(r, limits), extra),
        Encoders.row(schema));
    Dataset<Row> all = decoded.union(refused).union(empty);
    if (options.recursive()) {
      return all;
    }
    String top = qualifiedDirectory(spark, options.input());
    return top == null ? all
        : all.filter(functions.regexp_replace(col("path"), "/[^/]*$", "").equalTo(functions.lit(top)));
  }

  private static Row pad(Row r, int extra) {
    if (extra == 0) {
      return r;
    }
    Object[] values = new Object[r.size() + extra];
    for (int i = 0; i < r.size(); i++) {
      values[i] = r.get(i);
    }
    return RowFactory.create(values);
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
