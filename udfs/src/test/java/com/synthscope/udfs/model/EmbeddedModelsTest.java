package com.synthscope.udfs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models shipped inside the jar load by their embedded: URI with no flag, and pass the driver's
 * checks.
 */
class EmbeddedModelsTest {

  @TempDir Path tmp;

  @Test
  void theDefaultPfDiffSegModelIsEmbeddedAndPassesPreflight() {
    FetchedModel f = new ModelFetcher(tmp).fetch(EmbeddedModels.pfDiffSeg(), new Configuration());
    assertEquals("pfdiffseg", f.manifest().kind());
    assertTrue(Files.isRegularFile(f.folder().resolve("train-fractions.csv")));
    long size = ((Number) f.manifest().preprocessing().get("size")).longValue();
    FetchedModel checked =
        ModelPreflight.check(
            EmbeddedModels.pfDiffSeg(),
            new Configuration(),
            List.of(new long[] {6, size, size}, new long[0], new long[] {5}, new long[0]));
    assertEquals(f.modelId(), checked.modelId());
    assertTrue(((Number) f.manifest().recipe().get("steps")).intValue() > 0);
  }

  @Test
  void anUnknownEmbeddedNameSaysItIsNotEmbedded() {
    ModelRef ref = ModelRef.of(URI.create("embedded:no-such-model"), null, ModelFormat.DJL_PARAMS);
    ModelException e =
        assertThrows(
            ModelException.class, () -> new ModelFetcher(tmp).fetch(ref, new Configuration()));
    assertTrue(e.getMessage().contains("is not embedded in this build"), e.getMessage());
  }
}
