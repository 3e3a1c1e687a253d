package com.synthscope.udfs.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import com.synthscope.udfs.model.Batches;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelFixtures;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.model.ModelRegistry;
import com.synthscope.udfs.model.Tensor;
import com.synthscope.udfs.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A model used inside Spark partitions the way detectors use it: by reference, loaded once per
 * executor JVM, batched, on the device the task was given.
 */
class ModelOnExecutorsTest {

  private static final StructType OUT =
      new StructType()
          .add("id", DataTypes.IntegerType)
          .add("logit0", DataTypes.FloatType)
          .add("logit1", DataTypes.FloatType)
          .add("device", DataTypes.StringType);

  @Test
  void partitionsScoreInBatchesWithOneLoadPerJvm() {
    ModelRef ref = ModelFixtures.onnx();
    HadoopConf conf = HadoopConf.of(SharedSpark.session());
    float[] sample0 = ModelFixtures.input().sample(0);
    float[] sample1 = ModelFixtures.input().sample(1);
    int loadsBefore = ModelRegistry.get().loadCount();

    Dataset<Integer> ids =
        SharedSpark.session()
            .createDataset(IntStream.range(0, 40).boxed().toList(), Encoders.INT())
            .repartition(4);
    MapPartitionsFunction<Integer, Row> score =
        rows -> {
          LoadedModel model =
              ModelRegistry.get().model(ref, conf.get(), TaskResources.current(ref.engine()));
          return Batches.map(
              rows,
              8,
              batch -> {
                List<float[]> samples =
                    batch.stream().map(i -> i % 2 == 0 ? sample0 : sample1).toList();
                Tensor y = model.predict(List.of(Tensor.stack(samples, 3, 8, 8))).get(0);
                List<Row> out = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                  out.add(
                      RowFactory.create(
                          batch.get(i),
                          y.data()[2 * i],
                          y.data()[2 * i + 1],
                          model.settings().device().toString()));
                }
                return out;
              });
        };
    List<Row> rows = ids.mapPartitions(score, Encoders.row(OUT)).collectAsList();

    assertEquals(40, rows.size());
    float[] expected = ModelFixtures.expectedOutput();
    for (Row r : rows) {
      int id = r.getInt(0);
      int k = id % 2 == 0 ? 0 : 2;
      assertArrayEquals(
          new float[] {expected[k], expected[k + 1]},
          new float[] {r.getFloat(1), r.getFloat(2)},
          1e-5f,
          "id " + id);
      assertEquals(Device.cpu().toString(), r.getString(3), "no GPU resource: CPU");
    }
    assertEquals(
        loadsBefore + 1, ModelRegistry.get().loadCount(), "four partitions, one JVM, one load");
  }
}
