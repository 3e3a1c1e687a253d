package com.synthscope.job.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One audit run as people read it: {@code summary.json} and a self-contained {@code report.html}
 * (inline SVG plots and PNG data-URI thumbnails; no script, no network).
 */
final class AuditReport {

  /**
   * A stage of the run and its throughput. {@code basis}: "wall" clock, or "task" time summed over
   * tasks.
   */
  record Stage(String name, long images, double seconds, String basis) {
    double imagesPerSecond() {
      return seconds <= 0 ? 0 : images / seconds;
    }
  }

  /** Counts per histogram bin of a probability column, over the run's scored images. */
  record Histogram(String column, long[] counts) {}

  /**
   * What a nightly run cost and where its rows went.
   *
   * @param listed files listed; {@code unchanged} of them were not read (scored before with the
   *     same models)
   * @param filesRead files whose content was read from the input (task counters: a retried task
   *     counts twice)
   * @param carried copies or moves of bytes scored before: rows carrying those scores, not scored
   *     again
   * @param tableVersion the Delta table version the run committed (time travel: {@code
   *     versionAsOf}); null for the plain-Parquet layout
   * @param heapPeakBytes the driver JVM's highest used heap while the run ran (sampled; in local
   *     mode the executor's tasks share that JVM); {@code heapAfterGcPeakBytes}: the highest heap
   *     left after a collection (what is held)
   */
  record Increment(
      String tableFormat,
      long listed,
      long unchanged,
      long filesRead,
      long bytesRead,
      long carried,
      Long tableVersion,
      long heapPeakBytes,
      long heapAfterGcPeakBytes) {
    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("listed", listed);
      m.put("unchanged_not_read", unchanged);
      m.put("files_read", filesRead);
      m.put("bytes_read", bytesRead);
      m.put("carried", carried);
      m.put("driver_heap_peak_bytes", heapPeakBytes);
      m.put("driver_heap_after_gc_peak_bytes", heapAfterGcPeakBytes);
      return m;
    }
  }

  /** A top flagged image. */
  record Flagged(
      String path,
      double score,
      Map<String, Double> detectorScores,
      String thumbnail,
      Integer label,
      Integer width,
      Integer height,
      String tileMap) {}

  /**
   * How the run scored.
   *
   * @param operatingPoint threshold and where it came from
   * @param fusion the fused score's rule
   * @param contracts per detector, its input contract in words
   * @param outOfDomain images a domain check put outside what the detectors learned
   * @param scoredWhole images smaller than one tile at the detectors' scale, scored once at their
   *     own size
   * @param withCuts images with non-specimen area (information band, borders, blank tiles) left out
   * @param tiles tiles scored in all
   * @param warnings lines for the console and the report's banner
   */
  record Scoring(
      String operatingPoint,
      String fusion,
      Map<String, String> contracts,
      long outOfDomain,
      long scoredWhole,
      long withCuts,
      long tiles,
      List<String> warnings) {

    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("operating_point", operatingPoint);
      m.put("fusion", fusion);
      m.put("contracts", contracts);
      m.put("out_of_domain", outOfDomain);
      m.put("scored_whole", scoredWhole);
      m.put("with_non_specimen_left_out", withCuts);
      m.put("tiles", tiles);
      m.put("warnings", warnings);
      return m;
    }
  }

  record Summary(
      String runId,
      String runDate,
      String started,
      double seconds,
      String input,
      String output,
      String table,
      String runFolder,
      String reportFolder,
      double threshold,
      List<String> detectors,
      Map<String, String> models,
      boolean full,
      long scanned,
      long newlyScored,
      long skipped,
      long errors,
      Map<String, Long> errorsByReason,
      long flagged,
      List<Stage> stages,
      List<Histogram> histograms,
      Map<String, AuditCurves.Roc> roc,
      long labelled,
      List<Flagged> topFlagged,
      Scoring scoring,
      Increment increment) {

    Map<String, Object> counts() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scanned", scanned);
      m.put("new", newlyScored);
      m.put("skipped", skipped);
      if (increment != null) {
        m.put("carried", increment.carried());
        m.put("files_read", increment.filesRead());
        m.put("bytes_read", increment.bytesRead());
      }
      m.put("errors", errors);
      m.put("errors_by_reason", errorsByReason);
      m.put("flagged", flagged);
      return m;
    }

    /** summary.json */
    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("run_id", runId);
      m.put("run_date", runDate);
      m.put("started", started);
      m.put("seconds", round(seconds, 3));
      m.put("input", input);
      m.put("output", output);
      m.put("table", table);
      m.put("run_folder", runFolder);
      m.put("threshold", threshold);
      m.put("fusion", scoring.fusion());
      m.put("scoring", scoring.toJson());
      m.put("detectors", detectors);
      m.put("models", models);
      m.put("full", full);
      m.put("counts", counts());
      if (increment != null) {
        m.put("table_format", increment.tableFormat());
        m.put("table_version", increment.tableVersion());
        m.put("incremental", increment.toJson());
      }
      List<Map<String, Object>> st = new ArrayList<>();
      for (Stage s : stages) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("stage", s.name());
        x.put("images", s.images());
        x.put("seconds", round(s.seconds(), 3));
        x.put("basis", s.basis());
        x.put("images_per_second", round(s.imagesPerSecond(), 2));
        st.add(x);
      }
      m.put("stages", st);
      Map<String, Object> h = new LinkedHashMap<>();
      for (Histogram x : histograms) {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("bins", AuditCurves.BINS);
        one.put("range", List.of(0, 1));
        one.put("counts", x.counts());
        h.put(x.column(), one);
      }
      m.put("histograms", h);
      m.put("labelled", labelled);
      if (roc.isEmpty()) {
        m.put("roc", null);
      } else {
        Map<String, Object> r = new LinkedHashMap<>();
        roc.forEach(
            (col, c) -> {
              Map<String, Object> one = new LinkedHashMap<>();
              one.put("auc", round(c.auc(), 4));
              one.put("average_precision", round(c.averagePrecision(), 4));
              one.put("positives", c.positives());
              one.put("negatives", c.negatives());
              one.put(
                  "points",
                  c.points().stream().map(p -> List.of(round(p[0], 5), round(p[1], 5))).toList());
              r.put(col, one);
            });
        m.put("roc", r);
      }
      List<Map<String, Object>> top = new ArrayList<>();
      for (Flagged f : topFlagged) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("path", f.path());
        x.put("score", round(f.score(), 5));
        f.detectorScores().forEach((k, v) -> x.put(k, v == null ? null : round(v, 5)));
        x.put("label", f.label());
        top.add(x);
      }
      m.put("top_flagged", top);
      return m;
    }
  }

  private AuditReport() {}

  static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }

  /** The self-contained HTML page. */
  static String html(Summary s) {
    StringBuilder b = new StringBuilder(64 * 1024);
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>SynthScope audit ")
        .append(esc(s.runId()))
        .append("</title><style>")
        .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}")
        .append("h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}")
        .append(
            "table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}")
        .append("td.n{text-align:right;font-variant-numeric:tabular-nums}")
        .append(
            ".plots{display:flex;flex-wrap:wrap;gap:18px}figure{margin:0}figcaption{font-size:12px;color:#555}")
        .append(".thumbs{display:flex;flex-wrap:wrap;gap:14px}.thumb{width:260px;font-size:12px}")
        .append(
            ".thumb svg,.thumb img{width:256px;height:256px;display:block;border:1px solid #ccc;background:#f4f4f4}")
        .append(".thumb img{object-fit:contain;image-rendering:pixelated}")
        .append(
            ".thumb .path{overflow-wrap:anywhere;color:#555}.thumb .scores{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}")
        .append(
            ".banner{background:#fff3cd;border:1px solid #e0b000;padding:8px 12px;font-weight:600}")
        .append("code{font-size:12px}</style></head><body>\n");
    b.append("<h1>SynthScope audit <code>").append(esc(s.runId())).append("</code></h1>\n");
    for (String w : s.scoring().warnings()) {
      b.append("<p class=\"banner\" role=\"alert\">").append(esc(w)).append("</p>\n");
    }
    b.append("<section id=\"overview\"><h2>Run</h2><table>");
    row(b, "run date", s.runDate());
    row(b, "started (UTC)", s.started());
    row(b, "duration", String.format(Locale.ROOT, "%.1f s", s.seconds()));
    row(b, "input", s.input());
    row(b, "table", s.table());
    row(b, "this run's rows", s.runFolder());
    row(b, "operating point", s.scoring().operatingPoint());
    row(
        b,
        "score",
        "fused: " + s.scoring().fusion() + " (" + String.join(", ", s.detectors()) + ")");
    s.scoring().contracts().forEach((d, c) -> row(b, "contract " + d, c));
    row(
        b,
        "scoring",
        s.scoring().tiles()
            + " tiles; "
            + s.scoring().withCuts()
            + " images with information band,"
            + " border or blank area left out; "
            + s.scoring().scoredWhole()
            + " scored whole (smaller than one tile); "
            + s.scoring().outOfDomain()
            + " outside the detectors' domain");
    row(
        b,
        "mode",
        s.full()
            ? "full (everything rescored)"
            : "incremental (images scored before with the same models are skipped)");
    b.append("</table></section>\n");

    b.append("<section id=\"counts\"><h2>Counts</h2><table>");
    num(b, "scanned", s.scanned());
    num(b, "new (scored this run)", s.newlyScored());
    num(b, "skipped (scored before, same models)", s.skipped());
    num(b, "errors", s.errors());
    s.errorsByReason().forEach((reason, n) -> num(b, "\u2003" + reason, n));
    num(b, "flagged", s.flagged());
    b.append("</table></section>\n");

    b.append(
        "<section id=\"models\"><h2>Models</h2><table><tr><th>detector</th><th>model id@sha256</th></tr>");
    s.models()
        .forEach(
            (d, id) ->
                b.append("<tr><td>")
                    .append(esc(d))
                    .append("</td><td><code>")
                    .append(esc(id))
                    .append("</code></td></tr>"));
    b.append("</table></section>\n");

    b.append(
            "<section id=\"stages\"><h2>Throughput</h2><table><tr><th>stage</th><th>images</th><th>seconds</th>")
        .append("<th>images/s</th><th>basis</th></tr>");
    for (Stage st : s.stages()) {
      b.append("<tr><td>")
          .append(esc(st.name()))
          .append("</td><td class=\"n\">")
          .append(st.images())
          .append("</td><td class=\"n\">")
          .append(String.format(Locale.ROOT, "%.2f", st.seconds()))
          .append("</td><td class=\"n\">")
          .append(String.format(Locale.ROOT, "%.1f", st.imagesPerSecond()))
          .append("</td><td>")
          .append(
              st.basis().equals("task") ? "task time summed over tasks (per core)" : "wall clock")
          .append("</td></tr>");
    }
    b.append("</table></section>\n");

    b.append("<section id=\"histograms\"><h2>Score histograms</h2><div class=\"plots\">");
    for (Histogram h : s.histograms()) {
      b.append("<figure class=\"histogram\">")
          .append(histogramSvg(h, s.threshold()))
          .append("<figcaption>")
          .append(esc(h.column()))
          .append(" over ")
          .append(java.util.Arrays.stream(h.counts()).sum())
          .append(" scored images; dashed line: threshold</figcaption></figure>");
    }
    b.append("</div></section>\n");

    b.append("<section id=\"roc\"><h2>ROC and average precision</h2>");
    if (s.roc().isEmpty()) {
      b.append(
              "<p>No labels: put images under folders named <code>0_real</code> and <code>1_fake</code> to get a ROC")
          .append(" curve and AP (")
          .append(s.labelled())
          .append(" labelled images in this run).</p>");
    } else {
      b.append("<p>")
          .append(s.labelled())
          .append(" labelled images (folders <code>0_real</code> / <code>1_fake</code>).</p>")
          .append("<div class=\"plots\"><figure>")
          .append(rocSvg(s.roc()))
          .append("</figure><table><tr><th>score</th>")
          .append("<th>AUC</th><th>AP</th><th>fake</th><th>real</th></tr>");
      s.roc()
          .forEach(
              (col, r) ->
                  b.append("<tr><td>")
                      .append(esc(col))
                      .append("</td><td class=\"n\">")
                      .append(String.format(Locale.ROOT, "%.3f", r.auc()))
                      .append("</td><td class=\"n\">")
                      .append(String.format(Locale.ROOT, "%.3f", r.averagePrecision()))
                      .append("</td><td class=\"n\">")
                      .append(r.positives())
                      .append("</td><td class=\"n\">")
                      .append(r.negatives())
                      .append("</td></tr>"));
      b.append("</table></div>");
    }
    b.append("</section>\n");

    b.append("<section id=\"flagged\"><h2>Top flagged images</h2>");
    if (s.topFlagged().isEmpty()) {
      b.append("<p>No image was flagged in this run.</p>");
    } else {
      b.append("<p>The ")
          .append(s.topFlagged().size())
          .append(" highest scores of ")
          .append(s.flagged())
          .append(" flagged.</p><div class=\"thumbs\">");
      for (Flagged f : s.topFlagged()) {
        b.append("<div class=\"thumb\">");
        if (f.thumbnail() != null) {
          b.append(heatMap(f));
        } else {
          b.append("<div>(no preview)</div>");
        }
        b.append("<div class=\"scores\"><b>")
            .append(String.format(Locale.ROOT, "%.4f", f.score()))
            .append("</b>");
        f.detectorScores()
            .forEach(
                (d, v) ->
                    b.append(" \u00b7 ")
                        .append(esc(d))
                        .append('\u00a0')
                        .append(v == null ? "\u2013" : String.format(Locale.ROOT, "%.3f", v)));
        if (f.label() != null) {
          b.append(" \u00b7 label\u00a0").append(f.label() == 1 ? "generated" : "real");
        }
        b.append("</div><div class=\"path\">").append(esc(f.path())).append("</div></div>");
      }
      b.append("</div>");
    }
    b.append("</section>\n</body></html>\n");
    return b.toString();
  }

  /**
   * The thumbnail with the tiled detector's tiles drawn over it: red with opacity by tile
   * probability (the tiles that scored high stand out); outlines only below 0.5. Plain thumbnail
   * when there are no tiles.
   */
  static String heatMap(Flagged f) {
    List<int[]> tiles = com.synthscope.udfs.detect.ImageScore.parseTileMap(f.tileMap());
    if (tiles.isEmpty() || f.width() == null || f.height() == null) {
      return "<img alt=\"thumbnail\" src=\"" + esc(f.thumbnail()) + "\">";
    }
    int w = f.width();
    int h = f.height();
    StringBuilder b = new StringBuilder();
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heat\" viewBox=\"0 0 ")
        .append(w)
        .append(' ')
        .append(h)
        .append(
            "\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"tile heat map\">")
        .append("<image href=\"")
        .append(esc(f.thumbnail()))
        .append("\" width=\"")
        .append(w)
        .append("\" height=\"")
        .append(h)
        .append("\"/>");
    for (int[] t : tiles) {
      double p = t[4] / 1000.0;
      b.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#e15759\" fill-opacity=\"%.2f\" "
                  + "stroke=\"#e15759\" stroke-opacity=\"0.35\" stroke-width=\"%.1f\"><title>tile p %.3f</title></rect>",
              t[1],
              t[0],
              t[3] - t[1],
              t[2] - t[0],
              p >= 0.5 ? 0.15 + 0.5 * (p - 0.5) * 2 : 0,
              Math.max(1, w / 256.0),
              p));
    }
    return b.append("</svg>").toString();
  }

  private static void row(StringBuilder b, String k, String v) {
    b.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>");
  }

  private static void num(StringBuilder b, String k, long v) {
    b.append("<tr><th>")
        .append(esc(k))
        .append("</th><td class=\"n\">")
        .append(v)
        .append("</td></tr>");
  }

  private static String histogramSvg(Histogram h, double threshold) {
    int w = 360;
    int hh = 200;
    int left = 40;
    int bottom = 24;
    int top = 10;
    long max = Math.max(1, java.util.Arrays.stream(h.counts()).max().orElse(1));
    double bw = (double) (w - left - 10) / AuditCurves.BINS;
    StringBuilder b = new StringBuilder();
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(w)
        .append("\" height=\"")
        .append(hh)
        .append("\" role=\"img\" aria-label=\"histogram of ")
        .append(esc(h.column()))
        .append("\">");
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
    double plotH = hh - bottom - top;
    for (int i = 0; i < AuditCurves.BINS; i++) {
      double barH = plotH * h.counts()[i] / max;
      b.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4e79a7\"><title>%.2f-%.2f: %d</title></rect>",
              left + i * bw + 0.5,
              top + plotH - barH,
              bw - 1,
              barH,
              (double) i / AuditCurves.BINS,
              (double) (i + 1) / AuditCurves.BINS,
              h.counts()[i]));
    }
    double tx = left + threshold * (w - left - 10);
    b.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e15759\" stroke-dasharray=\"4 3\"/>",
            tx,
            top,
            tx,
            top + plotH));
    axes(b, left, top, w - 10, top + plotH);
    b.append(
        String.format(
            Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">0</text>", left - 3, hh - 8));
    b.append(
        String.format(
            Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">1</text>", w - 14, hh - 8));
    b.append(
        String.format(
            Locale.ROOT, "<text x=\"4\" y=\"%d\" font-size=\"11\">%d</text>", top + 10, max));
    b.append("</svg>");
    return b.toString();
  }

  private static final String[] COLOURS = {"#e15759", "#4e79a7", "#59a14f", "#f28e2b", "#76b7b2"};

  private static String rocSvg(Map<String, AuditCurves.Roc> curves) {
    int size = 300;
    int m = 36;
    double span = size - 2 * m;
    StringBuilder b = new StringBuilder();
    b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(size + 120)
        .append("\" height=\"")
        .append(size)
        .append("\" role=\"img\" aria-label=\"ROC curves\">");
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
    b.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#bbb\" stroke-dasharray=\"3 3\"/>",
            m,
            size - m,
            size - m,
            m));
    int k = 0;
    for (Map.Entry<String, AuditCurves.Roc> e : curves.entrySet()) {
      String colour = COLOURS[k % COLOURS.length];
      b.append("<polyline class=\"roc\" fill=\"none\" stroke=\"")
          .append(colour)
          .append("\" stroke-width=\"2\" points=\"");
      for (double[] p : e.getValue().points()) {
        b.append(String.format(Locale.ROOT, "%.1f,%.1f ", m + p[0] * span, size - m - p[1] * span));
      }
      b.append("\"/>");
      b.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s AUC %.3f</text>",
              size - m + 8,
              m + 16 * k,
              colour,
              esc(e.getKey()),
              e.getValue().auc()));
      k++;
    }
    axes(b, m, m, size - m, size - m);
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" font-size=\"11\">false-positive rate</text>",
            size / 2 - 40,
            size - 8));
    b.append(
        String.format(
            Locale.ROOT,
            "<text x=\"12\" y=\"%d\" font-size=\"11\" transform=\"rotate(-90 12 %d)\">true-positive rate</text>",
            size / 2 + 40,
            size / 2 + 40));
    b.append("</svg>");
    return b.toString();
  }

  private static void axes(StringBuilder b, double x0, double y0, double x1, double y1) {
    b.append(
        String.format(
            Locale.ROOT,
            "<path d=\"M%.1f %.1f V%.1f H%.1f\" fill=\"none\" stroke=\"#333\"/>",
            x0,
            y0,
            y1,
            x1));
  }

  /** HTML-escapes text for element content and double-quoted attributes. */
  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
