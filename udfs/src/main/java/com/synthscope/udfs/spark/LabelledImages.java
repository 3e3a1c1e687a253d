package com.synthscope.udfs.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Labelled images for training and evaluating detectors, as one table {@code (id string, content
 * binary, label int, generator string, split string, fractions array<float>)} from either layout
 * the detection papers use:
 *
 * <ul>
 *   <li>a Parquet table with an image column ({@code content} or {@code image_png}), {@code label}
 *       (0 real, 1 generated) and optionally {@code generator}, {@code split}, {@code fractions}
 *       (content targets for NS-Net's null space) and an id ({@code path} or {@code sample_id}),
 *       e.g. the output of {@code bench-data micrographs};
 *   <li>a folder tree whose files sit under {@code 0_real/} or {@code 1_fake/} folders, as {@code
 *       [<split>/]<generator>/{0_real,1_fake}/...}: the folder above {@code 0_real}/{@code 1_fake}
 *       names the generator, a {@code train}, {@code val} or {@code test} folder further up names
 *       the split. Files under neither folder are left out.
 * </ul>
 *
 * A missing generator reads {@code "all"}, a missing split or fractions null.
 */
public final class LabelledImages {

  public static final String CONTENT = "content";
  private static final org.apache.spark.sql.types.DataType FRACTIONS =
      org.apache.spark.sql.types.DataTypes.createArrayType(
          org.apache.spark.sql.types.DataTypes.FloatType, false);

  private LabelledImages() {}

  public static Dataset<Row> read(SparkSession spark, String uri) throws IOException {
    Path p = new Path(uri);
    FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
    boolean parquet =
        fs.isFile(p)
            ? uri.endsWith(".parquet")
            : fs.exists(new Path(p, "_SUCCESS"))
                || Arrays.stream(fs.listStatus(p))
                    .anyMatch(s -> s.getPath().getName().endsWith(".parquet"));
    return parquet ? fromParquet(spark.read().parquet(uri), uri) : fromFolders(spark, uri);
  }

  static Dataset<Row> fromParquet(Dataset<Row> t, String uri) {
    java.util.List<String> cols = Arrays.asList(t.columns());
    String image =
        cols.contains(CONTENT) ? CONTENT : cols.contains("image_png") ? "image_png" : null;
    if (image == null || !cols.contains("label")) {
      throw new IllegalArgumentException(
          uri
              + " has no image column (content or image_png) and label column; it"
              + " has "
              + cols);
    }
    Column id =
        cols.contains("path")
            ? col("path")
            : cols.contains("sample_id")
                ? col("sample_id").cast("string")
                : functions.monotonically_increasing_id().cast("string");
    return t.select(
        id.as("id"),
        col(image).as(CONTENT),
        col("label").cast("int").as("label"),
        cols.contains("generator") ? col("generator") : lit("all").as("generator"),
        cols.contains("split") ? col("split") : lit(null).cast("string").as("split"),
        cols.contains("fractions") ? col("fractions") : lit(null).cast(FRACTIONS).as("fractions"));
  }

  static Dataset<Row> fromFolders(SparkSession spark, String uri) {
    Dataset<Row> files =
        spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(uri);
    Column label =
        when(col("path").contains("/0_real/"), 0).when(col("path").contains("/1_fake/"), 1);
    Column generator = functions.regexp_extract(col("path"), "([^/]+)/(0_real|1_fake)/", 1);
    Column splitName = functions.regexp_extract(col("path"), "/(train|val|test)/", 1);
    return files
        .select(
            col("path").as("id"),
            col(CONTENT),
            label.as("label"),
            when(generator.isin("", "train", "val", "test"), lit("all"))
                .otherwise(generator)
                .as("generator"),
            when(splitName.equalTo(""), lit(null).cast("string")).otherwise(splitName).as("split"),
            lit(null).cast(FRACTIONS).as("fractions"))
        .filter(col("label").isNotNull());
  }
}
