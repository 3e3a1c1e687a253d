package com.synthscope.job.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.synthscope.job.JobTestSupport;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.udfs.augment.PairPng;
import com.synthscope.udfs.testing.SharedSpark;
import com.synthscope.udfs.train.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval segmentation} end to end on MetalDAM with a hand-made augmentation set, and its usage
 * errors.
 */
class EvalSegmentationCommandTest {

  @TempDir static Path tmp;
  private static String set;

  /**
   * Six 16 px pairs in the augmentation-set layout: grey ramp, mask of class (id % 5); the last
   * fails QC.
   */
  @BeforeAll
  static void augmentationSet() {
    StructType schema =
        new StructType()
            .add("sample_id", DataTypes.LongType)
            .add("qc_pass", DataTypes.BooleanType)
            .add("image_png", DataTypes.BinaryType)
            .add("mask_png", DataTypes.BinaryType)
            .add("width", DataTypes.IntegerType)
            .add("height", DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 6; id++) {
      float[] grey = new float[256];
      byte[] mask = new byte[256];
      for (int i = 0; i < 256; i++) {
        grey[i] = i / 255f;
        mask[i] = (byte) (id % 5);
      }
      rows.add(
          RowFactory.create(
              id, id < 5, PairPng.greyPng(grey, 16, 16), PairPng.maskPng(mask, 16, 16), 16, 16));
    }
    set = tmp.resolve("aug").toString();
    SharedSpark.session().createDataFrame(rows, schema).write().parquet(set);
  }

  @Test
  void theAugmentationSetIsReadBackAsPairs() throws Exception {
    List<Pair> all =
        EvalSegmentationCommand.readAugmentation(SharedSpark.session(), set, false, 16);
    assertEquals(6, all.size());
    assertEquals(3, all.get(3).labels()[100]);
    assertEquals(100 / 255f, all.get(0).grey()[100], 1e-6f);
    assertEquals(
        5, EvalSegmentationCommand.readAugmentation(SharedSpark.session(), set, true, 16).size());
  }

  @Test
  void aShortMixedRunReportsPerClassIouOnTheTestSplit() {
    Result r =
        JobTestSupport.cli(
            "eval",
            "segmentation",
            "--data",
            SharedSpark.metalDam().toString(),
            "--augment",
            set,
            "--size",
            "16",
            "--scale",
            "0.125",
            "--steps",
            "4",
            "--batch",
            "8",
            "--eval-every",
            "2",
            "--base-channels",
            "8",
            "--seed",
            "3");
    assertEquals(0, r.code(), r.err());
    JsonObject json = r.lastLineJson();
    assertEquals(6, json.get("synthetic_pairs").getAsInt());
    assertEquals(0.25, json.get("synthetic_ratio").getAsDouble(), "the default ratio with a set");
    assertEquals(2, json.get("synthetic_per_batch").getAsInt(), "round(0.25 * 8)");
    assertEquals(2, json.getAsJsonObject("validation").size(), "validation at steps 2 and 4");
    JsonObject test = json.getAsJsonObject("test");
    assertEquals(
        7L * 1024 * 703 + 1280 * 895,
        test.get("pixels").getAsLong(),
        "the 8 test micrographs at full label resolution (micrograph 41 is the large one)");
    assertEquals(5, test.getAsJsonObject("iou").size());
    assertTrue(test.has("miou") && test.has("pixel_accuracy"));
    assertTrue(r.out().contains("martensite_austenite"), r.out());
  }

  @Test
  void usageErrorsExitWithTwo() {
    String data = SharedSpark.metalDam().toString();
    assertEquals(
        2,
        JobTestSupport.cli("eval", "segmentation", "--data", data, "--synthetic-ratio", "0.3")
            .code(),
        "a ratio without a set");
    assertEquals(
        2,
        JobTestSupport.cli("eval", "segmentation", "--data", data, "--size", "30").code(),
        "not a multiple of 4");
    assertEquals(
        2,
        JobTestSupport.cli("eval", "segmentation", "--data", data, "--class-weights", "1,2")
            .code());
    assertEquals(2, JobTestSupport.cli("eval", "segmentation", "--data", tmp.toString()).code());
    Result wrongSize =
        JobTestSupport.cli(
            "eval",
            "segmentation",
            "--data",
            data,
            "--augment",
            set,
            "--size",
            "32",
            "--steps",
            "1");
    assertEquals(2, wrongSize.code(), wrongSize.err());
    assertTrue(wrongSize.err().contains("--size"), wrongSize.err());
  }
}
