package com.synthscope.job.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.testing.HostileImages;
import com.synthscope.udfs.testing.SharedSpark;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 5: images inside the default pixel limit must not kill the audit. Two 10 000 x 10
 * 000 PNGs (about 300 KB each on disk, 300 MB each as pixels) are audited with both embedded
 * detectors by a separate JVM with a 1 GiB heap, as {@code bin/synthscope} would run it (before the
 * fix one of them alone took 5 GB).
 */
class LargeImagesAuditTest {

  @TempDir Path tmp;

  /**
   * Runs {@code synthscope args} in a child JVM with this JVM's flags and classpath, but the given
   * heap.
   */
  static Result childJvm(String heap, Path workDir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-Xmx") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")) {
        cmd.add(a);
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SynthScopeCli.class.getName());
    cmd.addAll(List.of(args));
    Path out = workDir.resolve("child.out");
    Path err = workDir.resolve("child.err");
    Process p =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(15, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(
          "the child JVM did not finish in 15 minutes: " + Files.readString(err));
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void twoHundredMegapixelPngsAreScoredInABoundedHeap() throws Exception {
    Path in = tmp.resolve("in");
    Files.createDirectories(in);
    Files.write(in.resolve("big-1.png"), HostileImages.largeFlatPng(10_000, 10_000, 120, 110, 100));
    Files.write(in.resolve("big-2.png"), HostileImages.largeFlatPng(10_000, 10_000, 30, 60, 90));
    assertTrue(Files.size(in.resolve("big-1.png")) < 1_000_000);
    Path out = tmp.resolve("audit");

    Result r =
        childJvm(
            "1g",
            tmp,
            "audit",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--run-id",
            "big",
            "--master",
            "local[2]");
    assertEquals(0, r.code(), r.err() + r.out());
    JsonObject json = r.lastLineJson();
    assertEquals(2, json.get("scanned").getAsLong(), r.out());
    assertEquals(2, json.get("new").getAsLong(), "both scored, none an error row: " + r.out());

    List<Row> rows =
        SharedSpark.session()
            .read()
            .schema(AuditSchema.tableSchema(List.of("dnf", "nsnet")))
            .parquet(out.resolve("scores").toString())
            .collectAsList();
    assertEquals(2, rows.size());
    for (Row row : rows) {
      assertEquals("ok", row.getAs("status"), (String) row.getAs("error"));
      assertEquals(10_000, (int) row.getAs("width"), "the header's size, not the decoded one");
      assertNotNull(row.getAs("dnf_score"));
      assertNotNull(row.getAs("nsnet_score"));
    }
    JsonObject summary =
        JsonParser.parseString(Files.readString(out.resolve("runs/big/summary.json")))
            .getAsJsonObject();
    assertEquals(2, summary.getAsJsonObject("counts").get("scanned").getAsLong());
  }
}
