package com.synthscope.udfs.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.detect.dnf.DnfFeature;
import com.synthscope.udfs.model.ModelException;
import com.synthscope.udfs.model.ModelFetcher;
import com.synthscope.udfs.model.ModelFixtures;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelRef;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one home of the detectors: names, model roles with their kinds, and the kind checked when a
 * model is fetched.
 */
class DetectorRegistryTest {

  @TempDir Path tmp;

  @Test
  void buildsEachDetectorFromItsRolesWithTheEmbeddedModelsAsDefaults() {
    DetectorRegistry r = DetectorRegistry.builtin();
    assertEquals(List.of("dnf", "nsnet"), r.names());
    assertEquals("dnf", r.create("dnf", Map.of()).name());
    ModelRef backbone =
        r.ref(
            "dnf",
            "backbone",
            Map.of("backbone", "/models/b.pt", "backbone-format", "torchscript"));
    assertEquals(ModelFormat.TORCHSCRIPT, backbone.format());
    assertEquals(DnfFeature.BACKBONE_KIND, backbone.kind());
    ModelRef embedded = r.ref("dnf", "classifier", Map.of());
    assertEquals("embedded:dnf-classifier", embedded.uri().toString());
    assertEquals(DnfFeature.CLASSIFIER_KIND, embedded.kind());
    ModelRef pinned =
        r.ref("nsnet", "head", Map.of("head", "/m/h", "head-sha256", "ab".repeat(32)));
    assertEquals("ab".repeat(32), pinned.sha256());
  }

  @Test
  void refusesUnknownDetectorsRolesAndFormatsNamingWhatItTakes() {
    DetectorRegistry r = DetectorRegistry.builtin();
    IllegalArgumentException role =
        assertThrows(
            IllegalArgumentException.class, () -> r.create("dnf", Map.of("encoder", "/x")));
    assertTrue(
        role.getMessage().contains("dnf takes the models backbone, classifier"), role.getMessage());
    assertThrows(IllegalArgumentException.class, () -> r.create("clip", Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> r.create("nsnet", Map.of("encoder", "/x", "encoder-format", "safetensors")));
    assertThrows(
        IllegalArgumentException.class,
        () -> r.create("nsnet", Map.of("encoder-format", "onnx")),
        "a format without its model");
    IllegalArgumentException other =
        assertThrows(
            IllegalArgumentException.class,
            () -> r.select(List.of("dnf"), Map.of("nsnet.head", "/x"), "--model"));
    assertTrue(other.getMessage().contains("not among --detectors"), other.getMessage());
  }

  @Test
  void aModelOfAnotherKindIsRefusedWhenFetched() throws Exception {
    // the fixture's manifest says kind test-fixture
    ModelRef asClassifier =
        ModelRef.of(
            ModelFixtures.folder("tiny-onnx").toUri(),
            null,
            ModelFormat.ONNX,
            DnfFeature.CLASSIFIER_KIND);
    ModelFetcher fetcher = new ModelFetcher(tmp.resolve("cache"));
    ModelException e =
        assertThrows(ModelException.class, () -> fetcher.fetch(asClassifier, new Configuration()));
    assertTrue(
        e.getMessage().contains("is a test-fixture model, not dnf-classifier"), e.getMessage());
    // any kind when the reference names none, and the right kind passes
    fetcher.fetch(asClassifier.withKind(null), new Configuration());
    fetcher.fetch(asClassifier.withKind("test-fixture"), new Configuration());
  }
}
