package com.synthscope.job.eval;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import com.synthscope.job.ConfigurationException;
import com.synthscope.udfs.detect.DetectionMetrics;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.Perturbation;
import com.synthscope.udfs.spark.HadoopConf;
import com.synthscope.udfs.spark.ImageScoring;
import com.synthscope.udfs.spark.LabelledImages;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Scores a labelled set with a detector and reports the papers' metrics per test subset: one subset
 * per generator of the generated images, holding that generator's images and the real images of the
 * same generator folder — or, where real images carry no generator of their own (the micrograph
 * benchmark's {@code real}), all real images.
 */
final class DetectorEvaluation {

  /**
   * One scored row.
   *
   * @param group the value of the {@code --by} column (e.g. the CIFAR class), null without one
   */
  record Scored(String id, String generator, int label, double score, String group) {}

  private DetectorEvaluation() {}

  /** Scores the rows of {@code split} (all rows where the data has no split) and returns them. */
  static List<Scored> score(
      SparkSession session, ImageDetector detector, String data, String split, int batch)
      throws java.io.IOException {
    return score(session, detector, data, split, batch, null, null);
  }

  /**
   * As {@link #score(SparkSession, ImageDetector, String, String, int)}, each image first perturbed
   * if asked (the robustness rows), and each row labelled with the value of the Parquet column
   * {@code by} (joined on the image's id, the table's {@code path}) if asked.
   */
  static List<Scored> score(
      SparkSession session,
      ImageDetector detector,
      String data,
      String split,
      int batch,
      Perturbation perturbation,
      String by)
      throws java.io.IOException {
    return score(session, detector, data, split, batch, perturbation, by, null);
  }

  /** As above, with at most {@code perLabel} images of each label (the first by id; null: all). */
  static List<Scored> score(
      SparkSession session,
      ImageDetector detector,
      String data,
      String split,
      int batch,
      Perturbation perturbation,
      String by,
      Integer perLabel)
      throws java.io.IOException {
    Dataset<Row> rows = LabelledImages.read(session, data);
    rows = rows.filter(col("split").isNull().or(col("split").equalTo(split)));
    if (perLabel != null) {
      rows =
          rows.withColumn(
                  "n_in_label",
                  org.apache
                      .spark
                      .sql
                      .functions
                      .row_number()
                      .over(
                          org.apache.spark.sql.expressions.Window.partitionBy("label")
                              .orderBy("id")))
              .filter(col("n_in_label").leq(perLabel))
              .drop("n_in_label");
    }
    if (by != null) {
      Dataset<Row> raw = session.read().parquet(data);
      if (!Arrays.asList(raw.columns()).contains(by)
          || !Arrays.asList(raw.columns()).contains("path")) {
        throw new ConfigurationException(
            "--by " + by + ": " + data + " needs the columns path and " + by);
      }
      rows =
          rows.join(
                  raw.select(col("path").as("by_id"), col(by).cast("string").as("by_group")),
                  rows.col("id").equalTo(col("by_id")),
                  "left")
              .drop("by_id");
    } else {
      rows = rows.withColumn("by_group", lit(null).cast("string"));
    }
    if (perturbation != null) {
      UserDefinedFunction perturb =
          udf(
              (UDF1<byte[], byte[]>) b -> b == null ? null : perturbation.apply(b),
              DataTypes.BinaryType);
      rows = rows.withColumn(LabelledImages.CONTENT, perturb.apply(col(LabelledImages.CONTENT)));
    }
    Dataset<Row> scored =
        ImageScoring.score(
            rows,
            LabelledImages.CONTENT,
            List.of(detector),
            batch,
            DecodeLimits.defaults(),
            HadoopConf.of(session));
    List<Scored> out = new ArrayList<>();
    String column = ImageScoring.scoreColumn(detector);
    for (Row r :
        scored
            .filter(col(column).isNotNull())
            .select("id", "generator", "label", column, "by_group")
            .collectAsList()) {
      out.add(
          new Scored(r.getString(0), r.getString(1), r.getInt(2), r.getDouble(3), r.getString(4)));
    }
    if (out.isEmpty()) {
      throw new ConfigurationException(
          data + " has no decodable " + split + " images with a label");
    }
    return out;
  }

  /** Metrics per subset (generators of generated images, in name order), then {@code all}. */
  static Map<String, DetectionMetrics> bySubset(List<Scored> scored) {
    return bySubset(scored, 0.5);
  }

  /** As {@link #bySubset(List)} with accuracy at {@code score >= threshold}. */
  static Map<String, DetectionMetrics> bySubset(List<Scored> scored, double threshold) {
    TreeSet<String> generators = new TreeSet<>();
    scored.stream().filter(s -> s.label() == 1).forEach(s -> generators.add(s.generator()));
    Map<String, DetectionMetrics> out = new LinkedHashMap<>();
    for (String g : generators) {
      boolean ownReal = scored.stream().anyMatch(s -> s.label() == 0 && s.generator().equals(g));
      List<Scored> subset =
          scored.stream()
              .filter(s -> s.generator().equals(g) || (!ownReal && s.label() == 0))
              .toList();
      out.put(g, metrics(subset, threshold));
    }
    out.put("all", metrics(scored, threshold));
    return out;
  }

  /**
   * Metrics per value of the {@code --by} column, in name order (each group holds its real and
   * generated rows).
   */
  static Map<String, DetectionMetrics> byGroup(List<Scored> scored) {
    return byGroup(scored, 0.5);
  }

  /** As {@link #byGroup(List)} with accuracy at {@code score >= threshold}. */
  static Map<String, DetectionMetrics> byGroup(List<Scored> scored, double threshold) {
    Map<String, List<Scored>> groups = new java.util.TreeMap<>();
    for (Scored s : scored) {
      groups
          .computeIfAbsent(s.group() == null ? "(none)" : s.group(), g -> new ArrayList<>())
          .add(s);
    }
    Map<String, DetectionMetrics> out = new LinkedHashMap<>();
    groups.forEach((g, rows) -> out.put(g, metrics(rows, threshold)));
    return out;
  }

  /** Writes one line per scored image: id, generator, label, score, group. */
  static void writeScores(java.nio.file.Path file, List<Scored> scored) throws java.io.IOException {
    StringBuilder b = new StringBuilder("id,generator,label,score,group\n");
    for (Scored s : scored) {
      b.append(csv(s.id()))
          .append(',')
          .append(csv(s.generator()))
          .append(',')
          .append(s.label())
          .append(',')
          .append(s.score())
          .append(',')
          .append(s.group() == null ? "" : csv(s.group()))
          .append('\n');
    }
    if (file.getParent() != null) {
      java.nio.file.Files.createDirectories(file.getParent());
    }
    java.nio.file.Files.writeString(file, b, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Reads what {@link #writeScores} wrote. */
  static List<Scored> readScores(java.nio.file.Path file) throws java.io.IOException {
    List<String> lines =
        java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
    if (lines.isEmpty() || !lines.get(0).equals("id,generator,label,score,group")) {
      throw new ConfigurationException(file + " is not a scores file of 'eval --scores'");
    }
    List<Scored> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> f = parseCsv(line);
      if (f.size() != 5) {
        throw new ConfigurationException(file + ": bad line: " + line);
      }
      out.add(
          new Scored(
              f.get(0),
              f.get(1),
              Integer.parseInt(f.get(2)),
              Double.parseDouble(f.get(3)),
              f.get(4).isEmpty() ? null : f.get(4)));
    }
    return out;
  }

  private static String csv(String v) {
    return v.contains(",") || v.contains("\"") || v.contains("\n")
        ? "\"" + v.replace("\"", "\"\"") + "\""
        : v;
  }

  private static List<String> parseCsv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  static DetectionMetrics metrics(List<Scored> rows) {
    return metrics(rows, 0.5);
  }

  static DetectionMetrics metrics(List<Scored> rows, double threshold) {
    double[] s = new double[rows.size()];
    int[] l = new int[rows.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = rows.get(i).score();
      l[i] = rows.get(i).label();
    }
    return DetectionMetrics.of(s, l, threshold);
  }

  /** The table on the console and the metrics as JSON-ready maps. */
  static Map<String, Object> report(PrintWriter out, Map<String, DetectionMetrics> subsets) {
    out.printf(
        "%-20s %6s %6s %9s %7s %7s %9s %9s%n",
        "subset", "real", "fake", "accuracy", "AP", "AUROC", "real acc", "fake acc");
    Map<String, Object> json = new LinkedHashMap<>();
    subsets.forEach(
        (name, m) -> {
          out.printf(
              "%-20s %6d %6d %9.4f %7.4f %7.4f %9.4f %9.4f%n",
              name,
              m.real(),
              m.fake(),
              m.accuracy(),
              m.averagePrecision(),
              m.auroc(),
              m.realAccuracy(),
              m.fakeAccuracy());
          Map<String, Object> j = new LinkedHashMap<>();
          j.put("real", m.real());
          j.put("fake", m.fake());
          j.put("accuracy", round(m.accuracy()));
          j.put("ap", round(m.averagePrecision()));
          j.put("auroc", round(m.auroc()));
          j.put("real_accuracy", round(m.realAccuracy()));
          j.put("fake_accuracy", round(m.fakeAccuracy()));
          json.put(name, j);
        });
    return json;
  }

  private static double round(double v) {
    return Double.isNaN(v) ? v : Math.round(v * 10000) / 10000.0;
  }
}
