package com.synthscope.job.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;

import com.synthscope.job.ConfigurationException;
import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.spark.InventorySchema;
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
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

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
 * A run writes its rows into {@code _staging} (Spark readers skip names starting with {@code _}),
 * then renames that folder to {@code run_date=.../run_id=...}: readers see all of a run's rows or
 * none. The same run id again moves the old folder to {@code _trash} and the new one in, so its
 * rows are replaced, never duplicated; between those two renames the run's rows are briefly absent.
 * Two runs with the same id at the same time: the second is refused ({@link RunLock}, {@code
 * OUTPUT/runs/_locks/ID.lock}). The report ({@code runs/ID}) is made visible before the rows, so
 * rows never appear without their summary. A run id names one run whatever its date: committing it
 * again also removes its rows under other {@code run_date} folders.
 */
public final class AuditTable {

  /**
   * How the scores are stored. {@code DELTA} (the default): a Delta Lake table at {@code
   * OUTPUT/scores}, partitioned by {@code run_date} and {@code run_id} (the same folders as the
   * plain layout), one commit per run ({@code replaceWhere run_id = ID}): readers see all of a
   * run's rows or none on any filesystem Delta supports, and every run is a table version to travel
   * back to. {@code PARQUET}: the plain-Parquet layout below, committed by renames, for readers
   * without Delta.
   */
  enum Format {
    DELTA,
    PARQUET;

    static Format parse(String name) {
      for (Format f : values()) {
        if (f.name().equalsIgnoreCase(name)) {
          return f;
        }
      }
      throw new ConfigurationException("--format must be delta or parquet, got '" + name + "'");
    }

    String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Delta's transaction log folder inside the table. */
  static final String DELTA_LOG = "_delta_log";

  /**
   * Commits lost to concurrent writers before a run gives up (each retry rewrites only the run's
   * own rows).
   */
  static final int COMMIT_ATTEMPTS = 5;

  static final String SCORES = "scores";
  static final String RUNS = "runs";
  static final String STAGING = "_staging";
  static final String TRASH = "_trash";
  static final String SUMMARY = "summary.json";
  static final String REPORT = "report.html";

  /**
   * In a run's row folder: the id of the attempt that wrote it, as its summary.json's {@code
   * attempt} says.
   */
  static final String ATTEMPT = "_attempt";

  /**
   * Test-only: when this system property is {@code true}, a run stops like a killed process right
   * after its data files are written and before they are made visible: no clean-up, no commit.
   */
  static final String CRASH_BEFORE_COMMIT = "synthscope.audit.crash-before-commit";

  /**
   * Test-only: when this system property is {@code true}, writing the report fails after its files
   * are written and before it is made visible, as a full disk would.
   */
  static final String FAIL_REPORT = "synthscope.audit.fail-report";

  private static final long STALE_MILLIS = 24L * 3600 * 1000;

  private final SparkSession spark;
  private final Format format;
  private final FileSystem fs;
  private final Path root;
  private final Path scores;
  private final Path runs;

  AuditTable(SparkSession spark, String output) throws IOException {
    this(spark, output, Format.PARQUET);
  }

  AuditTable(SparkSession spark, String output, Format format) throws IOException {
    this.spark = spark;
    this.format = format;
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
    return new Path(
        scores, AuditSchema.RUN_DATE + "=" + runDate + "/" + AuditSchema.RUN_ID + "=" + runId);
  }

  Path reportFolder(String runId) {
    return new Path(runs, runId);
  }

  Format format() {
    return format;
  }

  /**
   * Refuses an output whose table is in the other format (exit code 2): a Delta run over a
   * plain-Parquet table would hide its earlier runs, a plain run inside a Delta table would write
   * files its log does not know.
   */
  void checkFormat() throws IOException {
    boolean delta = fs.exists(new Path(scores, DELTA_LOG));
    boolean plain =
        !delta
            && fs.exists(scores)
            && fs.globStatus(new Path(scores, AuditSchema.RUN_DATE + "=*")).length > 0;
    if (format == Format.DELTA && plain) {
      throw new ConfigurationException(
          scores
              + " is a plain-Parquet audit table: pass --format parquet, or convert"
              + " it to Delta first (README, \"Migrating the scores table to Delta Lake\")");
    }
    if (format == Format.PARQUET && delta) {
      throw new ConfigurationException(
          scores + " is a Delta Lake table: pass --format delta (the default)");
    }
  }

  /** The table as it is now, with the contract's columns; null when no run has been committed. */
  Dataset<Row> read(List<String> detectors) throws IOException {
    return read(spark, scores.toString(), detectors);
  }

  /**
   * The audit-scores table at {@code scores} in either format (a {@code _delta_log} inside says
   * Delta), with the contract's columns (columns an older table lacks read as null); null when
   * nothing has been committed there.
   */
  public static Dataset<Row> read(SparkSession spark, String scores, List<String> detectors)
      throws IOException {
    Path p = new Path(scores);
    FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
    StructType schema = AuditSchema.tableSchema(detectors);
    if (fs.exists(new Path(p, DELTA_LOG))) {
      Dataset<Row> t = spark.read().format("delta").load(scores);
      List<String> have = List.of(t.columns());
      return t.select(
          java.util.Arrays.stream(schema.fields())
              .map(
                  f ->
                      have.contains(f.name())
                          ? col(f.name())
                          : lit(null).cast(f.dataType()).as(f.name()))
              .toArray(Column[]::new));
    }
    if (!fs.exists(p)) {
      return null;
    }
    return spark.read().schema(schema).parquet(scores);
  }

  /**
   * The rows that runs other than {@code runId} scored successfully with exactly these models
   * (detector -> model id), for every one of the given detectors, lazily; null when the table is
   * empty. Nothing is collected: the caller joins this against the listing on the cluster.
   */
  Dataset<Row> previouslyScored(Map<String, String> models, String runId) throws IOException {
    Dataset<Row> table = read(List.copyOf(models.keySet()));
    if (table == null) {
      return null;
    }
    Column same =
        col(InventorySchema.STATUS)
            .equalTo(lit(InventorySchema.STATUS_OK))
            .and(col(AuditSchema.RUN_ID).notEqual(lit(runId)))
            .and(col(InventorySchema.SHA256).isNotNull());
    for (Map.Entry<String, String> m : models.entrySet()) {
      same =
          same.and(element_at(col(AuditSchema.MODELS), lit(m.getKey())).equalTo(lit(m.getValue())));
    }
    return table.filter(same);
  }

  /** Takes the run id's lock in this output ({@link RunLock}). */
  RunLock lock(String runId, java.io.PrintWriter log) throws IOException {
    return RunLock.acquire(fs, runs, runId, log);
  }

  /** Test-only: see {@link #CRASH_BEFORE_COMMIT}. */
  static void simulateCrashBeforeCommit() {
    if (Boolean.getBoolean(CRASH_BEFORE_COMMIT)) {
      throw new SimulatedCrash(
          "simulated crash after the data files were written (" + CRASH_BEFORE_COMMIT + ")");
    }
  }

  static void injectReportFault() throws IOException {
    if (Boolean.getBoolean(FAIL_REPORT)) {
      throw new IOException("No space left on device (simulated: " + FAIL_REPORT + ")");
    }
  }

  /**
   * Removes what killed runs left: this run id's staging folders, and any staging or trash older
   * than a day.
   */
  void cleanStale(String runId) throws IOException {
    long now = System.currentTimeMillis();
    for (Path dir :
        List.of(
            new Path(scores, STAGING),
            new Path(scores, TRASH),
            new Path(runs, STAGING),
            new Path(runs, TRASH))) {
      if (!fs.exists(dir)) {
        continue;
      }
      for (FileStatus s : fs.listStatus(dir)) {
        if (s.getPath().getName().startsWith(runId + "-")
            || now - s.getModificationTime() > STALE_MILLIS) {
          fs.delete(s.getPath(), true);
        }
      }
    }
  }

  /**
   * Writes a run's rows (the file columns of the table) into a new staging folder and returns it.
   */
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

  /**
   * Makes the staged rows the run's rows: atomically visible, replacing an earlier attempt of the
   * same run id.
   */
  void commit(Path staging, LocalDate runDate, String runId) throws IOException {
    Path target = runFolder(runDate, runId);
    // the same id committed on another day is the same run too: its rows go as well
    FileStatus[] sameId =
        fs.globStatus(
            new Path(scores, AuditSchema.RUN_DATE + "=*/" + AuditSchema.RUN_ID + "=" + runId));
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

  /**
   * Delta: commits the staged rows as the run's rows in one transaction that also removes the run
   * id's earlier rows (any date): readers see the table before or after, never between. A commit
   * lost to a concurrent writer is retried (only the run's own rows are rewritten); when it keeps
   * losing, a one-line IOException and nothing written. Returns the table version the run wrote.
   */
  long commitDelta(Path staging, LocalDate runDate, String runId, String attempt)
      throws IOException {
    Dataset<Row> rows =
        spark
            .read()
            .parquet(staging.toString())
            .withColumn(AuditSchema.RUN_ID, lit(runId))
            .withColumn(AuditSchema.RUN_DATE, lit(java.sql.Date.valueOf(runDate)));
    RuntimeException last = null;
    for (int i = 1; i <= COMMIT_ATTEMPTS; i++) {
      try {
        rows.write()
            .format("delta")
            .mode(SaveMode.Overwrite)
            // the run id is checked against Audit.RUN_ID: letters, digits, '.', '_', '-' only
            .option("replaceWhere", AuditSchema.RUN_ID + " = '" + runId + "'")
            .option(
                "mergeSchema",
                "true") // a table of an earlier release gains the new nullable columns
            .option("userMetadata", attempt)
            .partitionBy(AuditSchema.RUN_DATE, AuditSchema.RUN_ID)
            .save(scores.toString());
        return versionOf(attempt);
      } catch (RuntimeException e) {
        if (!concurrent(e)) {
          throw e;
        }
        last = e;
      }
    }
    throw new IOException(
        "another writer kept committing to "
            + scores
            + " at the same time ("
            + COMMIT_ATTEMPTS
            + " attempts, last: "
            + firstLine(last)
            + "); run "
            + runId
            + " committed nothing, rerun it with --run-id "
            + runId,
        last);
  }

  /**
   * The table version whose commit carries this attempt's id; when there is none (a run with no
   * rows and no earlier rows to replace changes nothing, and Delta writes no commit for that), the
   * version the table stands at.
   */
  private long versionOf(String attempt) {
    io.delta.tables.DeltaTable t = io.delta.tables.DeltaTable.forPath(spark, scores.toString());
    // the commit was just written: it is among the latest few (a hundred covers any concurrent
    // writers); the whole
    // history, which grows a commit a night, only when it is not
    List<Row> v =
        t.history(100)
            .filter(col("userMetadata").equalTo(lit(attempt)))
            .select("version")
            .collectAsList();
    if (v.isEmpty()) {
      v =
          t.history()
              .filter(col("userMetadata").equalTo(lit(attempt)))
              .select("version")
              .collectAsList();
    }
    return v.isEmpty() ? t.history(1).select("version").first().getLong(0) : v.get(0).getLong(0);
  }

  private static boolean concurrent(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.util.ConcurrentModificationException) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
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
