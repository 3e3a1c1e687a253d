package com.synthscope.udfs.bench;

import com.google.gson.GsonBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark's results as a console table, CSV, JSON and Markdown: the measurements (with each
 * model's achieved GFLOP/s as a share of the matrix product's at the same threading) and the
 * Spark-against-bare-loop comparisons.
 */
public final class BenchTable {

  /** Stage name of the matrix-product rows ({@code matmul N}) begins with this. */
  public static final String MATMUL = "matmul";

  public static final List<String> COLUMNS =
      List.of(
          "stage",
          "unit",
          "batch",
          "threads",
          "items",
          "seconds",
          "rate",
          "gflop_per_item",
          "gflop_per_s",
          "pct_of_matmul");

  private final List<Measurement> rows;
  private final List<AuditComparison> audits;

  public BenchTable(List<Measurement> rows, List<AuditComparison> audits) {
    this.rows = List.copyOf(rows);
    this.audits = List.copyOf(audits);
  }

  public List<Measurement> rows() {
    return rows;
  }

  public List<AuditComparison> audits() {
    return audits;
  }

  /**
   * The model's GFLOP/s as a share of the matrix product's at the same threads x intra-op; NaN
   * without either.
   */
  public double shareOfMatMul(Measurement m) {
    if (m.stage().startsWith(MATMUL) || Double.isNaN(m.gflopPerItem())) {
      return Double.NaN;
    }
    for (Measurement r : rows) {
      if (r.stage().startsWith(MATMUL)
          && r.threads() == m.threads()
          && r.intraOp() == m.intraOp()) {
        return m.gflops() / r.gflops();
      }
    }
    return Double.NaN;
  }

  /** A row's cells, as {@link #COLUMNS} name them, formatted. */
  public List<String> cells(Measurement m) {
    return List.of(
        m.stage(),
        m.unit(),
        m.batch() == 0 ? "-" : String.valueOf(m.batch()),
        m.intraOp() == 0 ? String.valueOf(m.threads()) : m.threading(),
        String.valueOf(m.items()),
        fmt("%.2f", m.seconds()),
        fmt(m.rate() >= 100 ? "%.0f" : "%.2f", m.rate()),
        fmt("%.4f", m.gflopPerItem()),
        fmt("%.2f", m.gflops()),
        fmt("%.1f", 100 * shareOfMatMul(m)));
  }

  /**
   * The comparison columns: batch, threads, images/s both ways, ratio, then ms per image of each
   * part.
   */
  public List<String> auditColumns() {
    List<String> c =
        new ArrayList<>(
            List.of(
                "batch",
                "threads",
                "spark_images_per_s",
                "bare_images_per_s",
                "ratio",
                "job_seconds",
                "spark_job_cpu_ms",
                "bare_cpu_ms",
                "cpu_ratio"));
    for (String part : parts()) {
      c.add("spark_ms_" + part);
      c.add("bare_ms_" + part);
    }
    return c;
  }

  public List<String> auditCells(AuditComparison a) {
    List<String> c =
        new ArrayList<>(
            List.of(
                String.valueOf(a.batch()),
                a.threads() + "x1",
                fmt("%.2f", a.spark().imagesPerSecond()),
                fmt("%.2f", a.bare().imagesPerSecond()),
                fmt("%.3f", a.ratio()),
                fmt("%.1f", a.jobSeconds()),
                fmt("%.1f", a.spark().cpuMsPerImage()),
                fmt("%.1f", a.bare().cpuMsPerImage()),
                fmt("%.3f", a.cpuRatio())));
    for (String part : parts()) {
      c.add(
          fmt(
              "%.2f",
              part.equals("other") ? a.spark().otherMsPerImage() : a.spark().msPerImage(part)));
      c.add(
          fmt(
              "%.2f",
              part.equals("other") ? a.bare().otherMsPerImage() : a.bare().msPerImage(part)));
    }
    return c;
  }

  private List<String> parts() {
    Set<String> names = new LinkedHashSet<>();
    for (AuditComparison a : audits) {
      names.addAll(a.bare().parts().keySet());
      names.addAll(a.spark().parts().keySet());
    }
    names.add("other");
    return new ArrayList<>(names);
  }

  /** Aligned text for the console. */
  public String text() {
    StringBuilder b = new StringBuilder();
    List<List<String>> table = new ArrayList<>();
    table.add(COLUMNS);
    rows.forEach(r -> table.add(cells(r)));
    aligned(b, table);
    if (!audits.isEmpty()) {
      b.append('\n');
      List<List<String>> t2 = new ArrayList<>();
      t2.add(auditColumns());
      audits.forEach(a -> t2.add(auditCells(a)));
      aligned(b, t2);
    }
    return b.toString();
  }

  /** The measurements as CSV (header first). */
  public String csv() {
    StringBuilder b = new StringBuilder(String.join(",", COLUMNS)).append('\n');
    rows.forEach(
        r ->
            b.append(String.join(",", cells(r).stream().map(BenchTable::csvCell).toList()))
                .append('\n'));
    return b.toString();
  }

  /** The comparisons as CSV (header first). */
  public String auditCsv() {
    StringBuilder b = new StringBuilder(String.join(",", auditColumns())).append('\n');
    audits.forEach(a -> b.append(String.join(",", auditCells(a))).append('\n'));
    return b.toString();
  }

  /** Both tables as Markdown, under the given context lines. */
  public String markdown(List<String> context) {
    StringBuilder b = new StringBuilder("# synthscope bench\n\n");
    context.forEach(l -> b.append("- ").append(l).append('\n'));
    b.append('\n');
    markdownTable(b, COLUMNS, rows.stream().map(this::cells).toList());
    if (!audits.isEmpty()) {
      b.append(
          "\nSpark audit against the bare loop (ms: thread time per image; spark read includes sha256;"
              + " other = threads x wall - the parts; cpu: process CPU per image, spark's for the whole job)\n\n");
      markdownTable(b, auditColumns(), audits.stream().map(this::auditCells).toList());
    }
    return b.toString();
  }

  /** Everything as one JSON document, with the context first. */
  public String json(Map<String, Object> context) {
    Map<String, Object> doc = new LinkedHashMap<>(context);
    doc.put("rows", rows.stream().map(this::rowMap).toList());
    doc.put("audit_vs_bare", audits.stream().map(this::auditMap).toList());
    return new GsonBuilder()
            .setPrettyPrinting()
            .serializeSpecialFloatingPointValues()
            .disableHtmlEscaping()
            .create()
            .toJson(doc)
        + "\n";
  }

  public Map<String, Object> rowMap(Measurement m) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("stage", m.stage());
    o.put("unit", m.unit());
    o.put("batch", m.batch());
    o.put("threads", m.threads());
    o.put("intra_op", m.intraOp());
    o.put("items", m.items());
    o.put("seconds", round(m.seconds()));
    o.put("rate", round(m.rate()));
    o.put("gflop_per_item", nullIfNaN(m.gflopPerItem()));
    o.put("gflop_per_s", nullIfNaN(round(m.gflops())));
    o.put("share_of_matmul", nullIfNaN(round(shareOfMatMul(m))));
    return o;
  }

  public Map<String, Object> auditMap(AuditComparison a) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("batch", a.batch());
    o.put("threads", a.threads());
    o.put("spark_images_per_s", round(a.spark().imagesPerSecond()));
    o.put("bare_images_per_s", round(a.bare().imagesPerSecond()));
    o.put("ratio", round(a.ratio()));
    o.put("job_seconds", round(a.jobSeconds()));
    o.put("spark_job_cpu_ms_per_image", round(a.spark().cpuMsPerImage()));
    o.put("bare_cpu_ms_per_image", round(a.bare().cpuMsPerImage()));
    o.put("cpu_ratio", round(a.cpuRatio()));
    o.put("spark_ms_per_image", msMap(a.spark()));
    o.put("bare_ms_per_image", msMap(a.bare()));
    return o;
  }

  private static Map<String, Object> msMap(TimeSplit s) {
    Map<String, Object> o = new LinkedHashMap<>();
    s.parts().keySet().forEach(p -> o.put(p, round(s.msPerImage(p))));
    o.put("other", round(s.otherMsPerImage()));
    return o;
  }

  private static void aligned(StringBuilder b, List<List<String>> table) {
    int[] width = new int[table.get(0).size()];
    for (List<String> row : table) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (List<String> row : table) {
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        b.append(
            i == 0
                ? cell + " ".repeat(width[i] - cell.length())
                : " ".repeat(width[i] - cell.length() + 2) + cell);
      }
      b.append('\n');
    }
  }

  private static void markdownTable(StringBuilder b, List<String> header, List<List<String>> body) {
    b.append("| ").append(String.join(" | ", header)).append(" |\n|");
    header.forEach(h -> b.append("---|"));
    b.append('\n');
    body.forEach(r -> b.append("| ").append(String.join(" | ", r)).append(" |\n"));
  }

  private static String csvCell(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  private static String fmt(String pattern, double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, pattern, v);
  }

  private static double round(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? v : Math.round(v * 10000) / 10000.0;
  }

  private static Object nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
