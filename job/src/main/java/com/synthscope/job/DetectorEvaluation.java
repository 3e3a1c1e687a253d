package com.synthscope.job;

import static org.apache.spark.sql.functions.col;

import com.synthscope.udfs.detect.DetectionMetrics;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.spark.HadoopConf;
import com.synthscope.udfs.spark.ImageScoring;
import com.synthscope.udfs.spark.LabelledImages;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Scores a labelled set with a detector and reports the papers' metrics per test subset: one subset per generator
 * of the generated images, holding that generator's images and the real images of the same generator folder — or,
 * where real images carry no generator of their own (the micrograph benchmark's {@code real}), all real images.
 */
final class DetectorEvaluation {

  /** One scored row. */
  record Scored(String generator, int label, double score) {}

  private DetectorEvaluation() {}

  /** Scores the rows of {@code split} (all rows where the data has no split) and returns them. */
  static List<Scored> score(SparkSession session, ImageDetector detector, String data, String split, int batch)
      throws java.io.IOException {
    Dataset<Row> rows = LabelledImages.read(session, data);
    rows = rows.filter(col("split").isNull().or(col("split").equalTo(split)));
    Dataset<Row> scored = ImageScoring.score(rows, LabelledImages.CONTENT, List.of(detector), batch,
        DecodeLimits.defaults(), HadoopConf.of(session));
    List<Scored> out = new ArrayList<>();
    String column = ImageScoring.scoreColumn(detector);
    for (Row r : scored.filter(col(column).isNotNull()).select("generator", "label", column).collectAsList()) {
      out.add(new Scored(r.getString(0), r.getInt(1), r.getDouble(2)));
    }
    if (out.isEmpty()) {
      throw new ConfigurationException(data + " has no decodable " + split + " images with a label");
    }
    return out;
  }

  /** Metrics per subset (generators of generated images, in name order), then {@code all}. */
  static Map<String, DetectionMetrics> bySubset(List<Scored> scored) {
    TreeSet<String> generators = new TreeSet<>();
    scored.stream().filter(s -> s.label() == 1).forEach(s -> generators.add(s.generator()));
    Map<String, DetectionMetrics> out = new LinkedHashMap<>();
    for (String g : generators) {
      boolean ownReal = scored.stream().anyMatch(s -> s.label() == 0 && s.generator().equals(g));
      List<Scored> subset = scored.stream()
          .filter(s -> s.generator().equals(g) || (!ownReal && s.label() == 0)).toList();
      out.put(g, metrics(subset));
    }
    out.put("all", metrics(scored));
    return out;
  }

  private static DetectionMetrics metrics(List<Scored> rows) {
    double[] s = new double[rows.size()];
    int[] l = new int[rows.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = rows.get(i).score();
      l[i] = rows.get(i).label();
    }
    return DetectionMetrics.of(s, l);
  }

  /** The table on the console and the metrics as JSON-ready maps. */
  static Map<String, Object> report(PrintWriter out, Map<String, DetectionMetrics> subsets) {
    out.printf("%-20s %6s %6s %9s %7s %9s %9s%n", "subset", "real", "fake", "accuracy", "AP", "real acc", "fake acc");
    Map<String, Object> json = new LinkedHashMap<>();
    subsets.forEach((name, m) -> {
      out.printf("%-20s %6d %6d %9.4f %7.4f %9.4f %9.4f%n", name, m.real(), m.fake(), m.accuracy(),
          m.averagePrecision(), m.realAccuracy(), m.fakeAccuracy());
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("real", m.real());
      j.put("fake", m.fake());
      j.put("accuracy", round(m.accuracy()));
      j.put("ap", round(m.averagePrecision()));
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
