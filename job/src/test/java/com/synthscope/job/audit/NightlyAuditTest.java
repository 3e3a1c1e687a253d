package com.synthscope.job.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.synthscope.job.JobTestSupport;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.job.TestDetectors;
import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.spark.InventorySchema;
import com.synthscope.udfs.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nightly audits on the Delta table: what a second night reads (the audit's own counters of files
 * and bytes read), scores carried to copied and moved files, changed files rescored, {@code
 * --full}, time travel to the version a night wrote, and two audits committing to one table at
 * once. The pure-Java grey-level detector scores, so the counts, not the models, are under test.
 */
class NightlyAuditTest {

  @TempDir static Path shared;
  @TempDir Path tmp;
  private static TestDetectors detectors;

  @BeforeAll
  static void detectors() {
    detectors = new TestDetectors(shared);
  }

  private Result audit(Path in, Path out, String runId, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "audit",
                "--input",
                in.toString(),
                "--output",
                out.toString(),
                "--run-id",
                runId,
                "--detectors",
                "nsnet",
                "--recursive",
                "--top",
                "0"));
    args.addAll(List.of(more));
    Result r = detectors.cli(args.toArray(new String[0]));
    assertEquals(0, r.code(), r.err() + r.out());
    return r;
  }

  private static void archive(Path in, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      JobTestSupport.png(
          in.resolve("d" + (i % 3) + "/img-" + i + ".png"), JobTestSupport.grey(20 + 7 * i, i));
    }
  }

  private static JsonObject summary(Path out, String runId) throws Exception {
    return JsonParser.parseString(Files.readString(out.resolve("runs/" + runId + "/summary.json")))
        .getAsJsonObject();
  }

  private static Row rowOf(Path out, String runId, Path file) {
    List<Row> rows =
        JobTestSupport.table(out)
            .filter(AuditSchema.RUN_ID + " = '" + runId + "'")
            .filter(
                org.apache
                    .spark
                    .sql
                    .functions
                    .col(InventorySchema.PATH)
                    .endsWith("/" + file.getParent().getFileName() + "/" + file.getFileName()))
            .collectAsList();
    assertEquals(1, rows.size(), file + " in run " + runId);
    return rows.get(0);
  }

  @Test
  void theSecondNightReadsOnlyTheNewFiles() throws Exception {
    Path in = tmp.resolve("in");
    Path out = tmp.resolve("audit");
    archive(in, 0, 6);
    JsonObject n1 = audit(in, out, "n1").lastLineJson();
    assertEquals(6, n1.get("new").getAsLong());
    assertEquals(6, n1.get("files_read").getAsLong());

    archive(in, 6, 8);
    long added = Files.size(in.resolve("d0/img-6.png")) + Files.size(in.resolve("d1/img-7.png"));
    JsonObject n2 = audit(in, out, "n2").lastLineJson();
    assertEquals(8, n2.get("scanned").getAsLong(), "every file is listed");
    assertEquals(6, n2.get("skipped").getAsLong(), "unchanged files are not read");
    assertEquals(2, n2.get("files_read").getAsLong(), "only the two new files are read");
    assertEquals(added, n2.get("bytes_read").getAsLong());
    assertEquals(2, n2.get("new").getAsLong());
    assertEquals(0, n2.get("carried").getAsLong());
    assertEquals(
        2, JobTestSupport.table(out).filter("run_id = 'n2'").count(), "night 2 adds two rows");

    // a third night with nothing new reads nothing
    JsonObject n3 = audit(in, out, "n3").lastLineJson();
    assertEquals(0, n3.get("files_read").getAsLong());
    assertEquals(8, n3.get("skipped").getAsLong());
  }

  @Test
  void aCopiedOrMovedFileCarriesItsEarlierScoresAndAChangedFileIsRescored() throws Exception {
    Path in = tmp.resolve("in");
    Path out = tmp.resolve("audit");
    archive(in, 0, 5);
    audit(in, out, "n1");
    Row original = rowOf(out, "n1", in.resolve("d0/img-0.png"));
    Row moving = rowOf(out, "n1", in.resolve("d1/img-1.png"));

    Path copy = in.resolve("d2/copy-of-0.png");
    Files.copy(in.resolve("d0/img-0.png"), copy);
    Path moved = Files.createDirectories(in.resolve("renamed")).resolve("was-1.png");
    Files.move(in.resolve("d1/img-1.png"), moved);
    // same path, new bytes
    JobTestSupport.png(in.resolve("d2/img-2.png"), JobTestSupport.grey(200, 99));
    // same path and bytes, touched: read again, its bytes are known, so its scores are carried
    Path touched = in.resolve("d0/img-3.png");
    Files.setLastModifiedTime(
        touched, FileTime.fromMillis(Files.getLastModifiedTime(touched).toMillis() + 60_000));

    JsonObject n2 = audit(in, out, "n2").lastLineJson();
    assertEquals(
        4,
        n2.get("files_read").getAsLong(),
        "the copy, the moved, the changed and the touched file");
    assertEquals(1, n2.get("new").getAsLong(), "only the changed file is scored");
    assertEquals(3, n2.get("carried").getAsLong());
    assertEquals(3, summary(out, "n2").getAsJsonObject("incremental").get("carried").getAsLong());

    Row c = rowOf(out, "n2", copy);
    assertEquals("n1", c.getAs(AuditSchema.SCORES_FROM_RUN));
    assertEquals(
        (double) original.getAs(AuditSchema.SCORE), (double) c.getAs(AuditSchema.SCORE), 0.0);
    assertEquals((double) original.getAs("nsnet_score"), (double) c.getAs("nsnet_score"), 0.0);
    assertEquals((String) original.getAs(InventorySchema.SHA256), c.getAs(InventorySchema.SHA256));
    assertEquals((Integer) original.getAs(InventorySchema.WIDTH), c.getAs(InventorySchema.WIDTH));
    Row m = rowOf(out, "n2", moved);
    assertEquals("n1", m.getAs(AuditSchema.SCORES_FROM_RUN));
    assertEquals(
        (double) moving.getAs(AuditSchema.SCORE), (double) m.getAs(AuditSchema.SCORE), 0.0);
    Row changed = rowOf(out, "n2", in.resolve("d2/img-2.png"));
    assertNull(changed.getAs(AuditSchema.SCORES_FROM_RUN), "scored by night 2 itself");
    assertNotEquals(
        (String) rowOf(out, "n1", in.resolve("d2/img-2.png")).getAs(InventorySchema.SHA256),
        changed.getAs(InventorySchema.SHA256));
    assertEquals("n1", rowOf(out, "n2", touched).getAs(AuditSchema.SCORES_FROM_RUN));

    // a copy of a carried row carries the run that scored the bytes, not the run that carried them
    Path again = in.resolve("d1/copy-of-copy.png");
    Files.copy(copy, again);
    JsonObject n3 = audit(in, out, "n3").lastLineJson();
    assertEquals(1, n3.get("files_read").getAsLong());
    assertEquals("n1", rowOf(out, "n3", again).getAs(AuditSchema.SCORES_FROM_RUN));

    // --full reads and scores everything again, carrying nothing
    JsonObject full = audit(in, out, "n4", "--full").lastLineJson();
    assertEquals(7, full.get("files_read").getAsLong());
    assertEquals(7, full.get("new").getAsLong());
    assertEquals(0, full.get("carried").getAsLong());
    assertEquals(0, full.get("skipped").getAsLong());
  }

  @Test
  void anArchiveMovedAsAWholeCarriesEveryScore() throws Exception {
    // no listed path matches an earlier row: the run asks the table whether it holds rows of these
    // models at all
    // (it does), so the files are hashed and carried, not scored again
    Path in = tmp.resolve("in");
    Path out = tmp.resolve("audit");
    archive(in, 0, 4);
    audit(in, out, "n1");
    Path moved = tmp.resolve("moved");
    Files.move(in, moved);
    JsonObject n2 = audit(moved, out, "n2").lastLineJson();
    assertEquals(4, n2.get("files_read").getAsLong(), "every file is read and hashed once");
    assertEquals(0, n2.get("skipped").getAsLong());
    assertEquals(0, n2.get("new").getAsLong(), "no file is scored again");
    assertEquals(4, n2.get("carried").getAsLong());
    assertEquals(
        "n1", rowOf(out, "n2", moved.resolve("d1/img-1.png")).getAs(AuditSchema.SCORES_FROM_RUN));
  }

  @Test
  void summaryJsonNamesTheTableVersionEachNightWroteAndTimeTravelReadsIt() throws Exception {
    Path in = tmp.resolve("in");
    Path out = tmp.resolve("audit");
    archive(in, 0, 3);
    audit(in, out, "n1");
    archive(in, 3, 5);
    audit(in, out, "n2");
    // the same run id again replaces its rows in one commit
    audit(in, out, "n2");

    JsonObject s1 = summary(out, "n1");
    JsonObject s2 = summary(out, "n2");
    assertEquals("delta", s1.get("table_format").getAsString());
    long v1 = s1.get("table_version").getAsLong();
    long v2 = s2.get("table_version").getAsLong();
    assertTrue(v2 > v1, v1 + " then " + v2);
    String scores = out.resolve("scores").toString();
    Dataset<Row> lastNight =
        SharedSpark.session().read().format("delta").option("versionAsOf", v1).load(scores);
    assertEquals(Map.of("n1", 3L), perRun(lastNight), "what we knew after night 1");
    assertEquals(
        Map.of("n1", 3L, "n2", 2L),
        perRun(JobTestSupport.table(out)),
        "the rerun of n2 replaced its rows, not duplicated them");
    assertTrue(Files.isDirectory(out.resolve("scores/_delta_log")));
  }

  @Test
  void twoAuditsCommittingToOneTableAtOnceBothCommit() throws Exception {
    Path a = tmp.resolve("a");
    Path b = tmp.resolve("b");
    archive(a, 0, 4);
    archive(b, 10, 13);
    Path out = tmp.resolve("audit");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Callable<Result>> runs =
          List.of(() -> audit(a, out, "left"), () -> audit(b, out, "right"));
      List<Future<Result>> done = pool.invokeAll(runs);
      for (Future<Result> f : done) {
        assertEquals(0, f.get().code(), f.get().err());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(
        Map.of("left", 4L, "right", 3L), perRun(JobTestSupport.table(out)), "nothing lost");
    assertNotEquals(
        summary(out, "left").get("table_version").getAsLong(),
        summary(out, "right").get("table_version").getAsLong());
  }

  @Test
  void aPlainParquetTableIsRefusedByADeltaRunWithAOneLineReason() throws Exception {
    Path in = tmp.resolve("in");
    Path out = tmp.resolve("audit");
    archive(in, 0, 2);
    audit(in, out, "p1", "--format", "parquet");
    Result r =
        detectors.cli(
            "audit",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--run-id",
            "d1",
            "--detectors",
            "nsnet");
    assertEquals(2, r.code(), r.out());
    assertTrue(r.err().contains("plain-Parquet audit table: pass --format parquet"), r.err());
    // the plain layout still reads as before, without Delta
    assertEquals(
        2,
        SharedSpark.session()
            .read()
            .schema(AuditSchema.tableSchema(List.of("dnf", "nsnet")))
            .parquet(out.resolve("scores").toString())
            .count());
  }

  private static Map<String, Long> perRun(Dataset<Row> t) {
    return t.groupBy(AuditSchema.RUN_ID).count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
  }
}
