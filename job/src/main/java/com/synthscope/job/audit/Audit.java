package com.synthscope.job.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.substring_index;

import com.google.gson.GsonBuilder;
import com.synthscope.job.ConfigurationException;
import com.synthscope.job.DeltaSession;
import com.synthscope.job.FusionFiles;
import com.synthscope.job.OutputGuard;
import com.synthscope.udfs.detect.DetectorInfo;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.LogisticFusion;
import com.synthscope.udfs.spark.AuditScan;
import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.spark.HadoopConf;
import com.synthscope.udfs.spark.IngestOptions;
import com.synthscope.udfs.spark.InventorySchema;
import com.synthscope.udfs.spark.Thumbnails;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * One audit run: preflight the detectors, find what earlier runs scored, scan (read, hash, decode,
 * score) in one pass, stage the run's rows, summarise them, write the report, then make rows and
 * report visible.
 */
final class Audit {

  static final DateTimeFormatter RUN_ID_FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /**
   * @param runId null: the start time, {@code yyyyMMdd'T'HHmmss'Z'} (UTC)
   * @param topFlagged thumbnails in the report
   */
  record Settings(
      IngestOptions input,
      String output,
      List<ImageDetector> detectors,
      Double threshold,
      boolean full,
      String runId,
      int batchSize,
      int topFlagged,
      String fusion,
      AuditTable.Format format) {
    Settings(
        IngestOptions input,
        String output,
        List<ImageDetector> detectors,
        Double threshold,
        boolean full,
        String runId,
        int batchSize,
        int topFlagged,
        String fusion) {
      this(
          input,
          output,
          detectors,
          threshold,
          full,
          runId,
          batchSize,
          topFlagged,
          fusion,
          AuditTable.Format.DELTA);
    }

    Settings(
        IngestOptions input,
        String output,
        List<ImageDetector> detectors,
        Double threshold,
        boolean full,
        String runId,
        int batchSize,
        int topFlagged) {
      this(input, output, detectors, threshold, full, runId, batchSize, topFlagged, null);
    }
  }

  /**
   * The embedded fusion of the embedded detectors (used only when the run's models are the ones it
   * was fitted on).
   */
  static final String EMBEDDED_FUSION = LogisticFusion.EMBEDDED;

  /** What the run did. */
  record Result(AuditReport.Summary summary, String reportPath, String summaryPath) {}

  private final Settings s;
  private final PrintWriter out;

  Audit(Settings settings, PrintWriter out) {
    this.s = settings;
    this.out = out;
  }

  Result run(SparkSession spark) throws IOException {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    String runId = s.runId() != null ? s.runId() : RUN_ID_FORMAT.format(started);
    LocalDate runDate = started.atZone(ZoneOffset.UTC).toLocalDate();
    List<String> names = s.detectors().stream().map(ImageDetector::name).toList();
    HadoopConf conf = HadoopConf.of(spark);

    // 0. the output, before any work: not over the input, and writable
    AuditTable table = new AuditTable(spark, s.output(), s.format());
    refuseUnsafeOutput(spark, table);
    table.checkFormat();
    if (table.format() == AuditTable.Format.DELTA) {
      DeltaSession.require(spark);
    }

    // 1. models, on the driver, before any Spark stage: a wrong model is exit code 2 with nothing
    // written
    Map<String, String> models = new LinkedHashMap<>();
    Map<String, DetectorInfo> infos = new LinkedHashMap<>();
    for (ImageDetector d : s.detectors()) {
      long t = System.nanoTime();
      DetectorInfo info = d.describe(conf.get());
      infos.put(d.name(), info);
      models.put(d.name(), info.models());
      out.printf("preflight  %-6s %s (%.1f s)%n", d.name(), models.get(d.name()), secondsSince(t));
      if (info.contract() != null) {
        out.printf("contract   %-6s %s%n", d.name(), info.contract().describe());
      }
    }
    OperatingPoint op = OperatingPoint.choose(s.threshold(), infos, models, loadFusion(spark));
    out.printf("threshold  %s%n", op.describe());
    out.flush();

    try (RunLock lock = table.lock(runId, out);
        HeapSampler heap = HeapSampler.start()) {
      return run(spark, table, runId, runDate, started, t0, names, conf, models, infos, op, heap);
    }
  }

  private Result run(
      SparkSession spark,
      AuditTable table,
      String runId,
      LocalDate runDate,
      Instant started,
      long t0,
      List<String> names,
      HadoopConf conf,
      Map<String, String> models,
      Map<String, DetectorInfo> infos,
      OperatingPoint op,
      HeapSampler heap)
      throws IOException {
    table.cleanStale(runId);

    // 2. incremental: the listing against what earlier runs scored with the same models, joined on
    // the cluster
    long t = System.nanoTime();
    Dataset<Row> previous = s.full() ? null : table.previouslyScored(models, runId);
    AuditScan.Metrics metrics = new AuditScan.Metrics(spark, names);
    AuditScan.Settings scanSettings =
        new AuditScan.Settings(
            s.input(), s.detectors(), op.threshold(), s.batchSize(), op.fusion(), models);
    Increment increment = new Increment(spark, scanSettings, conf, metrics);
    Dataset<Row> scan = increment.rows(previous).persist(StorageLevel.MEMORY_AND_DISK());
    Increment.Plan plan = increment.plan();
    out.printf(
        "listed     %d files: %d unchanged since scored with these models%s, %d new or changed (%d bytes)"
            + " (%.1f s)%n",
        plan.listed(),
        plan.unchanged(),
        s.full() ? " (--full: none)" : "",
        plan.candidates(),
        plan.candidateBytes(),
        secondsSince(t));
    out.flush();

    // 3. the scan: read, hash, carry or decode and score the new and changed files; rows staged
    // where readers do
    // not look
    Path staging = null;
    try {
      Dataset<Row> rows = fileColumns(scan, names);
      staging = table.stage(rows, runId);
      double scanSeconds = secondsSince(t);

      // 4. counts from the scan and the plan, everything else from the staged rows
      Counts counts = counts(scan, plan);
      Dataset<Row> staged =
          spark.read().schema(AuditSchema.fileSchema(names)).parquet(staging.toString());
      List<AuditReport.Stage> stages = new ArrayList<>();
      stages.add(
          new AuditReport.Stage(
              "scan (list, join, read, hash, decode, score, write)",
              counts.scanned,
              scanSeconds,
              "wall"));
      stages.add(
          new AuditReport.Stage(
              "read + sha256", metrics.filesRead.value(), metrics.readNanos.value() / 1e9, "task"));
      stages.add(
          new AuditReport.Stage(
              "decode", metrics.decoded.value(), metrics.decodeNanos.value() / 1e9, "task"));
      for (int k = 0; k < names.size(); k++) {
        stages.add(
            new AuditReport.Stage(
                names.get(k),
                metrics.scored.value(),
                metrics.detectorNanos.get(k).value() / 1e9,
                "task"));
      }
      for (AuditReport.Stage st : stages) {
        out.printf(
            "stage      %-46s %6d images %8.2f s %8.1f images/s (%s)%n",
            st.name(),
            st.images(),
            st.seconds(),
            st.imagesPerSecond(),
            st.basis().equals("task") ? "task time" : "wall clock");
      }
      out.flush();

      t = System.nanoTime();
      long labelled =
          staged
              .filter(col(AuditSchema.LABEL).isNotNull().and(col(AuditSchema.SCORE).isNotNull()))
              .count();
      List<String> columns = new ArrayList<>();
      names.forEach(n -> columns.add(AuditSchema.scoreColumn(n)));
      columns.add(AuditSchema.SCORE);
      List<AuditReport.Histogram> histograms = new ArrayList<>();
      for (String c : columns) {
        histograms.add(histogram(staged, c));
      }
      Map<String, AuditCurves.Roc> roc = new LinkedHashMap<>();
      if (labelled > 0) {
        for (String c : columns) {
          AuditCurves.Roc r = roc(staged, c);
          if (r != null) {
            roc.put(c, r);
          }
        }
      }
      List<AuditReport.Flagged> top = topFlagged(spark, staged, names, conf);
      String runFolder = table.runFolder(runDate, runId).toString();
      AuditReport.Summary summary =
          new AuditReport.Summary(
              runId,
              runDate.toString(),
              started.toString(),
              0,
              s.input().input(),
              table.root().toString(),
              table.scores().toString(),
              runFolder,
              table.reportFolder(runId).toString(),
              op.threshold(),
              names,
              models,
              s.full(),
              counts.scanned,
              counts.ok,
              counts.skipped,
              counts.errors(),
              counts.errorsByReason,
              counts.flagged,
              stages,
              histograms,
              roc,
              labelled,
              top,
              scoring(staged, op, infos),
              null);
      for (String w : summary.scoring().warnings()) {
        out.println("WARNING    " + w);
      }
      stages.add(
          new AuditReport.Stage(
              "report (summaries, thumbnails)", counts.ok, secondsSince(t), "wall"));
      out.printf(
          "stage      %-46s %6d images %8.2f s %8.1f images/s (wall clock)%n",
          "report", counts.ok, secondsSince(t), counts.ok / Math.max(secondsSince(t), 1e-9));

      // 5. visible: the report first, then the rows (one rename). Readers of the table never see
      // rows without
      // their run's summary; a failure while writing the report leaves nothing visible (the staged
      // rows go).
      summary =
          withIncrement(
              withSeconds(summary, secondsSince(t0)),
              new AuditReport.Increment(
                  table.format().id(),
                  plan.listed(),
                  plan.unchanged(),
                  metrics.filesRead.value(),
                  metrics.bytesRead.value(),
                  counts.carried,
                  null,
                  heap.peakBytes(),
                  heap.afterGcPeakBytes()));
      AuditTable.simulateCrashBeforeCommit();
      // the attempt's id in both places: summary.json's "attempt" equals the row folder's _attempt
      // file, so a
      // reader can tell a summary from the rows it describes even after a kill between the two
      // renames
      String attempt = staging.getName();
      table.writeText(new Path(staging, AuditTable.ATTEMPT), attempt + "\n");
      Path reportStaging = null;
      try {
        reportStaging = table.reportStaging(runId);
        table.writeText(new Path(reportStaging, AuditTable.SUMMARY), summaryJson(summary, attempt));
        table.writeText(new Path(reportStaging, AuditTable.REPORT), AuditReport.html(summary));
        AuditTable.injectReportFault();
        table.commitReport(reportStaging, runId);
      } catch (IOException | RuntimeException e) {
        if (reportStaging != null) {
          table.discard(reportStaging);
        }
        throw new IOException(
            "cannot write the report under "
                + table.reportFolder(runId)
                + " ("
                + e
                + "); the run's rows were not made visible",
            e);
      }
      Path folder = table.reportFolder(runId);
      if (table.format() == AuditTable.Format.DELTA) {
        long version = table.commitDelta(staging, runDate, runId, attempt);
        table.discard(staging);
        staging = null;
        // the version is known once committed: summary.json gains it (the report and rows are
        // already visible)
        AuditReport.Increment inc = summary.increment();
        summary =
            withIncrement(
                summary,
                new AuditReport.Increment(
                    inc.tableFormat(),
                    inc.listed(),
                    inc.unchanged(),
                    inc.filesRead(),
                    inc.bytesRead(),
                    inc.carried(),
                    version,
                    heap.peakBytes(),
                    heap.afterGcPeakBytes()));
        table.writeText(new Path(folder, AuditTable.SUMMARY), summaryJson(summary, attempt));
        out.printf(
            "committed  table version %d (read it back: versionAsOf %d)%n", version, version);
      } else {
        table.commit(staging, runDate, runId);
        staging = null;
      }
      return new Result(
          summary,
          new Path(folder, AuditTable.REPORT).toString(),
          new Path(folder, AuditTable.SUMMARY).toString());
    } catch (AuditTable.SimulatedCrash e) {
      staging = null; // a killed process cleans nothing up
      throw e;
    } finally {
      if (staging != null) {
        table.discard(staging);
      }
      scan.unpersist();
      increment.release();
    }
  }

  private static String summaryJson(AuditReport.Summary summary, String attempt) {
    Map<String, Object> json = summary.toJson();
    json.put("attempt", attempt);
    return new GsonBuilder()
            .disableHtmlEscaping()
            .setPrettyPrinting()
            .serializeNulls()
            .create()
            .toJson(json)
        + "\n";
  }

  private static AuditReport.Summary withIncrement(
      AuditReport.Summary x, AuditReport.Increment increment) {
    return copy(x, x.seconds(), increment);
  }

  private static AuditReport.Summary withSeconds(AuditReport.Summary x, double seconds) {
    return copy(x, seconds, x.increment());
  }

  /** The summary with its two late fields (wall seconds, the increment's figures) set. */
  private static AuditReport.Summary copy(
      AuditReport.Summary x, double seconds, AuditReport.Increment increment) {
    return new AuditReport.Summary(
        x.runId(),
        x.runDate(),
        x.started(),
        seconds,
        x.input(),
        x.output(),
        x.table(),
        x.runFolder(),
        x.reportFolder(),
        x.threshold(),
        x.detectors(),
        x.models(),
        x.full(),
        x.scanned(),
        x.newlyScored(),
        x.skipped(),
        x.errors(),
        x.errorsByReason(),
        x.flagged(),
        x.stages(),
        x.histograms(),
        x.roc(),
        x.labelled(),
        x.topFlagged(),
        x.scoring(),
        increment);
  }

  /** The fitted fusion: {@code --fusion URI}, {@code embedded:NAME}, none, or the embedded one. */
  private LogisticFusion loadFusion(SparkSession spark) throws IOException {
    if (s.detectors().size() < 2 || "none".equals(s.fusion())) {
      return null;
    }
    String json;
    if (s.fusion() == null) {
      return LogisticFusion.embedded();
    } else if (s.fusion().startsWith(com.synthscope.udfs.model.EmbeddedModels.SCHEME + ":")) {
      // a family's embedded fusion (audit --domain photos: embedded:photos-fusion)
      return FusionFiles.load(s.fusion());
    } else {
      Path p = new Path(s.fusion());
      try (var in = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).open(p)) {
        json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigurationException("--fusion " + s.fusion() + ": " + e.getMessage(), e);
      }
    }
    try {
      return LogisticFusion.fromJson(json);
    } catch (RuntimeException e) {
      throw new ConfigurationException(
          "fusion "
              + (s.fusion() == null ? "(embedded)" : s.fusion())
              + " is malformed: "
              + e.getMessage(),
          e);
    }
  }

  /** How the run scored, with the warnings the console and the report's banner show. */
  private static AuditReport.Scoring scoring(
      Dataset<Row> staged, OperatingPoint op, Map<String, DetectorInfo> infos) {
    Row r =
        staged
            .filter(col(AuditSchema.SCORE).isNotNull())
            .agg(
                functions.sum(functions.when(col(AuditSchema.OUT_OF_DOMAIN), 1).otherwise(0)),
                functions.sum(functions.when(col(AuditSchema.SCORED_WHOLE), 1).otherwise(0)),
                functions.sum(
                    functions.when(col(AuditSchema.TILES_LEFT_OUT).gt(0), 1).otherwise(0)),
                functions.sum(col(AuditSchema.TILES)))
            .first();
    long ood = r.isNullAt(0) ? 0 : r.getLong(0);
    long whole = r.isNullAt(1) ? 0 : r.getLong(1);
    long cut = r.isNullAt(2) ? 0 : r.getLong(2);
    long tiles = r.isNullAt(3) ? 0 : r.getLong(3);
    Map<String, String> contracts = new LinkedHashMap<>();
    infos.forEach(
        (d, i) ->
            contracts.put(
                d,
                i.contract() == null
                    ? "none (whole image as the model takes it)"
                    : i.contract().describe()));
    List<String> warnings = new ArrayList<>();
    if (ood > 0) {
      warnings.add(
          ood
              + " images lie outside the detectors' domain (their encoder features are far from the"
              + " images the detectors were calibrated on; column out_of_domain): their scores are not reliable");
    }
    // only a tiled contract has tiles to be smaller than: a whole-image family (photos) scores
    // every image whole
    boolean tiled =
        infos.values().stream().anyMatch(i -> i.contract() != null && i.contract().tiled());
    if (whole > 0 && tiled) {
      warnings.add(
          whole
              + " images were smaller than one tile at the detectors' scale and were scored once at"
              + " their own size (column scored_whole); if the archive was imaged at another magnification, pass"
              + " --scale");
    }
    if (op.uncalibrated()) {
      warnings.add(
          "no calibrated operating point for this detector selection: flagged at "
              + op.threshold()
              + ", false-positive rate unknown");
    }
    return new AuditReport.Scoring(
        op.describe(), op.fusionRule(), contracts, ood, whole, cut, tiles, warnings);
  }

  /**
   * The scan's rows ({@code AuditRow}s, models included) in the table's file layout: without the
   * scan's own column.
   */
  private static Dataset<Row> fileColumns(Dataset<Row> scanned, List<String> names) {
    return scanned.select(
        java.util.Arrays.stream(AuditSchema.fileSchema(names).fieldNames())
            .map(functions::col)
            .toArray(Column[]::new));
  }

  /**
   * The table may not be, lie inside or contain the input (it would scan or replace it), and must
   * be writable.
   */
  private void refuseUnsafeOutput(SparkSession spark, AuditTable table) {
    var hadoop = spark.sessionState().newHadoopConf();
    OutputGuard.refuseOverlap(hadoop, "--output", s.output(), Map.of("--input", s.input().input()));
    OutputGuard.checkWritable(hadoop, "--output", s.output(), table.root());
  }

  static final class Counts {
    long scanned;
    long ok;
    long skipped;
    long carried;
    long flagged;
    final Map<String, Long> errorsByReason = new TreeMap<>();

    long errors() {
      return errorsByReason.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * scanned: every listed file; skipped: unchanged since an earlier run scored it with these models
   * (not read); new: scored by this run; carried: a copy or move of bytes scored before (its row
   * carries those scores); errors.
   */
  private static Counts counts(Dataset<Row> scan, Increment.Plan plan) {
    Counts c = new Counts();
    c.scanned = plan.listed();
    c.skipped = plan.unchanged();
    for (Row r :
        scan.groupBy(
                col(InventorySchema.STATUS),
                substring_index(col(InventorySchema.ERROR), ":", 1).as("reason"),
                col(AuditSchema.FLAGGED),
                col(AuditSchema.SCORES_FROM_RUN).isNotNull().as("carried"))
            .agg(count("*"))
            .collectAsList()) {
      long n = r.getLong(4);
      if (InventorySchema.STATUS_OK.equals(r.getString(0))) {
        if (r.getBoolean(3)) {
          c.carried += n;
        } else {
          c.ok += n;
        }
        if (!r.isNullAt(2) && r.getBoolean(2)) {
          c.flagged += n;
        }
      } else {
        c.errorsByReason.merge(r.isNullAt(1) ? "unknown" : r.getString(1), n, Long::sum);
      }
    }
    return c;
  }

  private static AuditReport.Histogram histogram(Dataset<Row> staged, String column) {
    long[] counts = new long[AuditCurves.BINS];
    Column bin =
        least(
            greatest(floor(col(column).multiply(AuditCurves.BINS)), lit(0)),
            lit(AuditCurves.BINS - 1));
    for (Row r :
        staged
            .filter(col(column).isNotNull())
            .groupBy(bin.cast("int").as("bin"))
            .agg(count("*"))
            .collectAsList()) {
      counts[r.getInt(0)] += r.getLong(1);
    }
    return new AuditReport.Histogram(column, counts);
  }

  private static AuditCurves.Roc roc(Dataset<Row> staged, String column) {
    AuditCurves.Builder b = new AuditCurves.Builder();
    for (Row r :
        staged
            .filter(col(column).isNotNull().and(col(AuditSchema.LABEL).isNotNull()))
            .groupBy(round(col(column), AuditCurves.ROC_DECIMALS).as("s"), col(AuditSchema.LABEL))
            .agg(count("*"))
            .collectAsList()) {
      b.add(r.getDouble(0), r.getInt(1), r.getLong(2));
    }
    return b.roc();
  }

  private List<AuditReport.Flagged> topFlagged(
      SparkSession spark, Dataset<Row> staged, List<String> names, HadoopConf conf) {
    if (s.topFlagged() <= 0) {
      return List.of();
    }
    List<Column> cols = new ArrayList<>(List.of(col(InventorySchema.PATH), col(AuditSchema.SCORE)));
    names.forEach(n -> cols.add(col(AuditSchema.scoreColumn(n))));
    cols.add(col(AuditSchema.LABEL));
    cols.add(col(InventorySchema.WIDTH));
    cols.add(col(InventorySchema.HEIGHT));
    cols.add(col(AuditSchema.TILE_MAP));
    List<Row> top =
        staged
            .filter(col(AuditSchema.FLAGGED))
            .orderBy(desc(AuditSchema.SCORE), col(InventorySchema.PATH))
            .select(cols.toArray(new Column[0]))
            .limit(s.topFlagged())
            .collectAsList();
    Map<String, String> thumbs =
        Thumbnails.dataUris(
            spark, top.stream().map(r -> r.getString(0)).toList(), 256, s.input().limits(), conf);
    List<AuditReport.Flagged> out = new ArrayList<>();
    for (Row r : top) {
      Map<String, Double> per = new LinkedHashMap<>();
      for (int k = 0; k < names.size(); k++) {
        per.put(names.get(k), r.isNullAt(2 + k) ? null : r.getDouble(2 + k));
      }
      int k = 2 + names.size();
      out.add(
          new AuditReport.Flagged(
              r.getString(0),
              r.getDouble(1),
              per,
              thumbs.get(r.getString(0)),
              r.isNullAt(k) ? null : r.getInt(k),
              r.isNullAt(k + 1) ? null : r.getInt(k + 1),
              r.isNullAt(k + 2) ? null : r.getInt(k + 2),
              r.isNullAt(k + 3) ? null : r.getString(k + 3)));
    }
    return out;
  }

  private static double secondsSince(long t) {
    return (System.nanoTime() - t) / 1e9;
  }
}
