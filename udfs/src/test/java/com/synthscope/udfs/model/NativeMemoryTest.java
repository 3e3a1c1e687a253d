package com.synthscope.udfs.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of batches through both engines must leave the process's resident memory flat: every batch's native
 * arrays live in the prediction's own NDManager and are freed with it. Not a timing test: it bounds memory growth.
 */
class NativeMemoryTest {

  private static final int BATCH = 64;
  private static final int WARMUP_BATCHES = 300;
  private static final int MEASURED_BATCHES = 2000;
  private static final long MAX_GROWTH_KB = 48 * 1024;

  @TempDir Path tmp;

  @Test
  void torchScriptBatchesKeepResidentMemoryFlat() throws IOException {
    assertFlat(ModelFixtures.torchScript());
  }

  @Test
  void onnxBatchesKeepResidentMemoryFlat() throws IOException {
    assertFlat(ModelFixtures.onnx());
  }

  private void assertFlat(ModelRef ref) throws IOException {
    try (LoadedModel model = LoadedModel.load(new ModelFetcher(tmp.resolve("cache")).fetch(ref, new Configuration()),
        ExecutionSettings.cpu(1))) {
      float[] sample = ModelFixtures.input().sample(0);
      run(model, sample, WARMUP_BATCHES);
      System.gc();
      long before = residentKb();
      run(model, sample, MEASURED_BATCHES);
      System.gc();
      long growth = residentKb() - before;
      // Each batch allocates ~49 KB of native input: a leak would add ~100 MB over 2000 batches.
      assertTrue(growth < MAX_GROWTH_KB, "RSS grew by " + growth + " KB over " + MEASURED_BATCHES + " batches");
    }
  }

  private static void run(LoadedModel model, float[] sample, int batches) {
    Iterator<Integer> ids = IntStream.range(0, batches * BATCH).iterator();
    Iterator<Float> scores = Batches.map(ids, BATCH, batch -> {
      Tensor x = Tensor.stack(batch.stream().map(i -> sample).toList(), 3, 8, 8);
      Tensor y = model.predict(List.of(x)).get(0);
      return IntStream.range(0, batch.size()).mapToObj(i -> y.data()[i * 2]).toList();
    });
    while (scores.hasNext()) {
      scores.next();
    }
  }

  private static long residentKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
