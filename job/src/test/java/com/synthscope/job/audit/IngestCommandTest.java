package com.synthscope.job.audit;

import static com.synthscope.job.JobTestSupport.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.udfs.spark.InventorySchema;
import com.synthscope.udfs.testing.ImageCorpus;
import com.synthscope.udfs.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ingest} command end to end: real files, real Spark, real Parquet, real exit codes. */
class IngestCommandTest {

  @TempDir Path tmp;

  @Test
  void theBadInputCorpusGivesOneErrorRowPerBadFileAndExitCodeZero() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("corpus"));
    List<ImageCorpus.Case> cases = ImageCorpus.write(in);
    Path out = tmp.resolve("inventory");

    Result r = cli("ingest", "--input", in.toString(), "--output", out.toString());

    assertEquals(0, r.code(), r.err());
    long bad = cases.stream().filter(c -> c.expectedStatus().equals("error")).count();
    List<Row> errors =
        SharedSpark.session()
            .read()
            .parquet(out.toString())
            .filter(InventorySchema.STATUS + " = 'error'")
            .collectAsList();
    assertEquals(bad, errors.size());
    JsonObject json = r.lastLineJson();
    assertEquals(cases.size(), json.get("files").getAsLong());
    assertEquals(cases.size() - bad, json.get("ok").getAsLong());
    assertEquals(bad, json.get("errors").getAsLong());
    JsonObject reasons = json.getAsJsonObject("errors_by_reason");
    for (ImageCorpus.Case c : cases) {
      if (c.expectedReason() != null) {
        assertTrue(
            reasons.has(c.expectedReason()), c.expectedReason() + " missing from " + reasons);
      }
    }
  }

  @Test
  void anExistingOutputIsRefusedWithExitCodeTwoAndKept() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    ImageCorpus.write(in);
    Path out = Files.createDirectories(tmp.resolve("existing"));
    Path keep = Files.writeString(out.resolve("keep.txt"), "earlier results");

    Result r = cli("ingest", "--input", in.toString(), "--output", out.toString());

    assertEquals(2, r.code());
    assertTrue(r.err().contains("already exists"), r.err());
    assertEquals("earlier results", Files.readString(keep));
  }

  @Test
  void aMissingInputIsAConfigurationError() {
    Result r =
        cli(
            "ingest",
            "--input",
            tmp.resolve("nowhere").toString(),
            "--output",
            tmp.resolve("o").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("Path does not exist"), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one-line reason: " + r.err());
  }

  @Test
  void usageErrorsExitTwoAndHelpExitsZero() {
    assertEquals(2, cli("ingest", "--output", "x").code(), "--input is required");
    assertEquals(2, cli("no-such-command").code());
    assertEquals(2, cli("ingest", "--input", "a", "--output", "b", "--max-pixels", "0").code());
    Result help = cli("ingest", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--max-pixels"), help.out());
    assertEquals(0, cli("--help").code());
  }
}
