package com.synthscope.job.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import com.synthscope.job.ConfigurationException;
import com.synthscope.udfs.detect.FeatureSource;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.spark.FeatureExtraction;
import com.synthscope.udfs.spark.HadoopConf;
import com.synthscope.udfs.spark.LabelledImages;
import com.synthscope.udfs.spark.ParquetOutput;
import com.synthscope.udfs.train.ClassifierTrainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The training and validation examples of a detector head: labelled images filtered to one
 * generator if asked, their features computed once by a Spark job into a Parquet folder, read back
 * on the driver. Validation is the data's {@code val} split; data without splits holds out, per
 * label, the first and every tenth image in an order fixed by a hash of the id (so even a handful
 * of images gives one validation image per label).
 *
 * <p>The folder records what it was computed from ({@value #SOURCE_FILE}: data, generator, feature
 * source); a later run with the same three reuses it (e.g. the null-space ablation, or a resumed
 * training), anything else recomputes it.
 */
final class DetectorTrainingData {

  /**
   * @param trainFractions the content targets of the training examples, aligned with {@code train};
   *     null entries where the data has none
   */
  record Sets(
      List<ClassifierTrainer.Example> train,
      List<ClassifierTrainer.Example> validation,
      List<float[]> trainFractions) {}

  static final String SOURCE_FILE = "_source.txt";

  private DetectorTrainingData() {}

  static Sets load(
      SparkSession session,
      String data,
      String generator,
      FeatureSource source,
      Path features,
      HadoopConf conf,
      PrintWriter out)
      throws java.io.IOException {
    String uri = features.toUri().toString();
    String key = "data=" + data + "\ngenerator=" + generator + "\nsource=" + source + "\n";
    Path stamp = features.resolve(SOURCE_FILE);
    if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(key)) {
      out.println("reusing the features in " + features);
    } else {
      Dataset<Row> rows = LabelledImages.read(session, data);
      if (generator != null) {
        rows = rows.filter(col("label").equalTo(0).or(col("generator").equalTo(generator)));
      }
      // Without a split: per label, in a fixed pseudo-random order, the first image and every tenth
      // validate.
      Column rank =
          row_number().over(Window.partitionBy(col("label")).orderBy(hash(col("id")), col("id")));
      rows =
          rows.withColumn(
                  "role",
                  when(col("split").equalTo("train"), lit("train"))
                      .when(col("split").equalTo("val"), lit("val"))
                      .when(
                          col("split").isNull(),
                          when(rank.equalTo(1).or(rank.mod(10).equalTo(0)), lit("val"))
                              .otherwise("train"))
                      .otherwise(lit(null).cast("string")))
              .filter(col("role").isNotNull());
      long started = System.nanoTime();
      ParquetOutput.replace(
          FeatureExtraction.extract(
              rows, LabelledImages.CONTENT, source, 16, DecodeLimits.defaults(), conf),
          uri);
      Files.writeString(stamp, key); // Spark readers skip names starting with '_'
      out.printf(
          "features of %s written to %s in %.1f s%n",
          data, features, (System.nanoTime() - started) / 1e9);
      out.flush();
    }
    List<ClassifierTrainer.Example> train = new ArrayList<>();
    List<ClassifierTrainer.Example> val = new ArrayList<>();
    List<float[]> fractions = new ArrayList<>();
    Dataset<Row> stored =
        session
            .read()
            .parquet(uri)
            .filter(col(FeatureExtraction.FEATURE).isNotNull())
            .orderBy("id");
    // One partition at a time: pixel features of tens of thousands of images, boxed all at once,
    // exceed the heap.
    java.util.Iterator<Row> it =
        stored.select("role", "label", FeatureExtraction.FEATURE, "fractions").toLocalIterator();
    while (it.hasNext()) {
      Row r = it.next();
      ClassifierTrainer.Example e =
          new ClassifierTrainer.Example(floats(r.getList(2)), r.getInt(1));
      if (r.getString(0).equals("val")) {
        val.add(e);
      } else {
        train.add(e);
        fractions.add(r.isNullAt(3) ? null : floats(r.getList(3)));
      }
    }
    if (train.isEmpty() || val.isEmpty()) {
      throw new ConfigurationException(
          data
              + " gave "
              + train.size()
              + " training and "
              + val.size()
              + " validation images"
              + (generator == null ? "" : " for generator " + generator)
              + ": need both");
    }
    return new Sets(train, val, fractions);
  }

  private static float[] floats(List<Float> list) {
    float[] x = new float[list.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = list.get(i);
    }
    return x;
  }
}
