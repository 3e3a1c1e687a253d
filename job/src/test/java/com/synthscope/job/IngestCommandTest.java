package com.synthscope.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.synthscope.udfs.spark.InventorySchema;
import com.synthscope.udfs.testing.ImageCorpus;
import com.synthscope.udfs.testing.SharedSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ingest} command end to end: real files, real Spark, real Parquet, real exit codes. */
class IngestCommandTest {

  @TempDir Path tmp;

  record Result(int code, String out, String err) {
    JsonObject lastLineJson() {
      List<String> lines = out.lines().toList();
      return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    }
  }

  static Result cli(String... args) {
    SharedSpark.session(); // the command reuses the shared local session instead of starting its own
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SynthScopeCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void theBadInputCorpusGivesOneErrorRowPerBadFileAndExitCodeZero() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("corpus"));
    List<ImageCorpus.Case> cases = ImageCorpus.write(in);
    Path out = tmp.resolve("inventory");

    Result r = cli("ingest", "--input", in.toString(), "--output", out.toString());

    assertEquals(0, r.code(), r.err());
    long bad = cases.stream().filter(c -> c.expectedStatus().equals("error")).count();
    List<Row> errors = SharedSpark.session().read().parquet(out.toString())
        .filter(InventorySchema.STATUS + " = 'error'").collectAsList();
    assertEquals(bad, errors.size());
    JsonObject json = r.lastLineJson();
    assertEquals(cases.size(), json.get("files").getAsLong());
    assertEquals(cases.size() - bad, json.get("ok").getAsLong());
    assertEquals(bad, json.get("errors").getAsLong());
    JsonObject reasons = json.getAsJsonObject("errors_by_reason");
    for (ImageCorpus.Case c : cases) {
      if (c.expectedReason() != null) {
        assertTrue(reasons.has(c.expectedReason()), c.expectedReason() + " missing from " + reasons);
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
    Result r = cli("ingest", "--input", tmp.resolve("nowhere").toString(), "--output", tmp.resolve("o").toString());
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

  @Test
  void sparkSettingsComeFromThePropertiesFileAndConf() throws Exception {
    Path props = Files.writeString(tmp.resolve("p.conf"), "spark.sql.shuffle.partitions 3\nspark.x.a 1\n");
    SparkOptions o = new SparkOptions();
    o.propertiesFile = props;
    o.conf.put("spark.x.a", "2");
    o.master = "local[1]";
    var s = o.settings();
    assertEquals("3", s.get("spark.sql.shuffle.partitions"));
    assertEquals("2", s.get("spark.x.a"), "--conf wins over the file");
    assertEquals("local[1]", s.get("spark.master"));
  }
}
