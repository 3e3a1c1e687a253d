package com.synthscope.job.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.synthscope.job.JobTestSupport;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.testing.SharedSpark;
import com.synthscope.udfs.train.DiffusionRecipe;
import com.synthscope.udfs.train.PfDiffSegTraining;
import com.synthscope.udfs.train.Split;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector workflow end to end on a small micrograph benchmark: bench-data, train and eval for
 * DNF (and its pixel baseline) and NS-Net, with the embedded backbone and encoder and a briefly
 * trained tiny PF-DiffSeg.
 */
class DetectorCommandsTest {

  @TempDir static Path tmp;
  private static String bench;

  @BeforeAll
  static void smallBenchmark() throws Exception {
    String pf =
        PfDiffSegTraining.run(
                SharedSpark.metalDam(),
                Split.TRAIN,
                new DiffusionRecipe(16, 0.125, 3, 4, 1e-3f, 0.9f, 5, "linear", 1000, 0.1f, 3),
                new UNetConfig(6, 8, List.of(1, 2), 1, 5),
                tmp.resolve("pf"),
                false,
                new PrintStream(new ByteArrayOutputStream()))
            .toString();
    bench = tmp.resolve("bench").toString();
    Result r =
        JobTestSupport.cli(
            "bench-data",
            "micrographs",
            "--out",
            bench,
            "--data",
            SharedSpark.metalDam().toString(),
            "--model",
            pf,
            "--train",
            "8",
            "--val",
            "4",
            "--test",
            "4",
            "--batch",
            "4",
            "--real-factor",
            "2");
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void theBenchmarkHasEveryGeneratorInEverySplitWithLabels() {
    Dataset<Row> t = SharedSpark.session().read().parquet(bench);
    assertEquals(4 * (8 + 4 + 4) + 2 * (8 + 4 + 4), t.count(), "real crops twice as many");
    List<Row> counts = t.groupBy("split", "generator", "label").count().collectAsList();
    assertEquals(15, counts.size(), "3 splits x 5 generators");
    for (Row c : counts) {
      long expected =
          (c.getString(1).equals("real") ? 2 : 1)
              * switch (c.getString(0)) {
                case "train" -> 8;
                default -> 4;
              };
      assertEquals(expected, c.getLong(3), c.toString());
      assertEquals(c.getString(1).equals("real") ? 0 : 1, c.getInt(2), c.toString());
    }
    assertEquals(
        Set.of("real", "upsampled", "pfdiffseg-ddim50", "pfdiffseg-ddim10", "pfdiffseg-steered"),
        Set.copyOf(
            t.select("generator")
                .distinct()
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()));
    for (Row r : t.select("generator", "source").collectAsList()) {
      assertEquals(
          r.getString(0).equals("pfdiffseg-steered"),
          r.getString(1).contains("+steer:1.0"),
          "only the steered rows were made with fraction steering: " + r);
    }
  }

  @Test
  void dnfTrainsAndEvaluatesPerGenerator() {
    Path out = tmp.resolve("dnf");
    Result train =
        JobTestSupport.cli(
            "train",
            "dnf",
            "--data",
            bench,
            "--out",
            out.toString(),
            "--train-generator",
            "pfdiffseg-ddim50",
            "--width",
            "4",
            "--batch",
            "8",
            "--max-epochs",
            "2");
    assertEquals(0, train.code(), train.err());
    assertEquals(
        2 * 8 + 8, train.lastLineJson().get("train_examples").getAsInt(), "real + one generator");
    assertTrue(Files.isRegularFile(out.resolve("model/synthscope-model.json")));

    Result eval =
        JobTestSupport.cli(
            "eval", "dnf", "--data", bench, "--classifier", out.resolve("model").toString());
    assertEquals(0, eval.code(), eval.err());
    JsonObject subsets = eval.lastLineJson().getAsJsonObject("subsets");
    assertEquals(
        Set.of("pfdiffseg-ddim10", "pfdiffseg-ddim50", "pfdiffseg-steered", "upsampled", "all"),
        subsets.keySet());
    JsonObject one = subsets.getAsJsonObject("upsampled");
    assertEquals(
        2 * 4, one.get("real").getAsInt(), "test split: the real test images with each subset");
    assertEquals(4, one.get("fake").getAsInt());
    assertEquals(
        2 * 4 + 4 * 4,
        subsets.getAsJsonObject("all").get("real").getAsInt()
            + subsets.getAsJsonObject("all").get("fake").getAsInt());

    Result pixels =
        JobTestSupport.cli(
            "train",
            "dnf",
            "--data",
            bench,
            "--out",
            tmp.resolve("pixels").toString(),
            "--feature",
            "pixels",
            "--size",
            "16",
            "--width",
            "4",
            "--batch",
            "8",
            "--max-epochs",
            "1");
    assertEquals(0, pixels.code(), pixels.err());
    assertEquals(
        "pixels", pixels.lastLineJson().getAsJsonObject("feature").get("feature").getAsString());
  }

  @Test
  void theRidgeNullSpaceIsRefusedBeforeAnyFeatureIsComputedWhenTheDataHasNoFractions()
      throws Exception {
    Path data = tmp.resolve("no-fractions");
    for (String dir : List.of("real/0_real", "gen/1_fake")) {
      for (int i = 0; i < 2; i++) {
        java.awt.image.BufferedImage img =
            new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(i, i, 0, 200);
        JobTestSupport.png(data.resolve(dir + "/" + i + ".png"), img);
      }
    }
    Path out = tmp.resolve("no-fractions-head");
    Result r =
        JobTestSupport.cli(
            "train",
            "nsnet",
            "--data",
            data.toString(),
            "--out",
            out.toString(),
            "--null-space",
            "ridge");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--null-space ridge needs a fractions column"), r.err());
    assertFalse(Files.exists(out.resolve("features")), "no feature was computed");
  }

  @Test
  void nsNetTrainsWithAndWithoutTheNullSpaceOnSharedFeatures() {
    Path features = tmp.resolve("nsnet-features");
    Result ridge =
        JobTestSupport.cli(
            "train",
            "nsnet",
            "--data",
            bench,
            "--out",
            tmp.resolve("ridge").toString(),
            "--features",
            features.toString(),
            "--batch",
            "8",
            "--max-epochs",
            "2");
    assertEquals(0, ridge.code(), ridge.err());
    assertEquals("ridge", ridge.lastLineJson().get("null_space").getAsString());
    Result none =
        JobTestSupport.cli(
            "train",
            "nsnet",
            "--data",
            bench,
            "--out",
            tmp.resolve("none").toString(),
            "--features",
            features.toString(),
            "--null-space",
            "none",
            "--batch",
            "8",
            "--max-epochs",
            "2");
    assertEquals(0, none.code(), none.err());
    assertTrue(
        none.out().contains("reusing the features"), "the ablation reads the stored features");

    Result eval =
        JobTestSupport.cli(
            "eval", "nsnet", "--data", bench, "--head", tmp.resolve("ridge/model").toString());
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.lastLineJson().getAsJsonObject("subsets").has("pfdiffseg-ddim10"));

    Result wrong =
        JobTestSupport.cli(
            "eval", "dnf", "--data", bench, "--classifier", tmp.resolve("ridge/model").toString());
    assertEquals(2, wrong.code(), "an NS-Net head is no DNF classifier");
    assertTrue(wrong.err().contains("not dnf-classifier"), wrong.err());
  }

  @Test
  void evalAndAuditTakeTheSameModelSettingsAndRefuseAModelOfAnotherKind() throws Exception {
    // a TorchScript artifact whose manifest kind is test-fixture: both commands accept the format
    // option and refuse
    // the kind with the same reason, before anything runs
    Path fixture = Files.createDirectories(tmp.resolve("tiny-torchscript"));
    for (String f : List.of("synthscope-model.json", "tiny.pt")) {
      try (var in =
          DetectorCommandsTest.class.getResourceAsStream("/models/tiny-torchscript/" + f)) {
        Files.copy(in, fixture.resolve(f));
      }
    }
    Path images = Files.createDirectories(tmp.resolve("kind-images"));
    Files.write(
        images.resolve("a.png"),
        com.synthscope.udfs.testing.ImageCorpus.encode(
            com.synthscope.udfs.testing.ImageCorpus.noiseRgb(40, 40, 1), "png"));
    Result eval =
        JobTestSupport.cli(
            "eval",
            "dnf",
            "--data",
            bench,
            "--backbone",
            fixture.toString(),
            "--backbone-format",
            "torchscript");
    Result audit =
        JobTestSupport.cli(
            "audit",
            "--input",
            images.toString(),
            "--output",
            tmp.resolve("kind-audit").toString(),
            "--detectors",
            "dnf",
            "--model",
            "dnf.backbone=" + fixture,
            "--model",
            "dnf.backbone-format=torchscript");
    for (Result r : List.of(eval, audit)) {
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains("is a test-fixture model, not dnf-backbone"), r.err());
    }
    assertTrue(!Files.exists(tmp.resolve("kind-audit/scores")), "nothing written");
  }
}
