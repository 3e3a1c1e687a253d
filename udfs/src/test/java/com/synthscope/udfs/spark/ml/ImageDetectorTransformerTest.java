package com.synthscope.udfs.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.testing.ImageCorpus;
import com.synthscope.udfs.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The detector stage in a Pipeline on real images: scores, saves, loads and scores identically. */
class ImageDetectorTransformerTest {

  @TempDir Path tmp;

  private Dataset<Row> images(SparkSession spark) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("images"));
    Files.copy(
        SharedSpark.metalDam().resolve("images/micrograph2.jpg"), dir.resolve("micrograph2.jpg"));
    Files.write(
        dir.resolve("noise.png"), ImageCorpus.encode(ImageCorpus.noiseRgb(90, 70, 5), "png"));
    byte[] png = ImageCorpus.encode(ImageCorpus.noiseRgb(64, 48, 1), "png");
    Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
    return spark.read().format("binaryFile").load(dir.toString()).select("path", "content");
  }

  @Test
  void aPipelineWithTheStageSavesLoadsAndScoresIdentically() throws Exception {
    SparkSession spark = SharedSpark.session();
    Dataset<Row> df = images(spark);
    ImageDetectorTransformer stage =
        new ImageDetectorTransformer()
            .setInputCol("content")
            .setOutputCol("p")
            .setInfoCol("info")
            .setDetector("nsnet")
            .setBatchSize(2)
            .setModelUris(Map.of("nsnet.head", "embedded:nsnet-head"));
    PipelineModel model = new Pipeline().setStages(new PipelineStage[] {stage}).fit(df);
    List<Row> before =
        model.transform(df).select("path", "p", "info").orderBy("path").collectAsList();
    assertEquals(3, before.size());
    for (Row r : before) {
      boolean bad = r.getString(0).endsWith("truncated.png");
      assertEquals(bad, r.isNullAt(1), r.toString());
      assertEquals(bad ? "error" : "ok", r.getStruct(2).getAs("status"));
    }

    String path = tmp.resolve("pipeline").toString();
    model.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    ImageDetectorTransformer again = (ImageDetectorTransformer) loaded.stages()[0];
    assertEquals("nsnet", again.getOrDefault(again.detector()));
    assertEquals(2, (int) again.getOrDefault(again.batchSize()));
    assertEquals(
        List.of("nsnet.head=embedded:nsnet-head"),
        Arrays.asList(again.getOrDefault(again.modelUris())));
    List<Row> after =
        loaded.transform(df).select("path", "p", "info").orderBy("path").collectAsList();
    assertEquals(before, after, "the loaded pipeline scores identically");
  }

  @Test
  void theSchemaIsCheckedBeforeAnythingRuns() {
    ImageDetectorTransformer stage = new ImageDetectorTransformer();
    StructType strings = new StructType().add("content", DataTypes.StringType);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> stage.transformSchema(strings));
    assertTrue(e.getMessage().contains("must be binary"), e.getMessage());
    StructType binary = new StructType().add("content", DataTypes.BinaryType);
    StructType out = stage.transformSchema(binary);
    assertEquals(DataTypes.DoubleType, out.apply("score").dataType());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            stage
                .copy(new org.apache.spark.ml.param.ParamMap())
                .setDetector("clip")
                .transformSchema(binary));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ImageDetectorTransformer()
                .setModelUris(Map.of("dnf.encoder", "/x"))
                .transformSchema(binary));
  }
}
