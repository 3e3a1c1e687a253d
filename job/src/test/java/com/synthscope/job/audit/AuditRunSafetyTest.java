package com.synthscope.job.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.synthscope.job.JobTestSupport;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.job.TestDetectors;
import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 items 12 and 13: two audits with the same run id at once (the second is refused, the
 * first is untouched), and rows and report never disagree (the report is visible before the rows; a
 * failure while writing it leaves nothing of the run visible, and ends as a one-line error).
 */
class AuditRunSafetyTest {

  @TempDir static Path shared;
  @TempDir Path tmp;
  private static TestDetectors detectors;

  @BeforeAll
  static void detectors() {
    detectors = new TestDetectors(shared);
  }

  static Result audit(String... args) {
    return detectors.cli(args);
  }

  private Path images(int n) throws Exception {
    Path in = tmp.resolve("in");
    for (int i = 0; i < n; i++) {
      JobTestSupport.png(
          in.resolve("img-" + i + ".png"), JobTestSupport.grey(20 + (i * 7) % 200, i));
    }
    return in;
  }

  private static long rows(Path out, String runId) {
    if (!Files.isDirectory(out.resolve("scores"))) {
      return 0;
    }
    return JobTestSupport.table(out).filter(AuditSchema.RUN_ID + " = '" + runId + "'").count();
  }

  @Test
  void aSecondRunWithTheSameIdIsRefusedWhileTheFirstRunsAndTheFirstCompletes() throws Exception {
    Path in = images(240);
    Path out = tmp.resolve("audit");
    String[] args = {
      "audit",
      "--input",
      in.toString(),
      "--output",
      out.toString(),
      "--run-id",
      "same",
      "--batch",
      "1"
    };
    CompletableFuture<Result> first = CompletableFuture.supplyAsync(() -> audit(args));
    Path lock = out.resolve("runs/_locks/same.lock");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!Files.exists(lock) && !first.isDone() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(Files.exists(lock), "the first run holds its lock while it runs");
    Result second = audit(args);
    Result done = first.get(10, TimeUnit.MINUTES);

    assertEquals(2, second.code(), second.err() + second.out());
    assertTrue(
        second.err().contains("another audit with run id same is running on this output"),
        second.err());
    assertEquals(1, second.err().strip().lines().count(), "one line: " + second.err());
    assertEquals(0, done.code(), "the first run was not disturbed: " + done.err());
    assertEquals(240, done.lastLineJson().get("new").getAsLong());
    assertEquals(240, rows(out, "same"));
    assertFalse(Files.exists(lock), "released at the end");
  }

  @Test
  void aLockLeftByADeadProcessOrUntouchedForTenMinutesIsTakenOver() throws Exception {
    Path in = images(2);
    Path out = tmp.resolve("audit");
    Path lock = out.resolve("runs/_locks/r.lock");
    Files.createDirectories(lock.getParent());
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(lock, "run_id=r\nhost=" + RunLock.hostName() + "\npid=" + gone.pid() + "\n");
    Result r =
        audit("audit", "--input", in.toString(), "--output", out.toString(), "--run-id", "r");
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().contains("removed a stale lock of run id r (its process " + gone.pid()), r.out());

    // a lock of another host is judged by its age: fresh refuses, ten minutes untouched is stale
    Files.writeString(lock, "run_id=r\nhost=elsewhere\npid=1\n");
    Result refused =
        audit("audit", "--input", in.toString(), "--output", out.toString(), "--run-id", "r");
    assertEquals(2, refused.code(), refused.err());
    Files.setLastModifiedTime(lock, FileTime.fromMillis(System.currentTimeMillis() - 11 * 60_000));
    Result taken =
        audit("audit", "--input", in.toString(), "--output", out.toString(), "--run-id", "r");
    assertEquals(0, taken.code(), taken.err());
    assertTrue(taken.out().contains("untouched for 11 minutes"), taken.out());
  }

  @Test
  void aFailureWhileWritingTheReportLeavesNoRowsVisibleAndEndsAsOneLine() throws Exception {
    Path in = images(3);
    Path out = tmp.resolve("audit");
    String[] args = {
      "audit", "--input", in.toString(), "--output", out.toString(), "--run-id", "rep"
    };
    Result first = audit(args);
    assertEquals(0, first.code(), first.err());
    assertConsistent(out, "rep", 3);

    JobTestSupport.png(in.resolve("img-new.png"), JobTestSupport.grey(99, 99));
    Result failed;
    System.setProperty(AuditTable.FAIL_REPORT, "true");
    try {
      failed = audit(args);
    } finally {
      System.clearProperty(AuditTable.FAIL_REPORT);
    }
    assertEquals(1, failed.code(), failed.err());
    List<String> lines = failed.err().strip().lines().toList();
    String last = lines.get(lines.size() - 1);
    assertTrue(
        last.startsWith("synthscope audit: error: ")
            && last.contains("cannot write the report")
            && last.contains("No space left")
            && last.contains("rows were not made visible"),
        failed.err());
    assertConsistent(out, "rep", 3); // the first attempt's rows and summary, together
    try (Stream<Path> staged = Files.list(out.resolve("scores/_staging"))) {
      assertEquals(0, staged.count(), "the failed attempt's rows were discarded");
    }

    Result rerun = audit(args);
    assertEquals(0, rerun.code(), rerun.err());
    assertConsistent(out, "rep", 4);
  }

  @Test
  void aReportFolderThatCannotBeWrittenLeavesNoRowsVisible() throws Exception {
    // no test hook: a file where the runs folder goes (before: exit 1 with the 3 rows visible and
    // no report)
    Path in = images(3);
    Path out = tmp.resolve("audit");
    Files.createDirectories(out);
    Files.writeString(out.resolve("runs"), "a file where the report folder goes");
    Result r =
        audit("audit", "--input", in.toString(), "--output", out.toString(), "--run-id", "x");
    assertTrue(r.code() == 1 || r.code() == 2, r.err());
    assertEquals(0, rows(out, "x"), "no rows visible without their report");
  }

  @Test
  void theReportIsVisibleBeforeTheRowsAndNamesTheirAttempt() throws Exception {
    Path in = images(2);
    Path out = tmp.resolve("audit");
    System.setProperty(AuditTable.CRASH_BEFORE_COMMIT, "true");
    try {
      assertEquals(
          1,
          audit("audit", "--input", in.toString(), "--output", out.toString(), "--run-id", "k")
              .code());
    } finally {
      System.clearProperty(AuditTable.CRASH_BEFORE_COMMIT);
    }
    assertEquals(0, rows(out, "k"));
    assertFalse(
        Files.exists(out.resolve("runs/k")), "nothing visible after a kill before the commits");
    assertEquals(
        0,
        audit("audit", "--input", in.toString(), "--output", out.toString(), "--run-id", "k")
            .code());
    assertConsistent(out, "k", 2);
  }

  /** The run's visible rows and its summary agree: the same count and the same attempt. */
  private static void assertConsistent(Path out, String runId, long expected) throws Exception {
    JsonObject summary =
        JsonParser.parseString(Files.readString(out.resolve("runs/" + runId + "/summary.json")))
            .getAsJsonObject();
    assertEquals(expected, summary.getAsJsonObject("counts").get("scanned").getAsLong());
    assertEquals(expected, rows(out, runId));
    if (Files.isDirectory(out.resolve("scores/_delta_log"))) {
      // Delta: the commit that made the rows visible carries the attempt, at the version
      // summary.json names
      List<Row> commit =
          io.delta.tables.DeltaTable.forPath(
                  SharedSpark.session(), out.resolve("scores").toString())
              .history()
              .filter("userMetadata = '" + summary.get("attempt").getAsString() + "'")
              .select("version")
              .collectAsList();
      assertEquals(1, commit.size(), "one commit of attempt " + summary.get("attempt"));
      assertEquals(summary.get("table_version").getAsLong(), commit.get(0).getLong(0));
      return;
    }
    List<Path> folders;
    try (Stream<Path> s = Files.walk(out.resolve("scores"))) {
      folders = s.filter(p -> p.getFileName().toString().equals("run_id=" + runId)).toList();
    }
    assertEquals(1, folders.size(), folders.toString());
    assertEquals(
        summary.get("attempt").getAsString(),
        Files.readString(folders.get(0).resolve("_attempt")).strip());
  }
}
