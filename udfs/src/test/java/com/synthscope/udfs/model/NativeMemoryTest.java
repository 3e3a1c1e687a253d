package com.synthscope.udfs.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.bench.MachineInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of batches through both engines must leave the process's resident memory level: every
 * batch's native arrays live in the prediction's own NDManager and are freed with it, and inputs
 * are staged in reused buffers. Engines still hand out small direct buffers (ONNX Runtime's output
 * copies) that only a garbage collection frees, so each reading follows one: what remains is memory
 * something still holds, which is what a leak is. Not a timing test: it bounds memory growth.
 */
class NativeMemoryTest {

  private static final int BATCH = 64;
  private static final int WARMUP_BATCHES = 1000;
  private static final int CHECKPOINTS = 8;
  private static final int BATCHES_PER_CHECKPOINT = 1000;
  // A batch moves 49 KB of input: leaking it would add ~300 MB between the second and the last
  // checkpoint.
  // Measured here: ONNX Runtime steps up by about 25 MB over the first checkpoints and then holds;
  // PyTorch holds.
  private static final long MAX_GROWTH_KB = 48 * 1024;

  @TempDir Path tmp;

  @Test
  void torchScriptBatchesKeepResidentMemoryLevel() {
    assertLevel(ModelFixtures.torchScript());
  }

  @Test
  void onnxBatchesKeepResidentMemoryLevel() {
    assertLevel(ModelFixtures.onnx());
  }

  private void assertLevel(ModelRef ref) {
    try (LoadedModel model =
        LoadedModel.load(
            new ModelFetcher(tmp.resolve("cache")).fetch(ref, new Configuration()),
            ExecutionSettings.cpu(1))) {
      float[] sample = ModelFixtures.input().sample(0);
      run(model, sample, WARMUP_BATCHES);
      List<Long> rss = new ArrayList<>();
      for (int k = 0; k < CHECKPOINTS; k++) {
        run(model, sample, BATCHES_PER_CHECKPOINT);
        rss.add(residentAfterCollection());
      }
      // Engines settle in over the first thousands of batches (allocator arenas); after that the
      // level must hold.
      long growth =
          rss.subList(1, CHECKPOINTS).stream().mapToLong(Long::longValue).max().orElseThrow()
              - rss.get(1);
      System.out.printf(
          "native-memory: %s RSS after each %d batches of %d (KB): %s; growth %d KB%n",
          ref.format(), BATCHES_PER_CHECKPOINT, BATCH, rss, growth);
      assertTrue(growth < MAX_GROWTH_KB, "RSS grew by " + growth + " KB: " + rss);
    }
  }

  private static void run(LoadedModel model, float[] sample, int batches) {
    Iterator<Integer> ids = IntStream.range(0, batches * BATCH).iterator();
    Iterator<Float> scores =
        Batches.map(
            ids,
            BATCH,
            batch -> {
              Tensor x = Tensor.stack(batch.stream().map(i -> sample).toList(), 3, 8, 8);
              Tensor y = model.predict(List.of(x)).get(0);
              return IntStream.range(0, batch.size()).mapToObj(i -> y.data()[i * 2]).toList();
            });
    while (scores.hasNext()) {
      scores.next();
    }
  }

  private static long residentAfterCollection() {
    System.gc();
    try {
      Thread.sleep(
          200); // let the Cleaner thread release the buffers the collection found unreachable
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return MachineInfo.residentKb();
  }
}
