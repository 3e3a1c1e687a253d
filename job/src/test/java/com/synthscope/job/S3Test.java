package com.synthscope.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.adobe.testing.s3mock.junit5.S3MockExtension;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.spark.InventorySchema;
import com.synthscope.udfs.testing.ImageCorpus;
import com.synthscope.udfs.testing.SharedSpark;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14 item 14: {@code s3a://} for input, output and models. An in-process S3 server (Adobe
 * S3Mock) beside the shared local SparkSession, reached through Hadoop's S3A connector and the AWS
 * SDK v2 bundle (the launcher's classpath, not the job jar). The embedded detectors score images
 * read from S3 with their models fetched from S3, and the table, summary and report are written to
 * S3.
 */
class S3Test {

  private static final String BUCKET = "lake";

  /**
   * S3Mock's XML (Jackson on Woodstox 7) must get Woodstox's StAX factories: the first ones
   * ServiceLoader finds on this classpath are Hadoop's shaded, older Woodstox, which refuses
   * Jackson's settings. Set before the server starts (static initialisers run in order), cleared
   * after.
   */
  static {
    System.setProperty("javax.xml.stream.XMLInputFactory", "com.ctc.wstx.stax.WstxInputFactory");
    System.setProperty("javax.xml.stream.XMLOutputFactory", "com.ctc.wstx.stax.WstxOutputFactory");
    // the JVM takes one URL stream handler factory: Spark's session already set its own
    // (FsUrlStreamHandlerFactory)
    // when another test class ran first, and Tomcat's attempt to set one would then fail the
    // server's start
    org.apache.catalina.webresources.TomcatURLStreamHandlerFactory.disable();
  }

  @RegisterExtension
  static final S3MockExtension S3 =
      S3MockExtension.builder()
          .silent()
          .withSecureConnection(false)
          .withInitialBuckets(BUCKET)
          .withRootFolder(java.nio.file.Path.of("target", "s3mock").toAbsolutePath().toString())
          .build();

  /**
   * The S3A settings a user gives for an S3-compatible endpoint (path-style, plain HTTP, static
   * keys).
   */
  static Map<String, String> s3aSettings(int port) {
    return Map.of(
        "fs.s3a.endpoint",
        "http://127.0.0.1:" + port,
        "fs.s3a.endpoint.region",
        "us-east-1",
        "fs.s3a.path.style.access",
        "true",
        "fs.s3a.connection.ssl.enabled",
        "false",
        "fs.s3a.aws.credentials.provider",
        "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "fs.s3a.access.key",
        "test-key",
        "fs.s3a.secret.key",
        "test-secret",
        "fs.s3a.change.detection.mode",
        "none",
        "fs.s3a.attempts.maximum",
        "2",
        "fs.s3a.retry.limit",
        "2");
  }

  private static FileSystem s3;

  @BeforeAll
  static void configure() throws IOException {
    Configuration conf = SharedSpark.session().sparkContext().hadoopConfiguration();
    s3aSettings(S3.getHttpPort()).forEach(conf::set);
    s3 = new Path("s3a://" + BUCKET + "/").getFileSystem(conf);
  }

  @AfterAll
  static void unconfigure() {
    Configuration conf = SharedSpark.session().sparkContext().hadoopConfiguration();
    s3aSettings(0).keySet().forEach(conf::unset);
    System.clearProperty("javax.xml.stream.XMLInputFactory");
    System.clearProperty("javax.xml.stream.XMLOutputFactory");
  }

  @Test
  void auditReadsImagesAndModelsFromS3AndWritesTableAndReportThere() throws Exception {
    String root = "s3a://" + BUCKET;
    for (int i = 0; i < 3; i++) {
      RemoteFiles.write(
          s3,
          new Path(root + "/archive/img-" + i + ".png"),
          ImageCorpus.encode(ImageCorpus.noiseRgb(48, 40, i), "png"));
    }
    RemoteFiles.write(
        s3,
        new Path(root + "/archive/broken.png"),
        new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    RemoteFiles.putEmbedded(s3, "dnf-classifier", new Path(root + "/models/dnf-classifier"));
    RemoteFiles.putEmbedded(s3, "nsnet-head", new Path(root + "/models/nsnet-head"));

    String out = root + "/audit";
    Result r =
        JobTestSupport.cli(
            "audit",
            "--input",
            root + "/archive",
            "--output",
            out,
            "--run-id",
            "s3-night",
            "--model",
            "dnf.classifier=" + root + "/models/dnf-classifier",
            "--model",
            "nsnet.head=" + root + "/models/nsnet-head");
    assertEquals(0, r.code(), r.err() + r.out());
    JsonObject json = r.lastLineJson();
    assertEquals(4, json.get("scanned").getAsLong());
    assertEquals(3, json.get("new").getAsLong());
    assertEquals(1, json.get("errors").getAsLong());
    assertTrue(
        json.getAsJsonObject("models").get("dnf").getAsString().startsWith("dnf-classifier"));

    List<Row> rows =
        SharedSpark.session()
            .read()
            .schema(AuditSchema.tableSchema(List.of("dnf", "nsnet")))
            .parquet(out + "/scores")
            .collectAsList();
    assertEquals(4, rows.size());
    for (Row row : rows) {
      String path = row.getAs(InventorySchema.PATH);
      assertTrue(path.startsWith(root + "/archive/"), path);
      if (path.endsWith("broken.png")) {
        assertEquals("error", row.getAs(InventorySchema.STATUS));
      } else {
        assertEquals("ok", row.getAs(InventorySchema.STATUS), path);
        assertNotNull(row.getAs(AuditSchema.SCORE));
      }
    }
    JsonObject summary =
        JsonParser.parseString(read(new Path(out + "/runs/s3-night/summary.json")))
            .getAsJsonObject();
    assertEquals(4, summary.getAsJsonObject("counts").get("scanned").getAsLong());
    assertTrue(
        read(new Path(out + "/runs/s3-night/report.html")).contains("<section id=\"counts\""));
    assertTrue(
        !s3.exists(new Path(out + "/runs/_locks/s3-night.lock")), "the run lock is released");
    assertTrue(
        !Files.exists(java.nio.file.Path.of("s3a:")), "nothing went to a local folder named s3a:");
  }

  private static String read(Path p) throws IOException {
    try (InputStream in = s3.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
