package com.synthscope.udfs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.diffusion.Prediction;
import com.synthscope.udfs.image.GreyRange;
import com.synthscope.udfs.model.ModelFetcher;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short real training runs on MetalDAM crops: the loss falls, checkpoints resume, the artifact
 * loads.
 */
class PfDiffSegTrainingTest {

  private static final UNetConfig TINY = new UNetConfig(6, 8, List.of(1, 2), 1, 5);

  @TempDir Path tmp;

  private static DiffusionRecipe recipe(int steps) {
    return new DiffusionRecipe(16, 0.125, steps, 8, 3e-3f, 0.9f, 11, "linear", 1000, 0.1f, 20);
  }

  @Test
  void theLossFallsAndTheArtifactPassesPreflight() throws Exception {
    Path out = tmp.resolve("run");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path artifact =
        PfDiffSegTraining.run(
            SharedSpark.metalDam(),
            Split.TRAIN,
            recipe(60),
            TINY,
            out,
            false,
            new PrintStream(log, true));

    List<String> rows = Files.readAllLines(out.resolve("loss.csv"));
    assertEquals(61, rows.size(), "header + one row per step");
    double early = meanLoss(rows.subList(1, 11));
    double late = meanLoss(rows.subList(51, 61));
    assertTrue(late < 0.8 * early, "loss " + early + " -> " + late);
    assertTrue(log.toString().contains("step 60/60"), log.toString());

    var fetched =
        ModelPreflight.check(
            ModelRef.of(artifact.toUri(), null, ModelFormat.DJL_PARAMS),
            new Configuration(),
            List.of(new long[] {6, 16, 16}, new long[0], new long[] {5}, new long[0]));
    assertEquals("pfdiffseg", fetched.manifest().kind());
    assertEquals(60.0, ((Number) fetched.manifest().recipe().get("steps")).doubleValue());
    assertTrue(Files.isRegularFile(artifact.resolve(PfDiffSegTraining.FRACTIONS_FILE)));
  }

  @Test
  void aRunResumesFromItsCheckpointAndRefusesToOverwriteOne() throws Exception {
    Path out = tmp.resolve("resume");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
    PfDiffSegTraining.run(SharedSpark.metalDam(), Split.TRAIN, recipe(20), TINY, out, false, quiet);
    String firstWeights =
        ModelFetcher.sha256(out.resolve("checkpoint").resolve("unet-0000.params"));

    assertThrows(
        IllegalStateException.class,
        () ->
            PfDiffSegTraining.run(
                SharedSpark.metalDam(), Split.TRAIN, recipe(20), TINY, out, false, quiet));
    PfDiffSegTraining.run(SharedSpark.metalDam(), Split.TRAIN, recipe(40), TINY, out, true, quiet);

    List<String> rows = Files.readAllLines(out.resolve("loss.csv"));
    assertEquals(41, rows.size(), "steps 21..40 appended after 1..20");
    assertTrue(rows.get(40).startsWith("40,"), rows.get(40));
    assertTrue(
        !firstWeights.equals(
            ModelFetcher.sha256(out.resolve("checkpoint").resolve("unet-0000.params"))));
    DiffusionRecipe other =
        new DiffusionRecipe(16, 0.25, 60, 8, 3e-3f, 0.9f, 11, "linear", 1000, 0.1f, 20);
    assertThrows(
        IllegalStateException.class,
        () ->
            PfDiffSegTraining.run(
                SharedSpark.metalDam(), Split.TRAIN, other, TINY, out, true, quiet),
        "a different scale cannot resume this checkpoint");
  }

  @Test
  void theWeightedRecipeTrainsAndIsRecordedWithItsGreyRange() throws Exception {
    DiffusionRecipe weighted =
        new DiffusionRecipe(
            16, 0.125, 20, 8, 3e-3f, 0.99f, 11, "cosine", 1000, 0.1f, 10, 3f, 5f, 5, 30, 1f);
    Path out = tmp.resolve("weighted");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
    Path artifact =
        PfDiffSegTraining.run(
            SharedSpark.metalDam(), Split.TRAIN, weighted, TINY, out, false, quiet);
    List<String> rows = Files.readAllLines(out.resolve("loss.csv"));
    assertEquals(21, rows.size());
    assertTrue(
        rows.stream().skip(1).allMatch(r -> Double.isFinite(Double.parseDouble(r.split(",")[1]))));
    var manifest =
        ModelPreflight.check(
                ModelRef.of(artifact.toUri(), null, ModelFormat.DJL_PARAMS),
                new Configuration(),
                List.of(new long[] {6, 16, 16}, new long[0], new long[] {5}, new long[0]))
            .manifest();
    assertEquals(3.0, ((Number) manifest.recipe().get("first_channel_weight")).doubleValue());
    assertEquals(5.0, ((Number) manifest.recipe().get("min_snr_gamma")).doubleValue());
    assertEquals(5.0, ((Number) manifest.recipe().get("warmup_steps")).doubleValue());
    assertEquals(30.0, ((Number) manifest.recipe().get("decay_steps")).doubleValue());
    assertEquals(20.0, ((Number) manifest.metrics().get("steps_done")).doubleValue());
    assertTrue(manifest.metrics().containsKey("train_hours"));
    GreyRange range = GreyRange.fromPreprocessing(manifest.preprocessing());
    GreyRange expected =
        PfDiffSegTraining.greyRange(
            MetalDam.loadDownscaled(SharedSpark.metalDam(), Split.TRAIN, 0.125), weighted);
    assertEquals(expected, range);
    assertTrue(
        range.low() > 0 && range.high() < 1,
        "the 1st and 99th percentiles lie inside [0, 1]: " + range);
    // resuming with the same options continues; the plain recipe's keys stay out of its manifest
    PfDiffSegTraining.run(
        SharedSpark.metalDam(),
        Split.TRAIN,
        new DiffusionRecipe(
            16, 0.125, 30, 8, 3e-3f, 0.99f, 11, "cosine", 1000, 0.1f, 10, 3f, 5f, 5, 30, 1f),
        TINY,
        out,
        true,
        quiet);
    assertEquals(31, Files.readAllLines(out.resolve("loss.csv")).size());
    assertTrue(!recipe(10).toMap().containsKey("first_channel_weight"));
  }

  @Test
  void aRunStartsFromAnotherModelsWeightsAndCanLearnV() throws Exception {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
    Path first =
        PfDiffSegTraining.run(
            SharedSpark.metalDam(), Split.TRAIN, recipe(40), TINY, tmp.resolve("a"), false, quiet);

    // one step at a vanishing learning rate on the first batch of that run (same seed, same step)
    // from the trained weights: the loss starts at the trained level, not at the random one
    DiffusionRecipe slow =
        new DiffusionRecipe(16, 0.125, 1, 8, 1e-9f, 0.9f, 11, "linear", 1000, 0.1f, 1);
    PfDiffSegTraining.run(
        SharedSpark.metalDam(),
        Split.TRAIN,
        slow.withTarget(Prediction.EPS, "first"),
        TINY,
        tmp.resolve("b"),
        false,
        first,
        quiet);
    double fresh = firstLoss(tmp.resolve("a"));
    double started = firstLoss(tmp.resolve("b"));
    assertTrue(started < 0.7 * fresh, "from the weights: " + started + ", fresh " + fresh);

    // v from the noise model's weights: the artifact says what its output is, and generates
    Path v =
        PfDiffSegTraining.run(
            SharedSpark.metalDam(),
            Split.TRAIN,
            recipe(5).withTarget(Prediction.V, "first@sha"),
            TINY,
            tmp.resolve("v"),
            false,
            first,
            quiet);
    var fetched =
        ModelPreflight.check(
            ModelRef.of(v.toUri(), null, ModelFormat.DJL_PARAMS),
            new Configuration(),
            List.of(new long[] {6, 16, 16}, new long[0], new long[] {5}, new long[0]));
    assertEquals(Prediction.V, Prediction.ofPreprocessing(fetched.manifest().preprocessing()));
    assertEquals("v", fetched.manifest().outputs().get(0).name());
    assertEquals("v", fetched.manifest().recipe().get("prediction"));
    assertEquals("first@sha", fetched.manifest().recipe().get("init"));
    assertTrue(!recipe(5).toMap().containsKey("prediction"), "a noise recipe stays as before");

    // another network cannot start from these weights
    UNetConfig wider = new UNetConfig(6, 16, List.of(1, 2), 1, 5);
    assertThrows(
        IOException.class,
        () ->
            PfDiffSegTraining.run(
                SharedSpark.metalDam(),
                Split.TRAIN,
                recipe(1),
                wider,
                tmp.resolve("wider"),
                false,
                first,
                quiet));
  }

  private static double firstLoss(Path run) throws IOException {
    return Double.parseDouble(Files.readAllLines(run.resolve("loss.csv")).get(1).split(",")[1]);
  }

  private static double meanLoss(List<String> rows) {
    return rows.stream()
        .mapToDouble(r -> Double.parseDouble(r.split(",")[1]))
        .average()
        .orElseThrow();
  }
}
