package com.synthscope.udfs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.diffusion.Prediction;
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

  // version 3 (version 2 fine-tuned for v-prediction) is the default; versions 2 and 1 stay
  // embedded so that the figures measured with them (docs/pfdiffseg.md, docs/detectors.md) can be
  // rebuilt from a fresh clone
  @Test
  void theDefaultGeneratorIsVersionThreeAndTheEarlierOnesStayReachable() {
    FetchedModel v3 = new ModelFetcher(tmp).fetch(EmbeddedModels.pfDiffSeg(), new Configuration());
    assertEquals("3", v3.manifest().version());
    assertEquals(1.0, ((Number) v3.manifest().preprocessing().get("guidance")).doubleValue());
    assertEquals(Prediction.V, Prediction.ofPreprocessing(v3.manifest().preprocessing()));
    assertEquals("cosine", v3.manifest().arguments().get("schedule"));
    FetchedModel v2 = embedded("pfdiffseg-v2");
    assertEquals("2", v2.manifest().version());
    assertEquals(Prediction.EPS, Prediction.ofPreprocessing(v2.manifest().preprocessing()));
    assertEquals(
        v2.modelId(), v3.manifest().recipe().get("init"), "version 3 started from version 2");
    FetchedModel v1 = embedded("pfdiffseg-v1");
    assertEquals("1", v1.manifest().version());
    assertEquals("linear", v1.manifest().arguments().get("schedule"));
    assertTrue(!v1.manifest().preprocessing().containsKey("guidance"), "version 1 samples at 4");
    assertEquals(3, java.util.Set.of(v1.modelId(), v2.modelId(), v3.modelId()).size());
  }

  private FetchedModel embedded(String name) {
    ModelRef ref =
        ModelRef.of(URI.create("embedded:" + name), null, ModelFormat.DJL_PARAMS, "pfdiffseg");
    return new ModelFetcher(tmp).fetch(ref, new Configuration());
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
