package com.synthscope.udfs.spark.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.testing.ImageCorpus;
import com.synthscope.udfs.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SynthScope's SQL functions through {@code spark.sql(...)} in a session with the extension (as
 * {@code --conf spark.sql.extensions=...} enables it), on the embedded models: real MetalDAM
 * micrographs, a generated picture, a truncated PNG and a text file.
 */
class SqlFunctionsTest {

  @TempDir static Path dir;

  static final String QUERY =
      "SELECT path, synthscope_score(content) AS score,"
          + " synthscope_detect(content, 'dnf') AS dnf, synthscope_detect(content, 'nsnet') AS nsnet,"
          + " synthscope_image_info(content) AS info FROM binaryFile.`%s` ORDER BY path";

  @BeforeAll
  static void images() throws Exception {
    Path metalDam = SharedSpark.metalDam().resolve("images");
    Files.copy(metalDam.resolve("micrograph0.jpg"), dir.resolve("micrograph0.jpg"));
    // a real micrograph's corner as PNG (the band-free specimen area): scored like any upload,
    // cheaper than a whole one
    java.awt.image.BufferedImage whole =
        javax.imageio.ImageIO.read(metalDam.resolve("micrograph1.jpg").toFile());
    Files.write(
        dir.resolve("micrograph1-crop.png"),
        ImageCorpus.encode(whole.getSubimage(0, 0, 320, 256), "png"));
    Files.write(
        dir.resolve("noise.png"), ImageCorpus.encode(ImageCorpus.noiseRgb(96, 80, 3), "png"));
    byte[] png = ImageCorpus.encode(ImageCorpus.noiseRgb(64, 48, 1), "png");
    Files.write(dir.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
    Files.writeString(dir.resolve("notes.png"), "not an image");
  }

  private static Map<String, Row> byName(List<Row> rows) {
    Map<String, Row> out = new HashMap<>();
    for (Row r : rows) {
      String p = r.getString(0);
      out.put(p.substring(p.lastIndexOf('/') + 1), r);
    }
    return out;
  }

  @Test
  void scoresInBatchesAndGivesBadImagesNullAndAReason() {
    SparkSession spark = SharedSpark.session();
    Dataset<Row> df = spark.sql(String.format(QUERY, dir));
    String plan = df.queryExecution().analyzed().treeString();
    assertTrue(
        plan.contains("MapPartitions"), "the projection runs batched per partition:\n" + plan);
    Map<String, Row> rows = byName(df.collectAsList());
    assertEquals(5, rows.size());
    for (String ok : List.of("micrograph0.jpg", "micrograph1-crop.png", "noise.png")) {
      Row r = rows.get(ok);
      double score = r.getDouble(1);
      assertTrue(score >= 0 && score <= 1, ok + ": " + score);
      assertTrue(r.getDouble(2) >= 0 && r.getDouble(2) <= 1);
      assertTrue(r.getDouble(3) >= 0 && r.getDouble(3) <= 1);
      Row info = r.getStruct(4);
      assertEquals("ok", info.getAs("status"));
      assertNull(info.getAs("error"));
    }
    Row micrograph = rows.get("micrograph0.jpg").getStruct(4);
    assertEquals("jpeg", ((String) micrograph.getAs("format")).toLowerCase());
    assertEquals(1024, (int) micrograph.getAs("width"));
    assertEquals(8, (int) micrograph.getAs("bit_depth"));
    assertEquals(3, (int) rows.get("noise.png").getStruct(4).getAs("channels"));
    for (String bad : List.of("truncated.png", "notes.png")) {
      Row r = rows.get(bad);
      assertTrue(r.isNullAt(1) && r.isNullAt(2) && r.isNullAt(3), bad + " has no scores");
      Row info = r.getStruct(4);
      assertEquals("error", info.getAs("status"));
      assertNotNull(info.getAs("error"), bad + " says why");
    }
    assertTrue(
        ((String) rows.get("truncated.png").getStruct(4).getAs("error")).startsWith("corrupt"),
        rows.get("truncated.png").toString());
  }

  @Test
  void rowAtATimeGivesTheSameValuesAsTheBatchedPath() {
    SparkSession spark = SharedSpark.session();
    Map<String, Row> batched = byName(spark.sql(String.format(QUERY, dir)).collectAsList());
    spark.conf().set(ImageFunctionSettings.BATCHED, "false");
    try {
      Dataset<Row> df = spark.sql(String.format(QUERY, dir));
      assertFalse(df.queryExecution().analyzed().treeString().contains("MapPartitions"));
      Map<String, Row> single = byName(df.collectAsList());
      assertEquals(batched.keySet(), single.keySet());
      for (String name : batched.keySet()) {
        for (int c = 1; c <= 3; c++) {
          Row a = batched.get(name);
          Row b = single.get(name);
          assertEquals(a.isNullAt(c), b.isNullAt(c), name);
          if (!a.isNullAt(c)) {
            assertEquals(a.getDouble(c), b.getDouble(c), 1e-5, name + " column " + c);
          }
        }
        assertEquals(batched.get(name).getStruct(4), single.get(name).getStruct(4));
      }
    } finally {
      spark.conf().unset(ImageFunctionSettings.BATCHED);
    }
  }

  @Test
  void theDataFrameApiCallsThemTooAndKeepsOtherColumns() {
    SparkSession spark = SharedSpark.session();
    Dataset<Row> files =
        spark
            .read()
            .format("binaryFile")
            .load(dir.toString())
            .filter(functions.col("path").endsWith("noise.png"));
    Dataset<Row> out =
        files
            .withColumn("features", functions.expr("synthscope_features(content, 'nsnet')"))
            .withColumn("dnf_features", functions.expr("synthscope_features(content, 'dnf')"))
            .withColumn("score", functions.expr("synthscope_score(content)"))
            .select("path", "length", "features", "dnf_features", "score");
    Row r = out.first();
    assertTrue(r.getString(0).endsWith("noise.png"));
    assertEquals(Files.exists(dir.resolve("noise.png")) ? r.getLong(1) : -1, r.getLong(1));
    List<Object> f = r.getList(2);
    assertFalse(f.isEmpty(), "an embedding");
    assertFalse(r.getList(3).isEmpty(), "a DNF feature");
    // the same image's score through SQL on the whole folder
    Map<String, Row> all = byName(spark.sql(String.format(QUERY, dir)).collectAsList());
    assertEquals(all.get("noise.png").getDouble(1), r.getDouble(4), 1e-9);
  }

  @Test
  void aCallInAFilterRunsRowAtATimeAndAnUnknownDetectorIsRefused() {
    SparkSession spark = SharedSpark.session();
    long ok =
        spark
            .sql(
                "SELECT path FROM binaryFile.`"
                    + dir
                    + "` WHERE synthscope_image_info(content).status = 'ok'")
            .count();
    assertEquals(3, ok);
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                spark
                    .sql(
                        "SELECT synthscope_detect(content, 'clip') FROM"
                            + " binaryFile.`"
                            + dir
                            + "`")
                    .collect());
    assertTrue(
        String.valueOf(e.getMessage()).contains("unknown detector 'clip'"),
        String.valueOf(e.getMessage()));
  }
}
