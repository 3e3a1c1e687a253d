package com.synthscope.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;

import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.spark.InventorySchema;
import com.synthscope.udfs.spark.Sha256Set;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The audit output on any Hadoop filesystem:
 *
 * <pre>
 * OUTPUT/scores/run_date=YYYY-MM-DD/run_id=ID/part-*.parquet   the audit-scores table, one folder per run
 * OUTPUT/scores/_staging/ID-UUID/                              a run's rows while it writes them
 * OUTPUT/scores/_trash/                                        a replaced run's old folder, briefly
 * OUTPUT/runs/ID/{summary.json,report.html}                    per run
 * OUTPUT/runs/_locks/ID.lock                                   while a run with that id runs
 * </pre>
 *
 * A run writes its rows into {@code _staging} (Spark readers skip names starting with {@code _}), then renames
 * that folder to {@code run_date=.../run_id=...}: readers see all of a run's rows or none. The same run id again
 * moves the old folder to {@code _trash} and the new one in, so its rows are replaced, never duplicated; between
 * those two renames the run's rows are briefly absent. Two runs with the same id at the same time: the second is
 * refused ({@link RunLock}, {@code OUTPUT/runs/_locks/ID.lock}). The report ({@code runs/ID}) is made visible
 * before the rows, so rows never appear without their summary. A run id names one run whatever its date: committing it again also removes its rows under other
 * {@code run_date} folders.
 */
final class AuditTable {

  static final String SCORES = "scores";
  static final String RUNS = "runs";
  static final String STAGING = "_staging";
  static final String TRASH = "_trash";
  static final String SUMMARY = "summary.json";
  static final String REPORT = "report.html";
  /** In a run's row folder: the id of the attempt that wrote it, as its summary.json's {@code attempt} says. */
  static final String ATTEMPT = "_attempt";

  /**
   * Test-only: when this system property is {@code true}, a run stops like a killed process right after its data
   * files are written and before they are made visible: no clean-up, no commit.
   */
  static final String CRASH_BEFORE_COMMIT = "synthscope.audit.crash-before-commit";

  /**
   * Test-only: when this system property is {@code true}, writing the report fails after its files are written
   * and before it is made visible, as a full disk would.
   */
  static final String FAIL_REPORT = "synthscope.audit.fail-report";

  private static final long STALE_MILLIS = 24L * 3600 * 1000;

  private final SparkSession spark;
  private final FileSystem fs;
  private final Path root;
  private final Path scores;
  private final Path runs;

  AuditTable(SparkSession spark, String output) throws IOException {
    this.spark = spark;
    Path out = new Path(output);
    this.fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
    this.root = fs.makeQualified(out);
    this.scores = new Path(root, SCORES);
    this.runs = new Path(root, RUNS);
  }

  Path root() {
    return root;
  }

  Path scores() {
    return scores;
  }

  Path runFolder(LocalDate runDate, String runId) {
    return new Path(scores, AuditSchema.RUN_DATE + "=" + runDate + "/" + AuditSchema.RUN_ID + "=" + runId);
  }

  Path reportFolder(String runId) {
    return new Path(runs, runId);
  }

  /** The table as it is now, with the contract's columns; null when no run has been committed. */
  Dataset<Row> read(List<String> detectors) throws IOException {
    if (!fs.exists(scores)) {
      return null;
    }
    return spark.read().schema(AuditSchema.tableSchema(detectors)).parquet(scores.toString());
  }

  /**
   * The sha256 of images that runs other than {@code runId} scored successfully with exactly these models
   * (detector -> model id), for every one of the given detectors.
   */
  Sha256Set previouslyScored(Map<String, String> models, String runId) throws IOException {
    Dataset<Row> table = read(List.copyOf(models.keySet()));
    if (table == null) {
      return Sha256Set.empty();
    }
    Column same = col(InventorySchema.STATUS).equalTo(lit(InventorySchema.STATUS_OK))
        .and(col(AuditSchema.RUN_ID).notEqual(lit(runId))).and(col(InventorySchema.SHA256).isNotNull());
    for (Map.Entry<String, String> m : models.entrySet()) {
      same = same.and(element_at(col(AuditSchema.MODELS), lit(m.getKey())).equalTo(lit(m.getValue())));
    }
    List<String> shas = table.filter(same).select(InventorySchema.SHA256).distinct()
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    return Sha256Set.of(shas);
  }

  /** Takes the run id's lock in this output ({@link RunLock}). */
  RunLock lock(String runId, java.io.PrintWriter log) throws IOException {
    return RunLock.acquire(fs, runs, runId, log);
  }

  /** Test-only: see {@link #CRASH_BEFORE_COMMIT}. */
  static void simulateCrashBeforeCommit() {
    if (Boolean.getBoolean(CRASH_BEFORE_COMMIT)) {
      throw new SimulatedCrash("simulated crash after the data files were written (" + CRASH_BEFORE_COMMIT + ")");
    }
  }

  static void injectReportFault() throws IOException {
    if (Boolean.getBoolean(FAIL_REPORT)) {
      throw new IOException("No space left on device (simulated: " + FAIL_REPORT + ")");
    }
  }

  /** Removes what killed runs left: this run id's staging folders, and any staging or trash older than a day. */
  void cleanStale(String runId) throws IOException {
    long now = System.currentTimeMillis();
    for (Path dir : List.of(new Path(scores, STAGING), new Path(scores, TRASH), new Path(runs, STAGING),
        new Path(runs, TRASH))) {
      if (!fs.exists(dir)) {
        continue;
      }
      for (FileStatus s : fs.listStatus(dir)) {
        if (s.getPath().getName().startsWith(runId + "-") || now - s.getModificationTime() > STALE_MILLIS) {
          fs.delete(s.getPath(), true);
        }
      }
    }
  }

  /** Writes a run's rows (the file columns of the table) into a new staging folder and returns it. */
  Path stage(Dataset<Row> rows, String runId) {
    Path staging = new Path(new Path(scores, STAGING), runId + "-" + UUID.randomUUID());
    rows.write().parquet(staging.toString());
    return staging;
  }

  /** A new staging folder for the run's report files. */
  Path reportStaging(String runId) throws IOException {
    Path staging = new Path(new Path(runs, STAGING), runId + "-" + UUID.randomUUID());
    fs.mkdirs(staging);
    return staging;
  }

  void writeText(Path file, String text) throws IOException {
    try (FSDataOutputStream out = fs.create(file, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Makes the staged rows the run's rows: atomically visible, replacing an earlier attempt of the same run id. */
  void commit(Path staging, LocalDate runDate, String runId) throws IOException {
    Path target = runFolder(runDate, runId);
    // the same id committed on another day is the same run too: its rows go as well
    FileStatus[] sameId = fs.globStatus(new Path(scores, AuditSchema.RUN_DATE + "=*/" + AuditSchema.RUN_ID + "="
        + runId));
    java.util.List<Path> aside = new java.util.ArrayList<>();
    java.util.List<Path> from = new java.util.ArrayList<>();
    Path trashRoot = new Path(scores, TRASH);
    if (sameId != null) {
      for (FileStatus st : sameId) {
        if (!st.getPath().getParent().getName().equals(target.getParent().getName())) {
          fs.mkdirs(trashRoot);
          Path t = new Path(trashRoot, runId + "-" + UUID.randomUUID());
          if (!fs.rename(st.getPath(), t)) {
            throw new IOException("cannot move the earlier " + st.getPath() + " aside to " + t);
          }
          from.add(st.getPath());
          aside.add(t);
        }
      }
    }
    try {
      replace(staging, target, trashRoot);
    } catch (IOException e) {
      for (int i = 0; i < aside.size(); i++) {
        fs.rename(aside.get(i), from.get(i));
      }
      throw e;
    }
    for (Path t : aside) {
      fs.delete(t, true);
    }
  }

  void commitReport(Path staging, String runId) throws IOException {
    replace(staging, reportFolder(runId), new Path(runs, TRASH));
  }

  void discard(Path staging) {
    try {
      fs.delete(staging, true);
    } catch (IOException e) {
      // left for cleanStale
    }
  }

  private void replace(Path from, Path to, Path trashRoot) throws IOException {
    fs.mkdirs(to.getParent());
    Path trash = null;
    if (fs.exists(to)) {
      fs.mkdirs(trashRoot);
      trash = new Path(trashRoot, to.getName() + "-" + UUID.randomUUID());
      if (!fs.rename(to, trash)) {
        throw new IOException("cannot move the earlier " + to + " aside to " + trash);
      }
    }
    if (!fs.rename(from, to)) {
      if (trash != null) {
        fs.rename(trash, to);
      }
      throw new IOException("cannot move " + from + " to " + to);
    }
    if (trash != null) {
      fs.delete(trash, true);
    }
  }

  /** What a killed process would leave: thrown past every clean-up. */
  static final class SimulatedCrash extends RuntimeException {
    SimulatedCrash(String message) {
      super(message);
    }
  }
}
