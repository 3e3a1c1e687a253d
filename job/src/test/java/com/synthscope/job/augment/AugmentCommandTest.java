package com.synthscope.job.augment;

import static com.synthscope.job.JobTestSupport.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.synthscope.job.JobTestSupport;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.udfs.model.ModelManifest;
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
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code augment} and {@code eval pfdiffseg} end to end with a briefly trained tiny model. */
class AugmentCommandTest {

  @TempDir static Path tmp;
  private static String model;

  @BeforeAll
  static void tinyModel() throws Exception {
    model =
        PfDiffSegTraining.run(
                SharedSpark.metalDam(),
                Split.TRAIN,
                new DiffusionRecipe(16, 0.125, 3, 4, 1e-3f, 0.9f, 5, "linear", 1000, 0.1f, 3),
                new UNetConfig(6, 8, List.of(1, 2), 1, 5),
                tmp.resolve("train"),
                false,
                new PrintStream(new ByteArrayOutputStream()))
            .toString();
  }

  @Test
  void aRerunWithTheSameArgumentsWritesTheSameBytes() throws Exception {
    String[] args = {
      "augment",
      "--count",
      "5",
      "--output",
      tmp.resolve("aug").toString(),
      "--export-png",
      tmp.resolve("png").toString(),
      "--model",
      model,
      "--sampler",
      "ddim:3:eta1", // fresh noise at every step, drawn from the seeds: still the same bytes
      "--batch",
      "2"
    };
    Result first = JobTestSupport.cli(args);
    assertEquals(0, first.code(), first.err());
    List<byte[]> before = pngs(tmp.resolve("png"));
    Result refused = JobTestSupport.cli(args);
    assertEquals(2, refused.code(), "an existing output needs --overwrite: " + refused.err());
    Result second = JobTestSupport.cli(concat(args, "--overwrite"));
    assertEquals(0, second.code(), second.err());
    List<byte[]> after = pngs(tmp.resolve("png"));
    assertEquals(10, before.size(), "5 images + 5 masks");
    for (int i = 0; i < before.size(); i++) {
      assertTrue(java.util.Arrays.equals(before.get(i), after.get(i)), "file " + i);
    }
    JsonObject json = second.lastLineJson();
    assertEquals(5, json.get("rows").getAsLong());
    assertEquals(
        5,
        SharedSpark.session().read().parquet(tmp.resolve("aug").toString()).count(),
        "the rerun replaced the table instead of appending");
  }

  // issue 14 item 2: a folder augment did not write is never replaced, --overwrite or not
  @Test
  void anExistingFolderOfOtherFilesIsRefusedEvenWithOverwrite() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Files.write(photos.resolve("a.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2});
    Files.writeString(photos.resolve("labels.csv"), "a.jpg,1\n");
    String[] args = {
      "augment",
      "--count",
      "2",
      "--output",
      photos.toString(),
      "--model",
      model,
      "--sampler",
      "ddim:2",
      "--batch",
      "2"
    };
    for (String[] a : List.of(args, concat(args, "--overwrite"))) {
      Result r = JobTestSupport.cli(a);
      assertEquals(2, r.code(), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
    try (Stream<Path> left = Files.list(photos)) {
      assertEquals(
          List.of("a.jpg", "labels.csv"),
          left.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals("a.jpg,1\n", Files.readString(photos.resolve("labels.csv")));
  }

  @Test
  void pairsLargerThanTheCropAreWholeMultiDiffusionCanvasesWithQcOnTheWholeMask() throws Exception {
    String[] args = {
      "augment",
      "--count",
      "3",
      "--output",
      tmp.resolve("big").toString(),
      "--export-png",
      tmp.resolve("big-png").toString(),
      "--model",
      model,
      "--sampler",
      "ddim:2:eta0.5", // the default's kind: fresh noise on the whole canvas, drawn from the seeds
      "--batch",
      "2",
      "--size",
      "40",
      "--fractions",
      "dirichlet"
    };
    Result first = JobTestSupport.cli(args);
    assertEquals(0, first.code(), first.err());
    List<byte[]> before = pngs(tmp.resolve("big-png"));
    // the rerun replaces its own earlier output, which needs --overwrite
    Result second = JobTestSupport.cli(concat(args, "--overwrite"));
    assertEquals(0, second.code(), second.err());
    List<byte[]> after = pngs(tmp.resolve("big-png"));
    assertEquals(6, before.size());
    for (int i = 0; i < before.size(); i++) {
      assertTrue(
          java.util.Arrays.equals(before.get(i), after.get(i)),
          "file " + i + " differs between reruns");
    }
    for (org.apache.spark.sql.Row r :
        SharedSpark.session().read().parquet(tmp.resolve("big").toString()).collectAsList()) {
      assertEquals(40, r.<Integer>getAs("width"));
      assertEquals(40, r.<Integer>getAs("height"));
      java.awt.image.BufferedImage mask =
          javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(r.<byte[]>getAs("mask_png")));
      assertEquals(40, mask.getWidth());
      byte[] labels = new byte[40 * 40];
      for (int y = 0; y < 40; y++) {
        for (int x = 0; x < 40; x++) {
          labels[y * 40 + x] = (byte) mask.getRaster().getSample(x, y, 0);
        }
      }
      // achieved fractions, L1 and QC are those of the whole 40 x 40 mask, not of a window
      float[] whole = com.synthscope.udfs.augment.PhaseFractions.of(labels, 5);
      List<Float> achieved = r.getList(r.fieldIndex("achieved"));
      List<Float> requested = r.getList(r.fieldIndex("requested"));
      float l1 = 0;
      for (int k = 0; k < 5; k++) {
        assertEquals(whole[k], achieved.get(k), 1e-6f);
        l1 += Math.abs(requested.get(k) - whole[k]);
      }
      assertEquals(l1, r.<Float>getAs("fraction_l1"), 1e-5f);
      assertEquals(l1 <= 0.05f, r.<Boolean>getAs("qc_pass"));
    }
    assertEquals(
        2,
        JobTestSupport.cli(
                "augment",
                "--count",
                "2",
                "--output",
                tmp.resolve("small").toString(),
                "--model",
                model,
                "--size",
                "8")
            .code(),
        "a side below the model's crop is refused");
  }

  @Test
  void theSteeringScheduleIsAppliedAndRecordedInTheSamplerColumn() {
    Result r =
        JobTestSupport.cli(
            "augment",
            "--count",
            "2",
            "--output",
            tmp.resolve("sched").toString(),
            "--model",
            model,
            "--sampler",
            "ddim:2",
            "--steering-schedule",
            "sqrt-abar");
    assertEquals(0, r.code(), r.err());
    List<Row> rows =
        SharedSpark.session()
            .read()
            .parquet(tmp.resolve("sched").toString())
            .select("sampler")
            .collectAsList();
    assertEquals(2, rows.size());
    for (Row row : rows) {
      assertEquals("ddim:2+steer:1.0@sqrt-abar", row.getString(0));
    }
    Result byDefault =
        JobTestSupport.cli(
            "augment",
            "--count",
            "2",
            "--output",
            tmp.resolve("sched-default").toString(),
            "--model",
            model);
    assertEquals(0, byDefault.code(), byDefault.err());
    for (Row row :
        SharedSpark.session()
            .read()
            .parquet(tmp.resolve("sched-default").toString())
            .select("sampler")
            .collectAsList()) {
      assertEquals(
          "ddim:50:eta0.5+steer:1.0@minority-first",
          row.getString(0),
          "without --sampler and --steering-schedule: DDIM-50 at eta 0.5, minority classes first");
    }
    Result unknown =
        JobTestSupport.cli(
            "augment",
            "--count",
            "2",
            "--output",
            tmp.resolve("sched2").toString(),
            "--model",
            model,
            "--steering-schedule",
            "cosine");
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("sqrt-abar"), "names the choices: " + unknown.err());
  }

  @Test
  void aMissingModelOrBadSamplerIsAConfigurationError() {
    Result missing =
        JobTestSupport.cli(
            "augment",
            "--count",
            "2",
            "--output",
            tmp.resolve("x").toString(),
            "--model",
            tmp.resolve("nope").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("not found"), missing.err());
    assertEquals(
        2,
        JobTestSupport.cli("augment", "--count", "2", "--output", "y", "--sampler", "ddim").code());
  }

  @Test
  void evalReportsFractionControlAndSpeedAsJson() {
    Result r =
        JobTestSupport.cli(
            "eval",
            "pfdiffseg",
            "--model",
            model,
            "--count",
            "4",
            "--allow-small",
            "--batch",
            "2",
            "--sampler",
            "ddim:2",
            "--speed",
            "ddim:2,ddim:1",
            "--grid",
            tmp.resolve("grid.png").toString());
    assertEquals(0, r.code(), r.err());
    JsonObject json = r.lastLineJson();
    assertEquals(4, json.getAsJsonObject("empirical").get("samples").getAsInt());
    assertTrue(
        json.getAsJsonObject("dirichlet").getAsJsonObject("mean_requested").has("precipitate"));
    assertTrue(json.getAsJsonObject("samples_per_second").has("ddim:1"));
    assertTrue(Files.isRegularFile(tmp.resolve("grid.png")));
    Result quality =
        JobTestSupport.cli(
            "eval",
            "pfdiffseg",
            "--model",
            model,
            "--count",
            "4",
            "--allow-small",
            "--batch",
            "2",
            "--sampler",
            "ddim:2",
            "--parts",
            "fractions,realism,agreement",
            "--data",
            SharedSpark.metalDam().toString(),
            "--agreement-steps",
            "4",
            "--real-grid",
            tmp.resolve("real.png").toString());
    assertEquals(0, quality.code(), quality.err());
    JsonObject realism = quality.lastLineJson().getAsJsonObject("realism");
    assertEquals(4, realism.get("real_crops").getAsInt());
    double accuracy = realism.get("classifier_heldout_accuracy").getAsDouble();
    assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
    assertTrue(
        realism.get("histogram_tv_distance").getAsDouble() > 0,
        "a 3-step model is not the real data");
    JsonObject reference = realism.getAsJsonObject("train_crops_against_test_crops");
    assertEquals(4, reference.get("train_crops").getAsInt(), "as many real training crops");
    double floor = reference.get("classifier_heldout_accuracy").getAsDouble();
    assertTrue(floor >= 0 && floor <= 1, "reference accuracy " + floor);
    assertTrue(
        reference.get("histogram_tv_distance").getAsDouble()
            != realism.get("histogram_tv_distance").getAsDouble(),
        "the reference compares other images than the generated ones");
    JsonObject agreement = quality.lastLineJson().getAsJsonObject("agreement");
    assertEquals(
        4 * 16 * 16,
        agreement.getAsJsonObject("generated").get("pixels").getAsLong(),
        "every generated pixel scored against its own mask");
    assertTrue(agreement.has("real_test_miou") && agreement.has("ratio"));
    assertEquals(
        4 * 16 * 16,
        agreement.getAsJsonObject("real_test_crops").get("pixels").getAsLong(),
        "as many real test crops of the same size, each scored alone");
    assertTrue(agreement.has("real_test_crops_miou") && agreement.has("ratio_to_real_test_crops"));
    double matrixGrey =
        agreement.getAsJsonObject("real_test_crops_mean_grey").get("matrix").getAsDouble();
    assertTrue(matrixGrey > 0 && matrixGrey < 1, "real matrix pixels' mean grey " + matrixGrey);
    assertTrue(agreement.getAsJsonObject("generated_mean_grey").size() > 0);
    assertTrue(Files.isRegularFile(tmp.resolve("real.png")));
    Result loss =
        JobTestSupport.cli(
            "eval",
            "pfdiffseg",
            "--model",
            model,
            "--parts",
            "loss",
            "--data",
            SharedSpark.metalDam().toString(),
            "--count",
            "4",
            "--allow-small",
            "--batch",
            "2");
    assertEquals(0, loss.code(), loss.err());
    com.google.gson.JsonArray ranges =
        loss.lastLineJson().getAsJsonObject("denoising_loss").getAsJsonArray("ranges");
    assertEquals(10, ranges.size());
    double first = ranges.get(0).getAsJsonObject().get("image_gaussian_mse").getAsDouble();
    double last = ranges.get(9).getAsJsonObject().get("image_gaussian_mse").getAsDouble();
    assertTrue(
        first > last,
        "the structure-free reference falls as the noise rises: " + first + " -> " + last);
    assertTrue(ranges.get(0).getAsJsonObject().get("mask_mse").getAsDouble() > 0);
    assertEquals(
        2,
        JobTestSupport.cli(
                "eval",
                "pfdiffseg",
                "--model",
                model,
                "--parts",
                "speed,realism",
                "--data",
                SharedSpark.metalDam().toString())
            .code(),
        "realism needs the fractions part's pairs");
    Result canvas =
        JobTestSupport.cli(
            "eval",
            "pfdiffseg",
            "--model",
            model,
            "--parts",
            "canvas",
            "--canvas-size",
            "48",
            "--canvas-picture",
            tmp.resolve("canvas.png").toString(),
            "--sampler",
            "ddim:2");
    assertEquals(0, canvas.code(), canvas.err());
    JsonObject big = canvas.lastLineJson().getAsJsonObject("canvas");
    assertEquals(
        25, big.get("windows_per_step").getAsInt(), "windows of 16 at stride 8 over 48 px: 5 x 5");
    assertTrue(Files.isRegularFile(tmp.resolve("canvas.png")));
    assertEquals(
        2,
        JobTestSupport.cli("eval", "pfdiffseg", "--model", model, "--count", "8").code(),
        "fewer than 64 samples is refused");
  }

  // a model names the guidance it is meant to be sampled with; --guidance still overrides it
  @Test
  void theGuidanceDefaultsToTheModelsOwnScaleThenToFour() throws Exception {
    Path own = tmp.resolve("own-guidance");
    copyModel(Path.of(model), own, Map.of("guidance", 1.5));
    Path bad = tmp.resolve("bad-guidance");
    copyModel(Path.of(model), bad, Map.of("guidance", "strong"));
    assertEquals(4.0, evalGuidance(model), "a model that names no guidance");
    assertEquals(1.5, evalGuidance(own.toString()), "the manifest's preprocessing.guidance");
    assertEquals(2.0, evalGuidance(own.toString(), "--guidance", "2"), "--guidance overrides");
    Result refused = eval(bad.toString());
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("preprocessing.guidance"), refused.err());
    Result negative = eval(own.toString(), "--guidance", "-1");
    assertEquals(2, negative.code(), negative.err());
  }

  @Test
  void trainingStartsFromAModelOfTheSameNetworkAndLearnsV() throws Exception {
    Path out = tmp.resolve("from-model");
    Result v =
        trainFrom(out, "--base-channels", "8", "--multipliers", "1,2", "--timestep-power", "2");
    assertEquals(0, v.code(), v.err());
    ModelManifest m = ModelManifest.read(out.resolve("model"), "test");
    assertEquals("v", m.preprocessing().get("prediction"), "the artifact says what it outputs");
    assertTrue(
        String.valueOf(m.recipe().get("init")).startsWith("pfdiffseg-metaldam-16px@"),
        "the recipe names the model it started from: " + m.recipe());
    assertEquals(2.0, ((Number) m.recipe().get("timestep_power")).doubleValue());
    Result r = eval(out.resolve("model").toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(2, r.lastLineJson().getAsJsonObject("empirical").get("samples").getAsInt());

    Result wider = trainFrom(tmp.resolve("wider"), "--base-channels", "16", "--multipliers", "1,2");
    assertEquals(2, wider.code(), wider.err());
    assertTrue(wider.err().contains("--init"), wider.err());
    Result target =
        trainFrom(
            tmp.resolve("x0"),
            "--base-channels",
            "8",
            "--multipliers",
            "1,2",
            "--prediction",
            "x0");
    assertEquals(2, target.code(), target.err());
  }

  private static Result trainFrom(Path out, String... network) {
    return JobTestSupport.cli(
        concat(
            new String[] {
              "train",
              "pfdiffseg",
              "--data",
              SharedSpark.metalDam().toString(),
              "--out",
              out.toString(),
              "--size",
              "16",
              "--scale",
              "0.125",
              "--steps",
              "2",
              "--batch",
              "4",
              "--checkpoint-every",
              "2",
              "--init",
              model,
              "--prediction",
              "v"
            },
            network));
  }

  private static double evalGuidance(String model, String... extra) {
    Result r = eval(model, extra);
    assertEquals(0, r.code(), r.err());
    return r.lastLineJson().get("guidance").getAsDouble();
  }

  private static Result eval(String model, String... extra) {
    return JobTestSupport.cli(
        concat(
            new String[] {
              "eval",
              "pfdiffseg",
              "--model",
              model,
              "--count",
              "2",
              "--allow-small",
              "--batch",
              "2",
              "--sampler",
              "ddim:1",
              "--speed",
              "ddim:1"
            },
            extra));
  }

  private static void copyModel(Path from, Path to, Map<String, ?> preprocessing) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
    ModelManifest m = ModelManifest.read(to, "test");
    Files.writeString(
        to.resolve(ModelManifest.FILE_NAME), m.withPreprocessing(preprocessing).toJson());
  }

  private static List<byte[]> pngs(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> p.toString().endsWith(".png"))
          .sorted()
          .map(
              p -> {
                try {
                  return Files.readAllBytes(p);
                } catch (java.io.IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .toList();
    }
  }
}
