package com.synthscope.udfs.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelPreflightTest {

  @TempDir Path tmp;

  @Test
  void aGoodModelPassesAndReportsItsId() {
    FetchedModel f =
        ModelPreflight.check(
            ModelFixtures.torchScript(), new Configuration(), List.of(new long[] {3, 8, 8}));
    assertTrue(f.modelId().startsWith("tiny-torchscript@"), f.modelId());
  }

  @Test
  void anIncompatibleInputShapeFailsBeforeLoading() {
    ModelException e =
        assertThrows(
            ModelException.class,
            () ->
                ModelPreflight.check(
                    ModelFixtures.onnx(), new Configuration(), List.of(new long[] {3, 256, 256})));
    assertTrue(e.getMessage().contains("incompatible input shape"), e.getMessage());
    assertTrue(e.getMessage().contains("tiny-onnx"), e.getMessage());
  }

  @Test
  void aManifestThatMisstatesTheOutputFailsTheDryRun() throws Exception {
    Path copy = ModelFixtures.copy("tiny-onnx", tmp);
    Path manifest = copy.resolve(ModelManifest.FILE_NAME);
    Files.writeString(
        manifest,
        Files.readString(manifest)
            .replace("\"shape\": [\n        2\n      ]", "\"shape\": [\n        5\n      ]"));
    assertTrue(
        Files.readString(manifest).contains("5"), "test setup: the output shape was rewritten");
    ModelException e =
        assertThrows(
            ModelException.class,
            () ->
                ModelPreflight.check(
                    ModelRef.of(copy.toUri(), null, ModelFormat.ONNX), new Configuration(), null));
    assertTrue(
        e.getMessage().contains("output logits is [2] per sample, the manifest declares [5]"),
        e.getMessage());
  }

  @Test
  void garbageWeightsFailToLoadWithTheEngineNamed() throws Exception {
    Path copy = ModelFixtures.copy("tiny-torchscript", tmp);
    Files.writeString(copy.resolve("tiny.pt"), "not a torchscript archive");
    Path manifest = copy.resolve(ModelManifest.FILE_NAME);
    String sha = ModelFetcher.sha256(copy.resolve("tiny.pt"));
    String json =
        Files.readString(manifest)
            .replaceAll("\"tiny.pt\": \"[0-9a-f]{64}\"", "\"tiny.pt\": \"" + sha + "\"");
    Files.writeString(manifest, json);
    ModelException e =
        assertThrows(
            ModelException.class,
            () ->
                ModelPreflight.check(
                    ModelRef.of(copy.toUri(), null, ModelFormat.TORCHSCRIPT),
                    new Configuration(),
                    null));
    assertTrue(e.getMessage().contains("the PyTorch engine cannot load tiny.pt"), e.getMessage());
  }
}
