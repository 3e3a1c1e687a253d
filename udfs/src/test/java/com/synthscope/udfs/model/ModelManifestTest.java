package com.synthscope.udfs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ModelManifestTest {

  @Test
  void readsTheFixtureManifest() {
    ModelManifest m = ModelManifest.read(ModelFixtures.folder("tiny-onnx"), "tiny-onnx");
    assertEquals("tiny-onnx", m.id());
    assertEquals(ModelFormat.ONNX, m.formatType());
    assertEquals(ModelEngine.ONNX_RUNTIME, m.engineType());
    assertEquals("tiny", m.entryPrefix());
    assertEquals(List.of(3L, 8L, 8L), m.inputs().get(0).shape());
    assertEquals(List.of(2L), m.outputs().get(0).shape());
  }

  @Test
  void withPreprocessingAddsAndReplacesEntriesAndKeepsTheRest() {
    ModelManifest m = ModelManifest.read(ModelFixtures.folder("tiny-onnx"), "tiny-onnx");
    ModelManifest c = m.withPreprocessing(java.util.Map.of("calibration", "x", "extra", 1));
    assertEquals("x", c.preprocessing().get("calibration"));
    assertEquals(1, c.preprocessing().get("extra"));
    for (String k : m.preprocessing().keySet()) {
      if (!k.equals("calibration")) {
        assertEquals(m.preprocessing().get(k), c.preprocessing().get(k), k);
      }
    }
    assertEquals(m.files(), c.files());
    assertEquals(m.inputs(), c.inputs());
    assertTrue(!m.preprocessing().containsKey("extra"), "the original is unchanged");
    // what a copy writes reads back as the same manifest
    assertEquals(
        c.preprocessing().keySet(), ModelManifest.parse(c.toJson(), "c").preprocessing().keySet());
  }

  @Test
  void malformedJsonNamesTheModelAndTheFile() {
    ModelException e =
        assertThrows(ModelException.class, () -> ModelManifest.parse("{\"id\": ", "m1"));
    assertTrue(
        e.getMessage().startsWith("model m1: malformed synthscope-model.json"), e.getMessage());
  }

  @Test
  void listsEveryMissingField() {
    ModelException e =
        assertThrows(
            ModelException.class,
            () ->
                ModelManifest.parse(
                    "{\"schema\":1,\"engine\":\"PyTorch\",\"format\":\"torchscript\"}", "m2"));
    for (String part :
        List.of(
            "'id' is missing",
            "'kind' is missing",
            "'entry' is missing",
            "'inputs'",
            "'outputs'")) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
  }

  @Test
  void rejectsFormatOnTheWrongEngineAndParamsWithoutBlock() {
    String base =
        "{\"schema\":1,\"id\":\"x\",\"kind\":\"k\",\"entry\":\"w\",\"files\":{\"w\":\""
            + "a".repeat(64)
            + "\"},\"inputs\":[{\"name\":\"x\",\"shape\":[1]}],\"outputs\":[{\"name\":\"y\",\"shape\":[1]}],";
    ModelException wrongEngine =
        assertThrows(
            ModelException.class,
            () -> ModelManifest.parse(base + "\"engine\":\"PyTorch\",\"format\":\"onnx\"}", "m3"));
    assertTrue(
        wrongEngine.getMessage().contains("format onnx runs on OnnxRuntime"),
        wrongEngine.getMessage());
    ModelException noBlock =
        assertThrows(
            ModelException.class,
            () ->
                ModelManifest.parse(
                    base + "\"engine\":\"PyTorch\",\"format\":\"djl-params\"}", "m4"));
    assertTrue(noBlock.getMessage().contains("needs 'block'"), noBlock.getMessage());
  }

  @Test
  void rejectsFileNamesOutsideTheArtifact() {
    String json =
        "{\"schema\":1,\"id\":\"x\",\"kind\":\"k\",\"entry\":\"../w\",\"engine\":\"OnnxRuntime\","
            + "\"format\":\"onnx\",\"files\":{\"../w\":\""
            + "b".repeat(64)
            + "\"},"
            + "\"inputs\":[{\"name\":\"x\",\"shape\":[1]}],\"outputs\":[{\"name\":\"y\",\"shape\":[1]}]}";
    ModelException e = assertThrows(ModelException.class, () -> ModelManifest.parse(json, "m5"));
    assertTrue(e.getMessage().contains("must be relative"), e.getMessage());
  }
}
