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

  // version 2 (the long run) is the default; version 1 stays embedded so that the detector
  // benchmarks made with its fakes (docs/detectors.md) can be rebuilt from a fresh clone
  @Test
  void theDefaultGeneratorIsVersionTwoAtItsOwnGuidanceAndVersionOneStaysReachable() {
    FetchedModel v2 = new ModelFetcher(tmp).fetch(EmbeddedModels.pfDiffSeg(), new Configuration());
    assertEquals("2", v2.manifest().version());
    assertEquals(1.0, ((Number) v2.manifest().preprocessing().get("guidance")).doubleValue());
    assertEquals("cosine", v2.manifest().arguments().get("schedule"));
    ModelRef ref =
        ModelRef.of(URI.create("embedded:pfdiffseg-v1"), null, ModelFormat.DJL_PARAMS, "pfdiffseg");
    FetchedModel v1 = new ModelFetcher(tmp).fetch(ref, new Configuration());
    assertEquals("1", v1.manifest().version());
    assertEquals("linear", v1.manifest().arguments().get("schedule"));
    assertTrue(!v1.manifest().preprocessing().containsKey("guidance"), "version 1 samples at 4");
    assertTrue(!v1.modelId().equals(v2.modelId()));
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
