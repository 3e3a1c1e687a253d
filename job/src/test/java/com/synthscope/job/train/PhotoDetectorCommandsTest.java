package com.synthscope.job.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.synthscope.job.JobTestSupport;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.udfs.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The photo workflow on a small slice of CIFAKE: the class-trained encoder, NS-Net with the class
 * null space, the RGB pixel baseline, evaluation with a perturbation, per-class rows and score
 * files, and their fusion.
 */
class PhotoDetectorCommandsTest {

  @TempDir static Path tmp;
  private static String data;

  @BeforeAll
  static void smallCifake() {
    Dataset<Row> t = SharedSpark.session().read().parquet(SharedSpark.cifake().toString());
    // per split, label and class the first few by path: every class in every split
    Dataset<Row> small =
        t.withColumn(
                "n",
                row_number()
                    .over(Window.partitionBy("split", "label", "cifar_class").orderBy("path")))
            .filter(col("n").leq(col("split").equalTo("train").cast("int").multiply(4).plus(2)))
            .drop("n");
    data = tmp.resolve("cifake-small").toString();
    small.coalesce(1).write().parquet(data);
  }

  @Test
  void encoderHeadPixelsEvalAndFusion() throws Exception {
    Path enc = tmp.resolve("encoder");
    Result e =
        JobTestSupport.cli(
            "train",
            "nsnet-encoder",
            "--data",
            data,
            "--out",
            enc.toString(),
            "--depth",
            "8",
            "--width",
            "4",
            "--batch",
            "16",
            "--max-epochs",
            "1");
    assertEquals(0, e.code(), e.err());
    assertEquals(
        60, e.lastLineJson().get("train_images").getAsInt(), "6 real training images per class");
    assertEquals(20, e.lastLineJson().get("validation_images").getAsInt());

    Result head =
        JobTestSupport.cli(
            "train",
            "nsnet",
            "--data",
            data,
            "--out",
            tmp.resolve("head").toString(),
            "--encoder",
            enc.resolve("model").toString(),
            "--batch",
            "16",
            "--max-epochs",
            "1");
    assertEquals(0, head.code(), head.err());
    assertEquals(
        "classes:weights",
        head.lastLineJson().get("null_space").getAsString(),
        "the photo default");
    assertTrue(head.out().contains("semantic rank 9 of 16"), head.out());
    Result ridge =
        JobTestSupport.cli(
            "train",
            "nsnet",
            "--data",
            data,
            "--out",
            tmp.resolve("ridge").toString(),
            "--encoder",
            enc.resolve("model").toString(),
            "--null-space",
            "ridge",
            "--batch",
            "16",
            "--max-epochs",
            "1");
    assertEquals(2, ridge.code(), "CIFAKE has no fractions to regress on");

    Path nsScores = tmp.resolve("nsnet.csv");
    Result evalNs =
        JobTestSupport.cli(
            "eval",
            "nsnet",
            "--data",
            data,
            "--encoder",
            enc.resolve("model").toString(),
            "--head",
            tmp.resolve("head/model").toString(),
            "--perturb",
            "jpeg:75",
            "--by",
            "cifar_class",
            "--scores",
            nsScores.toString());
    assertEquals(0, evalNs.code(), evalNs.err());
    JsonObject j = evalNs.lastLineJson();
    assertEquals("jpeg:75", j.get("perturbation").getAsString());
    assertEquals(10, j.getAsJsonObject("by_cifar_class").size());
    JsonObject all = j.getAsJsonObject("subsets").getAsJsonObject("all");
    assertEquals(
        40,
        all.get("real").getAsInt() + all.get("fake").getAsInt(),
        "2 test images per class and label");
    assertTrue(all.has("auroc"));
    assertEquals(41, Files.readAllLines(nsScores).size(), "header + one line per test image");

    Result pixels =
        JobTestSupport.cli(
            "train",
            "dnf",
            "--data",
            data,
            "--out",
            tmp.resolve("pixels").toString(),
            "--feature",
            "pixels",
            "--channels",
            "3",
            "--upsample",
            "1",
            "--width",
            "4",
            "--batch",
            "16",
            "--crop-padding",
            "2",
            "--mirror-average",
            "--max-epochs",
            "1");
    assertEquals(0, pixels.code(), pixels.err());
    assertEquals(3, pixels.lastLineJson().getAsJsonObject("feature").get("channels").getAsInt());
    JsonObject manifest =
        com.google.gson.JsonParser.parseString(
                Files.readString(tmp.resolve("pixels/model/synthscope-model.json")))
            .getAsJsonObject();
    // the translation augmentation is part of the recipe the artifact records
    assertEquals(2, manifest.getAsJsonObject("recipe").get("crop_padding").getAsInt());
    // so is the test-time mirror averaging, beside the contract
    assertTrue(
        manifest.getAsJsonObject("preprocessing").get("mirror_average").getAsBoolean(),
        manifest.toString());
    // colour data without --contract-scale: the artifact says photos are scored whole, not on tiles
    JsonObject contract = manifest.getAsJsonObject("preprocessing").getAsJsonObject("contract");
    assertEquals("whole", contract.get("kind").getAsString(), contract.toString());
    assertEquals("rgb", contract.get("colour").getAsString(), contract.toString());
    Path pxScores = tmp.resolve("pixels.csv");
    Result evalPx =
        JobTestSupport.cli(
            "eval",
            "dnf",
            "--data",
            data,
            "--classifier",
            tmp.resolve("pixels/model").toString(),
            "--scores",
            pxScores.toString());
    assertEquals(0, evalPx.code(), evalPx.err());

    Result fused =
        JobTestSupport.cli(
            "eval", "fused", "--scores", nsScores.toString(), "--scores", pxScores.toString());
    assertEquals(0, fused.code(), fused.err());
    assertTrue(fused.out().contains("0 images lack a score"), fused.out());
    assertEquals(
        10,
        fused.lastLineJson().getAsJsonObject("by_group").size(),
        "groups carried from the first file");

    // the fitted photo fusion over the same files (dnf first, as the fusion lists it), at its
    // calibrated threshold
    Result fitted =
        JobTestSupport.cli(
            "eval",
            "fused",
            "--fusion",
            "embedded:photos-fusion",
            "--threshold",
            "calibrated",
            "--scores",
            pxScores.toString(),
            "--scores",
            nsScores.toString());
    assertEquals(0, fitted.code(), fitted.err());
    assertEquals(
        com.synthscope.udfs.detect.LogisticFusion.embedded(
                com.synthscope.udfs.detect.DetectorDomain.PHOTOS)
            .calibration()
            .threshold(),
        fitted.lastLineJson().get("threshold").getAsDouble(),
        1e-12);
    assertTrue(fitted.lastLineJson().get("rule").getAsString().startsWith("sigmoid("));
    Result missing =
        JobTestSupport.cli(
            "eval",
            "fused",
            "--fusion",
            "embedded:no-such",
            "--scores",
            pxScores.toString(),
            "--scores",
            nsScores.toString());
    assertEquals(2, missing.code(), missing.out());
  }
}
