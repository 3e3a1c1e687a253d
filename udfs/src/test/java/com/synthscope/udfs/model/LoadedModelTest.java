package com.synthscope.udfs.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loads real artifacts through the real engines and compares with the values the export script
 * recorded.
 */
class LoadedModelTest {

  @TempDir Path tmp;

  private LoadedModel load(ModelRef ref) {
    return LoadedModel.load(
        new ModelFetcher(tmp.resolve("cache")).fetch(ref, new Configuration()),
        ExecutionSettings.cpu(1));
  }

  @Test
  void torchScriptFixtureGivesTheRecordedLogits() {
    try (LoadedModel m = load(ModelFixtures.torchScript())) {
      List<Tensor> out = m.predict(List.of(ModelFixtures.input()));
      assertArrayEquals(new long[] {2, 2}, out.get(0).shape());
      assertArrayEquals(ModelFixtures.expectedOutput(), out.get(0).data(), 1e-5f);
    }
  }

  @Test
  void onnxFixtureGivesTheRecordedLogits() {
    try (LoadedModel m = load(ModelFixtures.onnx())) {
      List<Tensor> out = m.predict(List.of(ModelFixtures.input()));
      assertArrayEquals(new long[] {2, 2}, out.get(0).shape());
      assertArrayEquals(ModelFixtures.expectedOutput(), out.get(0).data(), 1e-5f);
    }
  }

  @Test
  void aWrongInputShapeIsRefusedBeforeTheEngineSeesIt() {
    try (LoadedModel m = load(ModelFixtures.onnx())) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> m.predict(List.of(Tensor.of(new float[3 * 4 * 4], 1, 3, 4, 4))));
      assertTrue(e.getMessage().contains("must be [3, 8, 8] per sample"), e.getMessage());
    }
  }

  @Test
  void concurrentCallersGetTheSameAnswer() throws Exception {
    try (LoadedModel m = load(ModelFixtures.torchScript())) {
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        List<Future<float[]>> results = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
          results.add(pool.submit(() -> m.predict(List.of(ModelFixtures.input())).get(0).data()));
        }
        for (Future<float[]> r : results) {
          assertArrayEquals(ModelFixtures.expectedOutput(), r.get(), 1e-5f);
        }
        assertTrue(
            m.predictorCount() >= 1 && m.predictorCount() <= 3,
            "predictors: " + m.predictorCount());
      } finally {
        pool.shutdown();
      }
    }
  }

  /**
   * Spark retires task threads and starts new ones over a long job; engines keep native memory per
   * thread that ran a model. One caller thread after another must reuse one predictor and one
   * inference thread.
   */
  @Test
  void callerThreadsOneAfterAnotherShareOnePredictorAndOneInferenceThread() throws Exception {
    try (LoadedModel m = load(ModelFixtures.onnx())) {
      m.predict(List.of(ModelFixtures.input())); // the first inference thread may start here
      int threads = InferenceThreads.get().threadCount();
      for (int i = 0; i < 5; i++) {
        float[][] out = new float[1][];
        Thread caller =
            new Thread(() -> out[0] = m.predict(List.of(ModelFixtures.input())).get(0).data());
        caller.start();
        caller.join();
        assertArrayEquals(ModelFixtures.expectedOutput(), out[0], 1e-5f);
      }
      assertEquals(1, m.predictorCount());
      assertEquals(threads, InferenceThreads.get().threadCount());
    }
  }

  @Test
  void anEngineFailureReachesTheCaller() throws Exception {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                InferenceThreads.get()
                    .call(
                        () -> {
                          throw new IllegalStateException("engine says no");
                        }));
    assertEquals("engine says no", e.getMessage());
  }

  @Test
  void blockApiParametersLoadIntoTheirJavaNetwork() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("tiny-linear"));
    float[] x = {0.5f, -1f, 2f, 0.25f, 1f, 1f, -0.5f, 0f};
    float[] expected;
    try (Model model = Model.newInstance("tiny-linear", "PyTorch");
        NDManager nd = NDManager.newBaseManager()) {
      model.setBlock(new TinyLinearFactory().newBlock(model, dir, Map.of()));
      model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 4));
      NDArray in = nd.create(x, new Shape(2, 4));
      expected =
          model
              .getBlock()
              .forward(new ParameterStore(nd, false), new NDList(in), false)
              .singletonOrThrow()
              .toFloatArray();
      model.save(dir, "tiny-linear");
    }
    String weights = "tiny-linear-0000.params";
    String manifest =
        """
        {"schema": 1, "id": "tiny-linear", "version": "1", "kind": "test-fixture", "engine": "PyTorch",
         "format": "djl-params", "entry": "%s", "block": "%s",
         "inputs": [{"name": "x", "shape": [4]}], "outputs": [{"name": "y", "shape": [3]}],
         "files": {"%s": "%s"}}
        """
            .formatted(
                weights,
                TinyLinearFactory.class.getName(),
                weights,
                ModelFetcher.sha256(dir.resolve(weights)));
    Files.writeString(dir.resolve(ModelManifest.FILE_NAME), manifest);

    try (LoadedModel m = load(ModelRef.of(dir.toUri(), null, ModelFormat.DJL_PARAMS))) {
      Tensor out = m.predict(List.of(Tensor.of(x, 2, 4))).get(0);
      assertArrayEquals(new long[] {2, 3}, out.shape());
      assertArrayEquals(expected, out.data(), 1e-6f);
    }
  }

  @Test
  void theRegistryLoadsAModelOncePerJvmForConcurrentCallers() throws Exception {
    ModelRegistry registry = new ModelRegistry(new ModelFetcher(tmp.resolve("reg-cache")));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<LoadedModel>> got = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        got.add(
            pool.submit(
                () ->
                    registry.model(
                        ModelFixtures.onnx(), new Configuration(), ExecutionSettings.cpu(1))));
      }
      LoadedModel first = got.get(0).get();
      for (Future<LoadedModel> f : got) {
        assertEquals(first, f.get());
      }
      assertEquals(1, registry.loadCount());
      assertTrue(first.modelId().startsWith("tiny-onnx@"), first.modelId());
    } finally {
      pool.shutdown();
      registry.closeAll();
    }
  }
}
