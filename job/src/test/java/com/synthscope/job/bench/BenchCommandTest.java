package com.synthscope.job.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.synthscope.job.JobTestSupport;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.udfs.bench.BenchTable;
import com.synthscope.udfs.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} on a tiny setting: it runs, and its tables have the expected rows and columns. No
 * timings.
 */
class BenchCommandTest {

  @TempDir static Path tmp;

  @Test
  void aTinyRunWritesEveryRowWithPositiveRates() throws Exception {
    Path out = tmp.resolve("bench");
    // the shared test session is local[2]: the audit rows run on it for 2 threads
    Result r =
        JobTestSupport.cli(
            "bench",
            "--output",
            out.toString(),
            "--metaldam",
            SharedSpark.metalDam().resolve("images").toString(),
            "--images-count",
            "6",
            "--batches",
            "2",
            "--threads",
            "2",
            "--seconds",
            "0",
            "--augment-sampler",
            "ddim:1",
            "--matmul-size",
            "64");
    assertEquals(0, r.code(), r.err());

    List<String> csv = Files.readAllLines(out.resolve("bench.csv"));
    assertEquals(String.join(",", BenchTable.COLUMNS), csv.get(0));
    Set<String> stages = new TreeSet<>();
    for (String line : csv.subList(1, csv.size())) {
      String[] cells = line.split(",");
      assertEquals(BenchTable.COLUMNS.size(), cells.length, line);
      stages.add(cells[0]);
      assertTrue(Double.parseDouble(cells[6]) > 0, "rate of " + line);
      if (!cells[0].equals("decode")) {
        assertTrue(Double.parseDouble(cells[8]) > 0, "GFLOP/s of " + line);
      }
    }
    assertEquals(
        new TreeSet<>(
            List.of(
                "matmul 64",
                "decode",
                "dnf",
                "nsnet",
                "augment ddim:1",
                "audit (Spark scan)",
                "bare loop")),
        stages);
    // matmul at 2x1 and 1x2, then one row each: decode, dnf, nsnet, augment, audit, bare loop
    assertEquals(8, csv.size() - 1);

    List<String> audit = Files.readAllLines(out.resolve("bench-audit.csv"));
    assertEquals(2, audit.size());
    assertTrue(
        audit.get(0).startsWith("batch,threads,spark_images_per_s,bare_images_per_s,ratio"),
        audit.get(0));
    assertTrue(Double.parseDouble(audit.get(1).split(",")[4]) > 0, "ratio");

    JsonObject json =
        JsonParser.parseString(Files.readString(out.resolve("bench.json"))).getAsJsonObject();
    assertEquals(8, json.getAsJsonArray("rows").size());
    assertTrue(json.getAsJsonObject("gflop_per_item").get("nsnet").getAsDouble() > 0);
    assertTrue(Files.readString(out.resolve("bench.md")).contains("| stage | unit | batch |"));
    assertTrue(r.lastLineJson().getAsJsonObject("audit_over_bare").has("batch 2, 2x1"), r.out());
  }

  @Test
  void badSettingsAreUsageErrors() {
    assertEquals(
        2,
        JobTestSupport.cli("bench", "--output", tmp.resolve("x").toString(), "--threads", "2y")
            .code());
    assertEquals(
        2,
        JobTestSupport.cli("bench", "--output", tmp.resolve("x").toString(), "--stages", "gpu")
            .code());
    assertEquals(
        2,
        JobTestSupport.cli(
                "bench",
                "--output",
                tmp.resolve("x").toString(),
                "--images",
                tmp.resolve("missing").toString())
            .code());
  }
}
