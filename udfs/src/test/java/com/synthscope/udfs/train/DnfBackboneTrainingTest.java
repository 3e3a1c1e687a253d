package com.synthscope.udfs.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.detect.dnf.DnfExtractor;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelFetcher;
import com.synthscope.udfs.model.ModelFormat;
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

/**
 * A short real run of the DNF backbone training; its artifact has the DNF contract and feeds the
 * extractor.
 */
class DnfBackboneTrainingTest {

  @TempDir Path tmp;

  @Test
  void theLossFallsAndTheArtifactFeedsTheExtractor() throws Exception {
    Path out = tmp.resolve("backbone");
    Path artifact =
        DnfBackboneTraining.run(
            SharedSpark.metalDam(),
            Split.TRAIN,
            new DiffusionRecipe(16, 0.125, 40, 8, 3e-3f, 0.9f, 3, "linear", 1000, 0f, 20),
            new UNetConfig(1, 8, List.of(1, 2), 1, 0),
            out,
            false,
            new PrintStream(new ByteArrayOutputStream()));
    List<String> rows = Files.readAllLines(out.resolve("loss.csv"));
    double early =
        rows.subList(1, 9).stream()
            .mapToDouble(r -> Double.parseDouble(r.split(",")[1]))
            .average()
            .orElseThrow();
    double late =
        rows.subList(33, 41).stream()
            .mapToDouble(r -> Double.parseDouble(r.split(",")[1]))
            .average()
            .orElseThrow();
    assertTrue(late < 0.8 * early, "loss " + early + " -> " + late);

    try (LoadedModel m =
        LoadedModel.load(
            new ModelFetcher(tmp.resolve("cache"))
                .fetch(
                    ModelRef.of(artifact.toUri(), null, ModelFormat.DJL_PARAMS),
                    new Configuration()),
            ExecutionSettings.cpu(1))) {
      assertEquals("dnf-backbone", m.manifest().kind());
      assertEquals(2, m.manifest().inputs().size(), "x and t only: unconditional");
      float[] x = new float[2 * 16 * 16];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) Math.sin(i * 0.1);
      }
      float[] features = DnfExtractor.released().extract(DnfExtractor.predictor(m), x, 2);
      assertEquals(x.length, features.length);
      for (float f : features) {
        assertTrue(f >= 0f && f <= 1f, "clip01-uint8 features lie in [0, 1]");
      }
    }
  }
}
