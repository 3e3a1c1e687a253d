package com.synthscope.udfs.spark;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.ImageScore;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.model.Batches;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores images with detectors, batched per partition: each row's encoded image (a binary column)
 * is decoded, the decodable ones go through every detector in batches, and each row comes back
 * without the image bytes and with one {@code <detector>_score} column per detector. An image that
 * cannot be decoded keeps null scores and says why in {@value #ERROR}; it never fails the task.
 */
public final class ImageScoring {

  /** Why a row has no scores (decode failure message), null when scored. */
  public static final String ERROR = DecodedBatches.ERROR;

  private ImageScoring() {}

  /** The score column of a detector. */
  public static String scoreColumn(ImageDetector detector) {
    return detector.name() + "_score";
  }

  /**
   * The output schema: the input's columns except {@code contentColumn}, then the scores and
   * {@value #ERROR}.
   */
  public static StructType schema(
      StructType input, String contentColumn, List<ImageDetector> detectors) {
    List<StructField> scores = new ArrayList<>();
    for (ImageDetector d : detectors) {
      scores.add(DataTypes.createStructField(scoreColumn(d), DataTypes.DoubleType, true));
    }
    return DecodedBatches.schema(input, contentColumn, scores);
  }

  /**
   * Lazily scores every row.
   *
   * @param input rows with a binary column of encoded image bytes
   * @param batchSize images per model batch
   */
  public static Dataset<Row> score(
      Dataset<Row> input,
      String contentColumn,
      List<ImageDetector> detectors,
      int batchSize,
      DecodeLimits limits,
      HadoopConf conf) {
    if (detectors.isEmpty()) {
      throw new IllegalArgumentException("no detector to score with");
    }
    int content = DecodedBatches.binaryColumn(input.schema(), contentColumn);
    List<ImageDetector> fixed = List.copyOf(detectors);
    StructType out = schema(input.schema(), contentColumn, fixed);
    return input.mapPartitions(
        (MapPartitionsFunction<Row, Row>)
            rows -> {
              ImageDecoder decoder = new ImageDecoder(limits);
              List<ImageDetector.Scorer> scorers = open(fixed, conf);
              return Batches.map(
                  rows,
                  batchSize,
                  batch ->
                      DecodedBatches.map(
                          batch,
                          content,
                          decoder,
                          scorers.size(),
                          images -> {
                            double[][] scores = scoreDecoded(images, scorers, null);
                            List<Object[]> values = new ArrayList<>(images.size());
                            for (int i = 0; i < images.size(); i++) {
                              Object[] v = new Object[scores.length];
                              for (int k = 0; k < scores.length; k++) {
                                v[k] = scores[k][i];
                              }
                              values.add(v);
                            }
                            return values;
                          }));
            },
        Encoders.row(out));
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
   * Scores decoded images with every scorer, with how each score was made: {@code [detector]} lists
   * in image order.
   *
   * @param nanos when not null, each detector's time is added to {@code nanos[detector]}
   */
  public static List<List<ImageScore>> scoreDecodedImages(
      List<BufferedImage> images, List<ImageDetector.Scorer> scorers, long[] nanos) {
    List<List<ImageScore>> out = new ArrayList<>(scorers.size());
    for (int k = 0; k < scorers.size(); k++) {
      long t0 = System.nanoTime();
      List<ImageScore> s = images.isEmpty() ? List.of() : scorers.get(k).scoreImages(images);
      if (nanos != null) {
        nanos[k] += System.nanoTime() - t0;
      }
      if (s.size() != images.size()) {
        throw new IllegalStateException(
            "a detector gave " + s.size() + " scores for " + images.size() + " images");
      }
      out.add(s);
    }
    return out;
  }

  /** {@code [detector][image]} scores as {@code [image][detector]}. */
  public static List<List<ImageScore>> byImage(List<List<ImageScore>> byDetector) {
    int n = byDetector.isEmpty() ? 0 : byDetector.get(0).size();
    List<List<ImageScore>> out = new ArrayList<>(n);
    for (int j = 0; j < n; j++) {
      List<ImageScore> own = new ArrayList<>(byDetector.size());
      for (List<ImageScore> d : byDetector) {
        own.add(d.get(j));
      }
      out.add(own);
    }
    return out;
  }

  /**
   * Scores decoded images with every scorer: {@code [detector][image]}, each checked to give one
   * probability per image.
   *
   * @param nanos when not null, each detector's time is added to {@code nanos[detector]}
   */
  public static double[][] scoreDecoded(
      List<BufferedImage> images, List<ImageDetector.Scorer> scorers, long[] nanos) {
    double[][] scores = new double[scorers.size()][];
    for (int k = 0; k < scorers.size(); k++) {
      long t0 = System.nanoTime();
      scores[k] = images.isEmpty() ? new double[0] : scorers.get(k).score(images);
      if (nanos != null) {
        nanos[k] += System.nanoTime() - t0;
      }
      if (scores[k].length != images.size()) {
        throw new IllegalStateException(
            "a detector gave " + scores[k].length + " scores for " + images.size() + " images");
      }
    }
    return scores;
  }
}
