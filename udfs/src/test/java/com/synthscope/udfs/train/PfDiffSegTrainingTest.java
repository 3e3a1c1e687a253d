package com.synthscope.udfs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.model.ModelFetcher;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Short real training runs on MetalDAM crops: the loss falls, checkpoints resume, the artifact loads. */
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
    Path artifact = PfDiffSegTraining.run(SharedSpark.metalDam(), Split.TRAIN, recipe(60), TINY, out, false,
        new PrintStream(log, true));

    List<String> rows = Files.readAllLines(out.resolve("loss.csv"));
    assertEquals(61, rows.size(), "header + one row per step");
    double early = meanLoss(rows.subList(1, 11));
    double late = meanLoss(rows.subList(51, 61));
    assertTrue(late < 0.8 * early, "loss " + early + " -> " + late);
    assertTrue(log.toString().contains("step 60/60"), log.toString());

    var fetched = ModelPreflight.check(ModelRef.of(artifact.toUri(), null, ModelFormat.DJL_PARAMS),
        new Configuration(), List.of(new long[] {6, 16, 16}, new long[0], new long[] {5}, new long[0]));
    assertEquals("pfdiffseg", fetched.manifest().kind());
    assertEquals(60.0, ((Number) fetched.manifest().recipe().get("steps")).doubleValue());
    assertTrue(Files.isRegularFile(artifact.resolve(PfDiffSegTraining.FRACTIONS_FILE)));
  }

  @Test
  void aRunResumesFromItsCheckpointAndRefusesToOverwriteOne() throws Exception {
    Path out = tmp.resolve("resume");
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
    PfDiffSegTraining.run(SharedSpark.metalDam(), Split.TRAIN, recipe(20), TINY, out, false, quiet);
    String firstWeights = ModelFetcher.sha256(out.resolve("checkpoint").resolve("unet-0000.params"));

    assertThrows(IllegalStateException.class,
        () -> PfDiffSegTraining.run(SharedSpark.metalDam(), Split.TRAIN, recipe(20), TINY, out, false, quiet));
    PfDiffSegTraining.run(SharedSpark.metalDam(), Split.TRAIN, recipe(40), TINY, out, true, quiet);

    List<String> rows = Files.readAllLines(out.resolve("loss.csv"));
    assertEquals(41, rows.size(), "steps 21..40 appended after 1..20");
    assertTrue(rows.get(40).startsWith("40,"), rows.get(40));
    assertTrue(!firstWeights.equals(ModelFetcher.sha256(out.resolve("checkpoint").resolve("unet-0000.params"))));
    DiffusionRecipe other = new DiffusionRecipe(16, 0.25, 60, 8, 3e-3f, 0.9f, 11, "linear", 1000, 0.1f, 20);
    assertThrows(IllegalStateException.class,
        () -> PfDiffSegTraining.run(SharedSpark.metalDam(), Split.TRAIN, other, TINY, out, true, quiet),
        "a different scale cannot resume this checkpoint");
  }

  private static double meanLoss(List<String> rows) {
    return rows.stream().mapToDouble(r -> Double.parseDouble(r.split(",")[1])).average().orElseThrow();
  }
}
