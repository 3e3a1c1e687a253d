package com.synthscope.job.audit;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.synthscope.job.JobTestSupport;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.udfs.detect.Calibration;
import com.synthscope.udfs.detect.DetectorDomain;
import com.synthscope.udfs.detect.DetectorRegistry;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.LogisticFusion;
import com.synthscope.udfs.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit --domain photos} on a folder of CIFAKE test images (real under {@code 0_real/},
 * Stable Diffusion under {@code 1_fake/}, written from the Parquet into a temporary folder): the
 * embedded photo detectors score them, fused by the embedded photo fusion at its calibrated
 * threshold, and most are right.
 */
class PhotoDomainAuditTest {

  @TempDir Path tmp;

  @Test
  void theEmbeddedPhotoFusionFitsTheEmbeddedPhotoModels() {
    LogisticFusion f = LogisticFusion.embedded(DetectorDomain.PHOTOS);
    assertNotNull(f, "the photo family ships its fusion");
    assertEquals(Calibration.BALANCED_RULE, f.calibration().rule());
    Map<String, String> ids = new LinkedHashMap<>();
    for (String d : List.of("dnf", "nsnet")) {
      ImageDetector det = DetectorRegistry.builtin(DetectorDomain.PHOTOS).create(d, Map.of());
      ids.put(d, det.describe(new Configuration()).models());
      assertNotNull(
          det.describe(new Configuration()).calibration(),
          d + " carries its photo operating point");
    }
    assertTrue(f.fits(ids), "fitted on " + f.models() + ", embedded " + ids);
    LogisticFusion micrographs = LogisticFusion.embedded(DetectorDomain.MICROGRAPHS);
    assertTrue(
        micrographs == null || !micrographs.fits(ids), "the micrograph fusion is not the photos'");
  }

  @Test
  void auditDomainPhotosScoresCifakeImagesWithThePhotoFusionAndThreshold() throws Exception {
    SparkSession spark = SharedSpark.session();
    Dataset<Row> test =
        spark.read().parquet(SharedSpark.cifake().toString()).filter(col("split").equalTo("test"));
    Path input = tmp.resolve("photos");
    int n = 0;
    for (int label = 0; label <= 1; label++) {
      Path folder = Files.createDirectories(input.resolve(label == 0 ? "0_real" : "1_fake"));
      for (Row r :
          test.filter(col("label").equalTo(label))
              .orderBy("path")
              .limit(40)
              .select("path", "content")
              .collectAsList()) {
        Files.write(
            folder.resolve(r.getString(0).replaceAll("[^A-Za-z0-9.]", "_")), (byte[]) r.get(1));
        n++;
      }
    }
    Path output = tmp.resolve("audit");
    Result r =
        JobTestSupport.cli(
            "audit",
            "--domain",
            "photos",
            "--input",
            input.toString(),
            "--output",
            output.toString(),
            "--recursive",
            "--run-id",
            "photos");
    assertEquals(0, r.code(), r.err() + r.out());
    JsonObject json = r.lastLineJson();
    assertEquals(n, json.get("new").getAsLong(), r.out());
    assertFalse(
        r.out().contains("smaller than one tile"),
        "photos are scored whole by contract, not for being small");
    String models = json.getAsJsonObject("models").toString();
    assertTrue(
        models.contains("pixels") && models.contains("nsnet-head"), "the photo models: " + models);

    LogisticFusion fusion = LogisticFusion.embedded(DetectorDomain.PHOTOS);
    JsonObject summary =
        JsonParser.parseString(Files.readString(output.resolve("runs/photos/summary.json")))
            .getAsJsonObject();
    assertEquals(
        fusion.calibration().threshold(),
        summary.get("threshold").getAsDouble(),
        1e-12,
        "the photo fusion's calibrated threshold");
    assertEquals(fusion.describe(), summary.get("fusion").getAsString());

    List<Row> rows =
        spark
            .read()
            .parquet(output.resolve("scores").toString())
            .select("label", "flagged")
            .collectAsList();
    assertEquals(n, rows.size());
    long right = rows.stream().filter(x -> x.getInt(0) == (x.getBoolean(1) ? 1 : 0)).count();
    assertTrue(right >= 0.85 * n, right + " of " + n + " right");
  }

  @Test
  void aUserSuppliedHeadGoesThroughTheSameContractAndKeepsTheFusionOnlyWhenItIsTheFittedModel()
      throws Exception {
    SparkSession spark = SharedSpark.session();
    Path input = tmp.resolve("few");
    Dataset<Row> test =
        spark.read().parquet(SharedSpark.cifake().toString()).filter(col("split").equalTo("test"));
    for (int label = 0; label <= 1; label++) {
      Path folder = Files.createDirectories(input.resolve(label == 0 ? "0_real" : "1_fake"));
      int i = 0;
      for (Row r :
          test.filter(col("label").equalTo(label))
              .orderBy("path")
              .limit(4)
              .select("content")
              .collectAsList()) {
        Files.write(folder.resolve(i++ + ".jpg"), (byte[]) r.get(0));
      }
    }
    // the embedded head as a user's artifact folder: the same manifest bytes, the same model id
    Path same = tmp.resolve("head-same");
    Path other = tmp.resolve("head-other");
    com.synthscope.udfs.model.FetchedModel head =
        new com.synthscope.udfs.model.ModelFetcher(
                com.synthscope.udfs.model.ModelFetcher.defaultCacheRoot())
            .fetch(com.synthscope.udfs.model.EmbeddedModels.photosNsnetHead(), new Configuration());
    for (Path to : List.of(same, other)) {
      Files.createDirectories(to);
      try (var files = Files.list(head.folder())) {
        for (Path f : files.toList()) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
    // another model: the same weights under another version, so another manifest checksum
    Path manifest = other.resolve("synthscope-model.json");
    Files.writeString(
        manifest,
        Files.readString(manifest)
            .replaceFirst("\"version\": \"[^\"]*\"", "\"version\": \"user-copy\""));
    double fitted = LogisticFusion.embedded(DetectorDomain.PHOTOS).calibration().threshold();
    for (Path h : List.of(same, other)) {
      Path out = tmp.resolve("audit-" + h.getFileName());
      Result r =
          JobTestSupport.cli(
              "audit",
              "--domain",
              "photos",
              "--input",
              input.toString(),
              "--output",
              out.toString(),
              "--recursive",
              "--run-id",
              "r",
              "--model",
              "nsnet.head=" + h);
      assertEquals(0, r.code(), r.err() + r.out());
      assertEquals(8, r.lastLineJson().get("new").getAsLong());
      JsonObject summary =
          JsonParser.parseString(Files.readString(out.resolve("runs/r/summary.json")))
              .getAsJsonObject();
      double threshold = summary.get("threshold").getAsDouble();
      if (h == same) {
        assertEquals(
            fitted, threshold, 1e-12, "the fitted model: the photo fusion and its threshold");
      } else {
        assertEquals(0.5, threshold, 1e-12, "another model: the mean of the probabilities at 0.5");
      }
    }
  }

  @Test
  void demoDomainPhotosAuditsCifakeTestImagesWithThePhotoFamily() {
    Result r =
        JobTestSupport.cli(
            "demo",
            "--domain",
            "photos",
            "--photos",
            SharedSpark.cifake().toString(),
            "--count",
            "12",
            "--output",
            tmp.resolve("demo").toString());
    assertEquals(0, r.code(), r.err() + r.out());
    assertTrue(
        r.out().contains("12 real CIFAKE test images")
            && r.out().contains("12 generated CIFAKE test images"),
        r.out());
    assertEquals(24, r.lastLineJson().get("new").getAsLong(), r.out());
    assertTrue(
        r.out().contains("for the highest balanced accuracy"),
        "the photo operating point: " + r.out());
    Result both =
        JobTestSupport.cli(
            "demo",
            "--domain",
            "photos",
            "--real",
            tmp.toString(),
            "--output",
            tmp.resolve("demo2").toString());
    assertEquals(2, both.code(), "--real is the micrographs' option");
  }

  @Test
  void anUnknownDomainIsAConfigurationError() {
    Result r =
        JobTestSupport.cli(
            "audit",
            "--domain",
            "satellites",
            "--input",
            tmp.toString(),
            "--output",
            tmp.resolve("a").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--domain"), r.err());
  }
}
