package com.synthscope.job.audit;

import com.synthscope.job.ArchiveInputOptions;
import com.synthscope.job.CommandBase;
import com.synthscope.job.ConfigurationException;
import com.synthscope.job.DetectorSelection;
import com.synthscope.job.DomainOption;
import com.synthscope.job.JobCommand;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.job.TileScoringOptions;
import com.synthscope.udfs.detect.DetectorCatalog;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.image.DecodeLimits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code synthscope audit}: incremental scoring of an image archive into the audit-scores table,
 * with a report.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Score every new image under an input URI with the detectors, append the scores to the",
      "audit-scores table (partitioned by run_date and run_id) and write a summary and an HTML report.",
      "Unchanged files (path, length, modification time) scored by earlier runs with the same models are",
      "not read; a copied or moved file whose bytes (sha256) were scored carries those scores (scores_from_run)."
    })
public final class AuditCommand extends JobCommand {

  @Option(
      names = "--output",
      required = true,
      paramLabel = "URI",
      description =
          "Audit folder: scores/ (the table) and runs/<run id>/ (summary.json, report.html).")
  String output;

  @Option(
      names = "--threshold",
      paramLabel = "P",
      description =
          "flagged = score >= P (default: the calibrated threshold of the models, see 'synthscope calibrate'; 0.5 where there is none).")
  Double threshold;

  @Option(
      names = "--fusion",
      paramLabel = "URI|embedded:NAME|none",
      description =
          "Fitted fusion of the detectors' logits (synthscope-fusion.json from 'synthscope calibrate'); default: the domain's embedded one when the models are the ones it was fitted on; none: the mean of the probabilities.")
  String fusion;

  @Mixin ArchiveInputOptions archive;

  @Mixin DetectorSelection selection;

  @Mixin TileScoringOptions scoring;

  @Mixin DomainOption domain;

  @Option(
      names = "--full",
      description = "Rescore everything, also images scored before with the same models.")
  boolean full;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "Run id (letters, digits, '.', '_', '-'); the same id again replaces that run's rows. Default: the start time, yyyyMMdd'T'HHmmss'Z' (UTC).")
  String runId;

  @Option(
      names = "--format",
      defaultValue = "delta",
      paramLabel = "delta|parquet",
      description =
          "Scores table format: delta (Delta Lake, one atomic commit per run, time travel) or parquet (plain Parquet folders for readers without Delta) (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = "--fail-on-flagged",
      paramLabel = "N",
      description =
          "Exit with 1 when more than N images are flagged (default: flagged images are no failure).")
  Long failOnFlagged;

  @Option(
      names = "--batch",
      paramLabel = "N",
      description =
          "Images per model batch (default: the largest batch size of the selected detectors).")
  Integer batch;

  @Option(
      names = "--top",
      defaultValue = "24",
      paramLabel = "N",
      description =
          "Top flagged images shown with thumbnails in the report (default: ${DEFAULT-VALUE}).")
  int top;

  private final DetectorCatalog catalog;
  private DecodeLimits limits;
  private List<ImageDetector> detectors;
  private AuditTable.Format tableFormat;

  /** The detectors of {@code --domain}. */
  public AuditCommand() {
    this(null);
  }

  /**
   * @param catalog the detectors to choose from; null: those of {@code --domain}
   */
  public AuditCommand(DetectorCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  protected void validate() {
    if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
      throw new ConfigurationException("--threshold must lie in [0, 1], got " + threshold);
    }
    if (runId != null && !Audit.RUN_ID.matcher(runId).matches()) {
      throw new ConfigurationException(
          "--run-id must be 1-128 letters, digits, '.', '_' or '-' and start with a"
              + " letter or digit; got '"
              + runId
              + "'");
    }
    if (failOnFlagged != null && failOnFlagged < 0) {
      throw new ConfigurationException("--fail-on-flagged must be >= 0");
    }
    if ((batch != null && batch < 1) || top < 0) {
      throw new ConfigurationException("--batch must be >= 1 and --top >= 0");
    }
    tableFormat = AuditTable.Format.parse(format);
    limits = archive.limits();
    detectors = scoring.apply(selection.select(catalog != null ? catalog : domain.registry()));
  }

  /** {@code --fusion}, or the domain's embedded fusion where the family is not the micrographs'. */
  static String fusion(String given, DomainOption domain) {
    if (given != null || domain.domain() == com.synthscope.udfs.detect.DetectorDomain.MICROGRAPHS) {
      return given;
    }
    return com.synthscope.udfs.model.EmbeddedModels.SCHEME + ":" + domain.domain().fusionName();
  }

  @Override
  protected Map<String, String> sessionDefaults() {
    return Map.of("spark.ui.showConsoleProgress", "true");
  }

  @Override
  protected int run(SparkSession session) throws Exception {
    int batchSize =
        batch != null
            ? batch
            : detectors.stream().mapToInt(ImageDetector::batchSize).max().orElse(8);
    batchSize = BatchSizing.fit(batchSize, detectors, BatchSizing.room(session), out());
    Audit.Settings settings =
        new Audit.Settings(
            archive.ingestOptions(limits),
            output,
            detectors,
            threshold,
            full,
            runId,
            batchSize,
            top,
            fusion(fusion, domain),
            tableFormat);
    Audit.Result result = new Audit(settings, out()).run(session);
    return finish(this, result, failOnFlagged, null);
  }

  /** Prints where things are, the detection summary and the JSON line; the exit code. */
  static int finish(
      CommandBase command, Audit.Result result, Long failOnFlagged, Runnable beforeJson) {
    AuditReport.Summary s = result.summary();
    var out = command.out();
    out.printf(
        "audited %d files in %.1f s: %d new, %d skipped, %d errors%s, %d flagged at score >= %s%n",
        s.scanned(),
        s.seconds(),
        s.newlyScored(),
        s.skipped(),
        s.errors(),
        s.errorsByReason().isEmpty() ? "" : " " + s.errorsByReason(),
        s.flagged(),
        s.threshold());
    s.roc()
        .forEach(
            (c, r) ->
                out.printf(
                    "  %-12s AUC %.3f, AP %.3f on %d labelled images%n",
                    c, r.auc(), r.averagePrecision(), r.positives() + r.negatives()));
    out.println("table:   " + s.table() + "  (this run: " + s.runFolder() + ")");
    out.println("report:  " + result.reportPath());
    out.println("summary: " + result.summaryPath());
    boolean tooMany = failOnFlagged != null && s.flagged() > failOnFlagged;
    if (tooMany) {
      command
          .err()
          .println(
              "synthscope audit: "
                  + s.flagged()
                  + " images flagged, more than --fail-on-flagged "
                  + failOnFlagged);
      command.err().flush();
    }
    if (beforeJson != null) {
      beforeJson.run();
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "audit");
    json.put("run_id", s.runId());
    json.put("run_date", s.runDate());
    json.putAll(s.counts());
    json.put("seconds", AuditReport.round(s.seconds(), 3));
    json.put("table", s.table());
    json.put("report", result.reportPath());
    json.put("models", s.models());
    if (!s.roc().isEmpty()) {
      Map<String, Object> auc = new LinkedHashMap<>();
      s.roc()
          .forEach(
              (c, r) -> {
                Map<String, Object> one = new LinkedHashMap<>();
                one.put("auc", AuditReport.round(r.auc(), 4));
                one.put("average_precision", AuditReport.round(r.averagePrecision(), 4));
                auc.put(c, one);
              });
      json.put("roc", auc);
    }
    json.put("exit", tooMany ? "flagged_over_limit" : "ok");
    command.printJson(json);
    return tooMany ? SynthScopeCli.EXIT_JOB_FAILURE : SynthScopeCli.EXIT_OK;
  }
}
