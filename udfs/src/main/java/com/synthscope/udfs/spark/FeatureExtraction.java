package com.synthscope.udfs.spark;

import com.synthscope.udfs.detect.FeatureSource;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.model.Batches;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Computes a frozen extractor's features for every image of a table once, batched per partition, so
 * that detector heads train on stored features: each row comes back without its image bytes and
 * with {@value #FEATURE} (array of float; null, with {@code scoring_error}, where the image did not
 * decode).
 */
public final class FeatureExtraction {

  public static final String FEATURE = "feature";

  private FeatureExtraction() {}

  public static Dataset<Row> extract(
      Dataset<Row> input,
      String contentColumn,
      FeatureSource source,
      int batchSize,
      DecodeLimits limits,
      HadoopConf conf) {
    int content = DecodedBatches.binaryColumn(input.schema(), contentColumn);
    StructType out =
        DecodedBatches.schema(
            input.schema(),
            contentColumn,
            List.of(
                DataTypes.createStructField(
                    FEATURE, DataTypes.createArrayType(DataTypes.FloatType, false), true)));
    return input.mapPartitions(
        (MapPartitionsFunction<Row, Row>)
            rows -> {
              ImageDecoder decoder = new ImageDecoder(limits);
              FeatureSource.Extractor extractor =
                  source.open(conf.get(), TaskResources.current(source.engine()));
              return Batches.map(
                  rows,
                  batchSize,
                  batch ->
                      DecodedBatches.map(
                          batch,
                          content,
                          decoder,
                          1,
                          images -> {
                            List<Object[]> values = new ArrayList<>(images.size());
                            for (float[] f : extractor.features(images)) {
                              values.add(new Object[] {Augmentation.boxed(f)});
                            }
                            return values;
                          }));
            },
        Encoders.row(out));
  }
}
