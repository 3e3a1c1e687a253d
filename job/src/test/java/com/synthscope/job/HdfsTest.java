package com.synthscope.job;

import static com.synthscope.job.JobTestSupport.concat;
import static com.synthscope.job.JobTestSupport.table;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.spark.InventorySchema;
import com.synthscope.udfs.testing.SharedSpark;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jobs on a real HDFS: a MiniDFSCluster (one NameNode, one DataNode, in this JVM, its storage
 * under {@code target/minidfs}) beside the shared local SparkSession, which reaches it through
 * {@code hdfs://} URIs like any other filesystem. Input, output, reports, PNG exports and model
 * artifacts all live on HDFS; the embedded detectors score real MetalDAM micrographs. Anything that
 * used java.io/java.nio for such a path would fail here (or leave a local {@code hdfs:} folder
 * behind, which is checked too).
 */
class HdfsTest {

  /** Three MetalDAM micrographs (two sizes), a truncated copy of a fourth and a zero-byte file. */
  private static final List<String> MICROGRAPHS =
      List.of("micrograph0.jpg", "micrograph4.jpg", "micrograph12.jpg");

  private static final String TRUNCATED = "truncated.jpg";
  private static final String EMPTY = "empty.jpg";

  private static MiniDFSCluster cluster;
  private static FileSystem hdfs;
  private static String root;
  private static Path input;

  @BeforeAll
  static void startHdfs() throws IOException {
    File base = java.nio.file.Path.of("target", "minidfs").toAbsolutePath().toFile();
    FileUtil.fullyDelete(base); // a run killed before its shutdown leaves its storage behind
    cluster = new MiniDFSCluster.Builder(new Configuration(), base).numDataNodes(1).build();
    cluster.waitActive();
    hdfs = cluster.getFileSystem();
    root = hdfs.getUri().toString();
    assertTrue(root.startsWith("hdfs://"), root);

    input = new Path(root + "/archive/2026-11/0_real");
    java.nio.file.Path images = SharedSpark.metalDam().resolve("images");
    for (String name : MICROGRAPHS) {
      hdfs.copyFromLocalFile(new Path(images.resolve(name).toUri()), new Path(input, name));
    }
    byte[] jpeg = Files.readAllBytes(images.resolve("micrograph2.jpg"));
    RemoteFiles.write(hdfs, new Path(input, TRUNCATED), Arrays.copyOf(jpeg, jpeg.length / 2));
    RemoteFiles.write(
        hdfs,
        new Path(input, EMPTY),
        new byte[0]); // Spark's file scans skip it: its row comes from the listing
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown(true);
    }
  }

  @Test
  void auditReadsAndWritesHdfsAndTheNextNightWithModelsFromHdfsAddsNothing() throws Exception {
    String archive = input.getParent().toString();
    String out = root + "/audit";
    String[] night = {"audit", "--input", archive, "--output", out, "--recursive"};

    Result first = JobTestSupport.cli(concat(night, "--run-id", "night-1"));
    assertEquals(0, first.code(), first.err() + first.out());
    JsonObject j1 = first.lastLineJson();
    assertEquals(5, j1.get("scanned").getAsLong());
    assertEquals(3, j1.get("new").getAsLong());
    assertEquals(2, j1.get("errors").getAsLong());
    assertEquals(1, j1.getAsJsonObject("errors_by_reason").get("corrupt").getAsLong());
    assertEquals(1, j1.getAsJsonObject("errors_by_reason").get("empty").getAsLong());

    Dataset<Row> table = table(out);
    List<Row> rows = table.collectAsList();
    assertEquals(5, rows.size(), "one row per input file");
    assertEquals(5, table.select(InventorySchema.PATH).distinct().count());
    for (Row r : rows) {
      String path = r.getAs(InventorySchema.PATH);
      assertTrue(path.startsWith(root + "/archive/"), path);
      assertEquals(0, (int) r.<Integer>getAs(AuditSchema.LABEL), "under 0_real: " + path);
      String name = path.substring(path.lastIndexOf('/') + 1);
      if (name.equals(TRUNCATED) || name.equals(EMPTY)) {
        assertEquals(InventorySchema.STATUS_ERROR, r.getAs(InventorySchema.STATUS));
        assertTrue(
            r.<String>getAs(InventorySchema.ERROR)
                .startsWith(name.equals(EMPTY) ? "empty:" : "corrupt:"),
            r.<String>getAs(InventorySchema.ERROR));
        assertNull(r.getAs(AuditSchema.SCORE));
      } else {
        assertTrue(MICROGRAPHS.contains(name), name);
        assertEquals(InventorySchema.STATUS_OK, r.getAs(InventorySchema.STATUS), path);
        for (String c : List.of("dnf_score", "nsnet_score", AuditSchema.SCORE)) {
          double p = r.getAs(c);
          assertTrue(p >= 0 && p <= 1, c + " = " + p);
        }
      }
    }

    Path runFolder = new Path(out + "/runs/night-1");
    assertTrue(
        isFile(new Path(j1.get("report").getAsString())), "the report path printed is on HDFS");
    String html = read(new Path(runFolder, "report.html"));
    assertTrue(html.contains("<section id=\"counts\""), "the HTML report");
    JsonObject summary =
        JsonParser.parseString(read(new Path(runFolder, "summary.json"))).getAsJsonObject();
    assertEquals(5, summary.getAsJsonObject("counts").get("scanned").getAsLong());
    assertEquals(archive, summary.get("input").getAsString());

    // the next night, as a cluster would run it: the models from HDFS (the embedded artifacts
    // copied there, so
    // the same models), the same bytes; only the error rows are retried
    Path models = new Path(root + "/models");
    RemoteFiles.putEmbedded(hdfs, "dnf-classifier", new Path(models, "dnf-classifier"));
    RemoteFiles.putEmbedded(hdfs, "nsnet-head", new Path(models, "nsnet-head"));
    String[] secondNight =
        concat(
            night,
            "--run-id",
            "night-2",
            "--model",
            "dnf.classifier=" + models + "/dnf-classifier",
            "--model",
            "nsnet.head=" + models + "/nsnet-head");
    Result second = JobTestSupport.cli(secondNight);
    assertEquals(0, second.code(), second.err() + second.out());
    JsonObject j2 = second.lastLineJson();
    assertEquals(
        j1.get("models"), j2.get("models"), "fetched from HDFS and verified: the same model ids");
    assertEquals(0, j2.get("new").getAsLong(), "nothing new");
    assertEquals(3, j2.get("skipped").getAsLong());
    assertEquals(2, j2.get("errors").getAsLong());
    Map<String, Long> perRun =
        table(out).groupBy(AuditSchema.RUN_ID).count().collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
    assertEquals(
        Map.of("night-1", 5L, "night-2", 2L), perRun, "the second night wrote its error rows only");
    assertEquals(3, table(out).filter("status = 'ok'").count());
    assertTrue(isFile(new Path(out + "/runs/night-2/summary.json")));

    // a scheduler's retry with the same run id: HDFS renames a folder INTO an existing one, so the
    // commit must
    // move the earlier attempt aside first; its rows are replaced, not nested or doubled
    assertEquals(0, JobTestSupport.cli(secondNight).code());
    assertEquals(2, table(out).filter("run_id = 'night-2'").count(), "replaced");
    assertEquals(7, table(out).count());
    assertNoLeftovers(new Path(out));

    Result missing =
        JobTestSupport.cli(
            concat(
                night, "--run-id", "night-3", "--model", "nsnet.head=" + models + "/no-such-head"));
    assertEquals(2, missing.code(), missing.err());
    assertTrue(missing.err().contains("no-such-head"), missing.err());
    assertFalse(hdfs.exists(new Path(out + "/runs/night-3")), "a model error writes nothing");
  }

  @Test
  void augmentWritesItsSetAndPngsToHdfsWithAModelAndFractionsFromHdfs() throws Exception {
    Path model = new Path(root + "/models/pfdiffseg");
    RemoteFiles.putEmbedded(hdfs, "pfdiffseg", model);
    Path fractions = new Path(root + "/conf/fractions.csv");
    RemoteFiles.write(
        hdfs,
        fractions,
        "matrix,austenite,ma,precipitate,defect\n2,1,1,0,0\n".getBytes(StandardCharsets.UTF_8));
    String out = root + "/augment/set";
    String png = root + "/augment/png";
    String[] args = {
      "augment",
      "--count",
      "3",
      "--output",
      out,
      "--export-png",
      png,
      "--model",
      model.toString(),
      "--fractions",
      fractions.toString(),
      "--sampler",
      "ddim:2",
      "--batch",
      "2"
    };

    Result first = JobTestSupport.cli(args);
    assertEquals(0, first.code(), first.err() + first.out());
    List<Row> set = SharedSpark.session().read().parquet(out).orderBy("sample_id").collectAsList();
    assertEquals(List.of(0L, 1L, 2L), set.stream().map(r -> r.<Long>getAs("sample_id")).toList());
    for (Row r : set) {
      List<Float> requested = r.getList(r.fieldIndex("requested"));
      assertEquals(List.of(0.5f, 0.25f, 0.25f, 0f, 0f), requested, "the vector of the CSV on HDFS");
      assertNotNull(ImageIO.read(new ByteArrayInputStream(r.getAs("image_png"))));
    }
    byte[] firstImage = readBytes(new Path(png + "/images/000000.png"));
    assertArrayEquals(
        set.get(0).<byte[]>getAs("image_png"), firstImage, "the exported PNG is the table's");
    assertEquals(3, hdfs.listStatus(new Path(png + "/masks")).length);
    assertEquals(
        4, read(new Path(png + "/manifest.csv")).strip().lines().count(), "header + 3 pairs");

    Result again = JobTestSupport.cli(concat(args, "--overwrite"));
    assertEquals(0, again.code(), again.err());
    assertEquals(
        3, SharedSpark.session().read().parquet(out).count(), "replaced on HDFS, not appended");
    assertArrayEquals(
        firstImage, readBytes(new Path(png + "/images/000000.png")), "same seed, same bytes");
    assertNoLeftovers(new Path(root + "/augment"));
  }

  @Test
  void ingestReadsHdfsAndWritesTheInventoryThere() throws Exception {
    String out = root + "/inventory";
    Result r = JobTestSupport.cli("ingest", "--input", input.toString(), "--output", out);
    assertEquals(0, r.code(), r.err() + r.out());
    List<Row> rows = SharedSpark.session().read().parquet(out).collectAsList();
    assertEquals(5, rows.size());
    assertEquals(
        2,
        rows.stream().filter(x -> x.<String>getAs(InventorySchema.STATUS).equals("error")).count());
    assertTrue(rows.stream().allMatch(x -> x.<String>getAs(InventorySchema.PATH).startsWith(root)));
    assertEquals(
        2,
        JobTestSupport.cli("ingest", "--input", input.toString(), "--output", out).code(),
        "an existing output on HDFS is refused too");
    assertNoLeftovers(new Path(out));
  }

  /**
   * No staging or trash contents, no Spark {@code _temporary} folders and no {@code .staging-}
   * siblings under or beside {@code dir}, and no local folder named after a URI (what java.nio
   * makes of {@code hdfs://...}).
   */
  private static void assertNoLeftovers(Path dir) throws IOException {
    List<String> left = new ArrayList<>();
    List<Path> todo = new ArrayList<>(List.of(dir));
    while (!todo.isEmpty()) {
      for (FileStatus s : hdfs.listStatus(todo.remove(todo.size() - 1))) {
        String p = s.getPath().toString();
        if (p.contains("/_staging/")
            || p.contains("/_trash/")
            || p.contains("_temporary")
            || p.contains(".staging-")) {
          left.add(p);
        }
        if (s.isDirectory()) {
          todo.add(s.getPath());
        }
      }
    }
    for (FileStatus s : hdfs.listStatus(dir.getParent())) {
      if (s.getPath().getName().contains(".staging-")) {
        left.add(s.getPath().toString());
      }
    }
    assertEquals(List.of(), left, "nothing temporary left on HDFS");
    assertFalse(
        Files.exists(java.nio.file.Path.of("hdfs:")), "nothing written to a local 'hdfs:' folder");
  }

  private static boolean isFile(Path p) throws IOException {
    return hdfs.exists(p) && hdfs.getFileStatus(p).isFile();
  }

  private static byte[] readBytes(Path p) throws IOException {
    try (InputStream in = hdfs.open(p)) {
      return in.readAllBytes();
    }
  }

  private static String read(Path p) throws IOException {
    return new String(readBytes(p), StandardCharsets.UTF_8);
  }
}
