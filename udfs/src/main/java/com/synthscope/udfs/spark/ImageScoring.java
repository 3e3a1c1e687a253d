package com.synthscope.udfs.spark;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.DecodeResult;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.model.Batches;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores images with detectors, batched per partition: each row's encoded image (a binary column) is decoded, the
 * decodable ones go through every detector in batches, and each row comes back without the image bytes and with
 * one {@code <detector>_score} column per detector. An image that cannot be decoded keeps null scores and says why
 * in {@value #ERROR}; it never fails the task.
 */
public final class ImageScoring {

  /** Why a row has no scores (decode failure message), null when scored. */
  public static final String ERROR = "scoring_error";

  private ImageScoring() {}

  /** The score column of a detector. */
  public static String scoreColumn(ImageDetector detector) {
    return detector.name() + "_score";
  }

  /** The output schema: the input's columns except {@code contentColumn}, then the scores and {@value #ERROR}. */
  public static StructType schema(StructType input, String contentColumn, List<ImageDetector> detectors) {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : input.fields()) {
      if (!f.name().equals(contentColumn)) {
        fields.add(f);
      }
    }
    for (ImageDetector d : detectors) {
      fields.add(DataTypes.createStructField(scoreColumn(d), DataTypes.DoubleType, true));
    }
    fields.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
    return DataTypes.createStructType(fields);
  }

  /**
   * Lazily scores every row.
   *
   * @param input rows with a binary column of encoded image bytes
   * @param batchSize images per model batch
   */
  public static Dataset<Row> score(Dataset<Row> input, String contentColumn, List<ImageDetector> detectors,
      int batchSize, DecodeLimits limits, HadoopConf conf) {
    if (detectors.isEmpty()) {
      throw new IllegalArgumentException("no detector to score with");
    }
    StructType in = input.schema();
    int content = in.fieldIndex(contentColumn);
    if (!in.fields()[content].dataType().equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException("column " + contentColumn + " must be binary, it is "
          + in.fields()[content].dataType().simpleString());
    }
    List<ImageDetector> fixed = List.copyOf(detectors);
    StructType out = schema(in, contentColumn, fixed);
    return input.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      ImageDecoder decoder = new ImageDecoder(limits);
      List<ImageDetector.Scorer> scorers = open(fixed, conf);
      return Batches.map(rows, batchSize, batch -> scoreBatch(batch, content, decoder, scorers));
    }, Encoders.row(out));
  }

  /** In a task: every detector's scorer for this thread, on the device the task was given. */
  public static List<ImageDetector.Scorer> open(List<ImageDetector> detectors, HadoopConf conf) {
    List<ImageDetector.Scorer> scorers = new ArrayList<>();
    for (ImageDetector d : detectors) {
      scorers.add(d.open(conf.get(), TaskResources.current(d.engine())));
    }
    return scorers;
  }

  /**
   * Scores decoded images with every scorer: {@code [detector][image]}, each checked to give one probability per
   * image.
   *
   * @param nanos when not null, each detector's time is added to {@code nanos[detector]}
   */
  public static double[][] scoreDecoded(List<BufferedImage> images, List<ImageDetector.Scorer> scorers,
      long[] nanos) {
    double[][] scores = new double[scorers.size()][];
    for (int k = 0; k < scorers.size(); k++) {
      long t0 = System.nanoTime();
      scores[k] = images.isEmpty() ? new double[0] : scorers.get(k).score(images);
      if (nanos != null) {
        nanos[k] += System.nanoTime() - t0;
      }
      if (scores[k].length != images.size()) {
        throw new IllegalStateException("a detector gave " + scores[k].length + " scores for " + images.size()
            + " images");
      }
    }
    return scores;
  }

  private static List<Row> scoreBatch(List<Row> batch, int content, ImageDecoder decoder,
      List<ImageDetector.Scorer> scorers) {
    int n = batch.size();
    String[] errors = new String[n];
    List<BufferedImage> images = new ArrayList<>(n);
    int[] slot = new int[n];
    for (int i = 0; i < n; i++) {
      byte[] bytes = (byte[]) batch.get(i).get(content);
      DecodeResult r = bytes == null ? null : decoder.decode(bytes);
      if (r instanceof DecodeResult.Decoded d) {
        slot[i] = images.size();
        images.add(d.image());
      } else {
        slot[i] = -1;
        errors[i] = r == null ? "empty: no image bytes" : ((DecodeResult.Failed) r).message();
      }
    }
    double[][] scores = scoreDecoded(images, scorers, null);
    List<Row> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Row row = batch.get(i);
      List<Object> values = new ArrayList<>(row.size() + scorers.size());
      for (int c = 0; c < row.size(); c++) {
        if (c != content) {
          values.add(row.get(c));
        }
      }
      for (double[] s : scores) {
        values.add(slot[i] < 0 ? null : s[slot[i]]);
      }
      values.add(errors[i]);
      out.add(RowFactory.create(values.toArray()));
    }
    return out;
  }
}
