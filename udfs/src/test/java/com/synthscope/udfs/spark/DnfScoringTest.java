package com.synthscope.udfs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.dnf.DnfDetector;
import com.synthscope.udfs.detect.dnf.DnfFeature;
import com.synthscope.udfs.detect.dnf.DnfFeaturizer;
import com.synthscope.udfs.detect.dnf.DnfMode;
import com.synthscope.udfs.detect.dnf.DnfPostprocess;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.DecodeResult;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.ModelException;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.model.ModelRegistry;
import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.testing.SharedSpark;
import com.synthscope.udfs.train.ClassifierTrainer;
import com.synthscope.udfs.train.DiffusionRecipe;
import com.synthscope.udfs.train.DnfBackboneTraining;
import com.synthscope.udfs.train.DnfClassifierTraining;
import com.synthscope.udfs.train.LabelledMicrograph;
import com.synthscope.udfs.train.MetalDam;
import com.synthscope.udfs.train.Split;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DNF detector end to end on real parts: a (briefly) trained backbone and classifier artifact,
 * MetalDAM crops as PNG rows, Spark scoring in partitions, compared with scoring the same pictures
 * on the driver.
 */
class DnfScoringTest {

  private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
  private static final int SIZE = 16;

  @TempDir static Path tmp;
  private static ModelRef backbone;
  private static ModelRef classifier;

  /** Rows of MicrographBenchmark.SCHEMA, read by position: sample_id 0, label 3, image_png 4. */
  private static List<Row> rows;

  @BeforeAll
  static void trainTinyModels() throws Exception {
    backbone = backbone(tmp.resolve("bb"), 3);
    Configuration conf = new Configuration();
    FetchedModel b = ModelPreflight.check(backbone, conf, null);
    DnfFeature feature =
        new DnfFeature(
            DnfFeature.DNF, SIZE, 1, DnfMode.T0, DnfPostprocess.CLIP01_UINT8, b.modelId());
    List<LabelledMicrograph> images =
        MetalDam.loadDownscaled(SharedSpark.metalDam(), Split.VALIDATION, 0.125);
    List<Row> crops =
        MicrographBenchmark.realCrops(
            images, Split.VALIDATION, 24, SIZE, false, new SplittableRandom(4), 0);
    List<Row> upsampled =
        MicrographBenchmark.realCrops(
            images, Split.VALIDATION, 24, SIZE, true, new SplittableRandom(5), 100);
    rows = new ArrayList<>(crops);
    rows.addAll(upsampled);
    ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
    List<BufferedImage> pictures =
        rows.stream()
            .map(r -> ((DecodeResult.Decoded) decoder.decode((byte[]) r.get(4))).image())
            .toList();
    DnfFeaturizer f =
        new DnfFeaturizer(
            feature, ModelRegistry.get().model(backbone, conf, ExecutionSettings.cpu(1)));
    List<float[]> x = f.features(pictures);
    List<ClassifierTrainer.Example> examples = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      examples.add(new ClassifierTrainer.Example(x.get(i), rows.get(i).getInt(3)));
    }
    Path artifact =
        DnfClassifierTraining.run(
            examples,
            examples.subList(0, 8),
            feature,
            new DnfClassifierTraining.Network(18, 4, 2),
            new ClassifierTrainer.Recipe(8, 1e-3f, 2, 1e-6f, 2, true, 1),
            tmp.resolve("clf"),
            false,
            Map.of("data", "test crops"),
            QUIET);
    classifier = ModelRef.of(artifact.toUri(), null, ModelFormat.DJL_PARAMS);
  }

  private static ModelRef backbone(Path out, long seed) throws Exception {
    Path artifact =
        DnfBackboneTraining.run(
            SharedSpark.metalDam(),
            Split.TRAIN,
            new DiffusionRecipe(SIZE, 0.125, 2, 4, 1e-3f, 0.9f, seed, "linear", 1000, 0f, 2),
            new UNetConfig(1, 8, List.of(1, 2), 1, 0),
            out,
            false,
            QUIET);
    return ModelRef.of(artifact.toUri(), null, ModelFormat.DJL_PARAMS);
  }

  @Test
  void sparkScoresEqualDriverScoresAndABadImageIsAnErrorRow() {
    SparkSession spark = SharedSpark.session();
    StructType schema =
        new StructType().add("id", DataTypes.LongType).add("content", DataTypes.BinaryType);
    List<Row> input = new ArrayList<>();
    for (Row r : rows) {
      input.add(RowFactory.create(r.getLong(0), r.get(4)));
    }
    input.add(RowFactory.create(-1L, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3}));
    DnfDetector detector = new DnfDetector(classifier, backbone, 8);
    String ids = detector.preflight(new Configuration());
    assertTrue(ids.contains("+"), "classifier id + backbone id: " + ids);

    Dataset<Row> scored =
        ImageScoring.score(
            spark.createDataFrame(input, schema).repartition(3),
            "content",
            List.<ImageDetector>of(detector),
            8,
            DecodeLimits.defaults(),
            HadoopConf.of(spark));
    Map<Long, Row> byId = new HashMap<>();
    scored.collectAsList().forEach(r -> byId.put(r.getLong(0), r));
    assertEquals(input.size(), byId.size(), "every row comes back once");
    Row bad = byId.get(-1L);
    assertNull(bad.get(1));
    assertNotNull(bad.getString(2), "a corrupt image says why");

    ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
    List<BufferedImage> pictures =
        rows.stream()
            .map(r -> ((DecodeResult.Decoded) decoder.decode((byte[]) r.get(4))).image())
            .toList();
    double[] direct = detector.open(new Configuration(), ExecutionSettings.cpu(1)).score(pictures);
    for (int i = 0; i < rows.size(); i++) {
      Row r = byId.get(rows.get(i).getLong(0));
      assertNull(r.get(2));
      double p = r.getDouble(1);
      assertTrue(p >= 0 && p <= 1, "a probability: " + p);
      assertEquals(direct[i], p, 1e-5, "same score in Spark and on the driver for row " + i);
    }
  }

  @Test
  void aClassifierWithAnotherBackboneFailsOnTheDriver() throws Exception {
    ModelRef other = backbone(tmp.resolve("other"), 9);
    ModelException e =
        assertThrows(
            ModelException.class,
            () -> new DnfDetector(classifier, other, 8).preflight(new Configuration()));
    assertTrue(e.getMessage().contains("was trained on features of backbone"), e.getMessage());
    ModelException swapped =
        assertThrows(
            ModelException.class,
            () -> new DnfDetector(backbone, backbone, 8).preflight(new Configuration()));
    assertTrue(swapped.getMessage().contains("not dnf-classifier"), swapped.getMessage());
  }
}
