package com.synthscope.job.audit;

import static com.synthscope.job.JobTestSupport.concat;
import static com.synthscope.job.JobTestSupport.grey;
import static com.synthscope.job.JobTestSupport.png;
import static com.synthscope.job.JobTestSupport.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.synthscope.job.JobTestSupport;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.job.TestDetectors;
import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.spark.InventorySchema;
import com.synthscope.udfs.testing.ImageCorpus;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit} end to end: real files, a real SparkSession, real Parquet, a detector on the real
 * ONNX Runtime engine and a pure-Java one (see {@link TestDetectors}), real exit codes, and the
 * report in headless Chromium.
 */
class AuditCommandTest {

  @TempDir static Path shared;
  @TempDir Path tmp;
  private static TestDetectors detectors;

  @BeforeAll
  static void detectors() {
    detectors = new TestDetectors(shared);
  }

  static Result audit(String... args) {
    return detectors.cli(args);
  }

  @Test
  void theNextRunScoresOnlyNewFilesAndBothRunsOfADayStay() throws Exception {
    Path in = tmp.resolve("in");
    List<ImageCorpus.Case> cases = ImageCorpus.write(in);
    long ok = cases.stream().filter(ImageCorpus.Case::expectOk).count();
    Path out = tmp.resolve("audit");

    Result first =
        audit("audit", "--input", in.toString(), "--output", out.toString(), "--run-id", "r1");
    assertEquals(0, first.code(), first.err() + first.out());
    JsonObject j1 = first.lastLineJson();
    assertEquals(cases.size(), j1.get("scanned").getAsLong());
    assertEquals(ok, j1.get("new").getAsLong());
    assertEquals(0, j1.get("skipped").getAsLong());
    assertEquals(
        cases.size() - ok,
        j1.get("errors").getAsLong(),
        "a corrupt file is an error row, exit code 0");
    assertEquals(2, j1.getAsJsonObject("errors_by_reason").get("corrupt").getAsLong());

    png(in.resolve("new-1.png"), ImageCorpus.noiseRgb(20, 20, 11));
    png(in.resolve("new-2.png"), ImageCorpus.noiseRgb(20, 20, 12));
    Result second =
        audit("audit", "--input", in.toString(), "--output", out.toString(), "--run-id", "r2");
    assertEquals(0, second.code(), second.err());
    JsonObject j2 = second.lastLineJson();
    assertEquals(2, j2.get("new").getAsLong(), "only the added files are scored");
    assertEquals(ok, j2.get("skipped").getAsLong());
    assertEquals(cases.size() - ok, j2.get("errors").getAsLong(), "error rows are retried");

    Dataset<Row> t = table(out);
    Map<String, Long> perRun =
        t.groupBy(AuditSchema.RUN_ID).count().collectAsList().stream()
            .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
    assertEquals(Map.of("r1", (long) cases.size(), "r2", (long) cases.size() - ok + 2), perRun);
    assertEquals(1, t.select(AuditSchema.RUN_DATE).distinct().count(), "both runs on one day");
    assertEquals(
        ok + 2, t.filter("status = 'ok'").select(InventorySchema.SHA256).distinct().count());
    Row truncated =
        t.filter(t.col("path").endsWith("/" + ImageCorpus.TRUNCATED_PNG))
            .filter("run_id = 'r1'")
            .first();
    assertEquals("error", truncated.getAs(InventorySchema.STATUS));
    assertTrue(((String) truncated.getAs(InventorySchema.ERROR)).startsWith("corrupt:"));
    assertNull(truncated.getAs(AuditSchema.SCORE));
    for (Row r : t.filter("status = 'ok'").collectAsList()) {
      double dnf = r.getAs("dnf_score");
      double nsnet = r.getAs("nsnet_score");
      assertEquals(
          (dnf + nsnet) / 2, (double) r.getAs(AuditSchema.SCORE), 1e-12, "fusion: the mean");
      assertEquals((double) r.getAs(AuditSchema.SCORE) >= 0.5, r.getAs(AuditSchema.FLAGGED));
      scala.collection.Map<String, String> models = r.getAs(AuditSchema.MODELS);
      assertTrue(models.get("dnf").get().startsWith("tiny-onnx@"), models.toString());
      assertTrue(models.get("nsnet").get().startsWith("grey-level-v1@"), models.toString());
    }

    // another model for one detector: everything is scored again
    Result third =
        audit(
            "audit",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--run-id",
            "r3",
            "--model",
            "nsnet.version=2");
    assertEquals(0, third.code(), third.err());
    assertEquals(ok + 2, third.lastLineJson().get("new").getAsLong());
    assertTrue(Files.isRegularFile(out.resolve("runs/r1/report.html")));
    assertTrue(Files.isRegularFile(out.resolve("runs/r2/summary.json")));
  }

  @Test
  void theSameRunIdTwiceReplacesItsRows() throws Exception {
    Path in = tmp.resolve("in");
    for (int i = 0; i < 3; i++) {
      png(in.resolve("img-" + i + ".png"), grey(40 * i + 20, i));
    }
    Path out = tmp.resolve("audit");
    String[] args = {
      "audit",
      "--input",
      in.toString(),
      "--output",
      out.toString(),
      "--run-id",
      "nightly",
      "--detectors",
      "nsnet",
      "--format",
      "parquet"
    };
    assertEquals(0, audit(args).code());
    // as if the same id had also run on an earlier day: one run id is one run, whatever its date
    Path today;
    try (Stream<Path> dates = Files.list(out.resolve("scores"))) {
      today =
          dates
              .filter(p -> p.getFileName().toString().startsWith("run_date="))
              .findFirst()
              .orElseThrow()
              .resolve("run_id=nightly");
    }
    Path earlier =
        Files.createDirectories(out.resolve("scores/run_date=2000-01-01/run_id=nightly"));
    try (Stream<Path> files = Files.list(today)) {
      for (Path f : files.toList()) {
        Files.copy(f, earlier.resolve(f.getFileName()));
      }
    }
    assertEquals(6, table(out).count());
    Result again = audit(args);
    assertEquals(0, again.code(), again.err());
    assertEquals(
        3, again.lastLineJson().get("new").getAsLong(), "a run never skips its own earlier rows");
    assertEquals(3, table(out).count(), "replaced, not duplicated");
    assertFalse(Files.exists(earlier), "the same id on another day was replaced too");
    assertEquals(3, table(out).filter("run_id = 'nightly'").select("path").distinct().count());
    try (Stream<Path> left = Files.walk(out)) {
      assertEquals(
          List.of(),
          left.filter(p -> p.toString().contains("/_staging/") || p.toString().contains("/_trash/"))
              .toList(),
          "no staging or trash left behind");
    }
  }

  @Test
  void aRunKilledAfterWritingItsFilesLeavesNothingVisibleAndARerunSucceeds() throws Exception {
    Path in = tmp.resolve("in");
    for (int i = 0; i < 3; i++) {
      png(in.resolve("img-" + i + ".png"), grey(60 * i + 10, i));
    }
    Path out = tmp.resolve("audit");
    String[] args = {
      "audit", "--input", in.toString(), "--output", out.toString(), "--run-id", "crashy"
    };
    Result crashed;
    System.setProperty(AuditTable.CRASH_BEFORE_COMMIT, "true");
    try {
      crashed = audit(args);
    } finally {
      System.clearProperty(AuditTable.CRASH_BEFORE_COMMIT);
    }
    assertEquals(1, crashed.code(), crashed.err());
    try (Stream<Path> staged = Files.walk(out.resolve("scores/_staging"))) {
      assertTrue(
          staged.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")),
          "the data files were written before the crash");
    }
    assertEquals(0, table(out).count(), "readers see nothing of the killed run");
    assertFalse(Files.exists(out.resolve("runs/crashy")));

    Result rerun = audit(args);
    assertEquals(0, rerun.code(), rerun.err());
    assertEquals(3, rerun.lastLineJson().get("new").getAsLong());
    assertEquals(3, table(out).count());
    try (Stream<Path> staged = Files.list(out.resolve("scores/_staging"))) {
      assertEquals(0, staged.count(), "the killed run's staging was cleaned up");
    }
  }

  @Test
  void labelledFoldersGiveRocAndApAndTheReportRendersInChromium() throws Exception {
    Path in = tmp.resolve("in");
    for (int i = 0; i < 4; i++) {
      png(in.resolve("0_real/real-" + i + ".png"), grey(30 + 10 * i, i));
      png(in.resolve("1_fake/fake-" + i + ".png"), grey(200 + 10 * i, 10 + i));
    }
    png(in.resolve("1_fake/odd <name> & \"quotes\".png"), grey(250, 99));
    Files.write(in.resolve("0_real/empty.png"), new byte[0]);
    Path out = tmp.resolve("audit");
    Result r =
        audit(
            "audit",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--recursive",
            "--run-id",
            "labelled",
            "--threshold",
            "0.6");
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().lines().anyMatch(l -> l.startsWith("stage") && l.contains("images/s")), r.out());
    JsonObject json = r.lastLineJson();
    assertEquals(9, json.get("new").getAsLong());
    assertEquals(1, json.get("errors").getAsLong());
    assertEquals(
        0,
        (int) table(out).filter("error LIKE 'empty%'").first().<Integer>getAs(AuditSchema.LABEL),
        "a file refused unread has its folder's label too");
    assertEquals(
        1.0,
        json.getAsJsonObject("roc").getAsJsonObject("nsnet_score").get("auc").getAsDouble(),
        1e-9,
        "the grey level separates dark real from bright fake images");

    Path summary = out.resolve("runs/labelled/summary.json");
    JsonObject s = JsonParser.parseString(Files.readString(summary)).getAsJsonObject();
    assertEquals(9, s.get("labelled").getAsLong());
    assertEquals(
        1.0,
        s.getAsJsonObject("roc")
            .getAsJsonObject("nsnet_score")
            .get("average_precision")
            .getAsDouble(),
        1e-9);
    long flagged = json.get("flagged").getAsLong();
    assertTrue(flagged >= 1, "some bright images are flagged");
    assertEquals(
        flagged,
        s.getAsJsonArray("top_flagged").size(),
        "every flagged image is shown (fewer than --top)");
    assertTrue(s.getAsJsonObject("histograms").has("dnf_score"));

    Path report = out.resolve("runs/labelled/report.html");
    String html = Files.readString(report);
    assertTrue(html.contains("odd &lt;name&gt; &amp; &quot;quotes&quot;.png"), "paths are escaped");
    assertFalse(html.contains("<name>"));
    String withoutSvgNamespace = html.replace("http://www.w3.org/2000/svg", "");
    assertFalse(
        withoutSvgNamespace.contains("http://") || withoutSvgNamespace.contains("https://"),
        "self-contained: no network references");

    String chromium = chromium();
    assumeTrue(
        chromium != null,
        "chromium is not installed (apt-get install chromium; .ci/run installs it):"
            + " skipping the rendering check");
    String dom = render(chromium, report, tmp.resolve("chromium-profile"), "--dump-dom");
    for (String section :
        List.of("overview", "counts", "models", "stages", "histograms", "roc", "flagged")) {
      assertTrue(
          dom.contains("<section id=\"" + section + "\""), "section " + section + " rendered");
    }
    assertTrue(dom.contains("class=\"bar\""), "histogram bars");
    assertTrue(dom.contains("<polyline class=\"roc\""), "ROC curve");
    assertEquals(
        flagged,
        dom.split("src=\"data:image/png;base64,", -1).length - 1,
        "a thumbnail per flagged image");
    Path shot = tmp.resolve("report.png");
    render(
        chromium,
        report,
        tmp.resolve("chromium-profile"),
        "--screenshot=" + shot,
        "--window-size=1100,1400");
    BufferedImage png = javax.imageio.ImageIO.read(shot.toFile());
    assertNotNull(png, "chromium wrote a screenshot");
    assertTrue(distinctColours(png) > 8, "the screenshot shows content, not a blank page");
  }

  @Test
  void configurationAndModelErrorsExitTwoWithNothingWrittenAndTooManyFlaggedExitsOne()
      throws Exception {
    Path in = tmp.resolve("in");
    png(in.resolve("a.png"), grey(200, 1));
    png(in.resolve("b.png"), grey(220, 2));
    Path out = tmp.resolve("audit");
    String[] base = {"audit", "--input", in.toString(), "--output", out.toString()};

    assertEquals(2, audit(concat(base, "--threshold", "1.5")).code());
    Result unknown = audit(concat(base, "--detectors", "dnf,magic"));
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().contains("unknown detector 'magic'"), unknown.err());
    assertEquals(2, audit(concat(base, "--run-id", "../escape")).code());
    Result missing = audit(concat(base, "--model", "dnf.classifier=" + tmp.resolve("no-model")));
    assertEquals(2, missing.code(), missing.err());
    assertEquals(1, missing.err().strip().lines().count(), missing.err());
    assertFalse(Files.exists(out), "a model error writes nothing");
    assertEquals(
        2,
        audit("audit", "--input", tmp.resolve("nowhere").toString(), "--output", out.toString())
            .code());
    assertEquals(
        2,
        audit("audit", "--input", in.toString(), "--output", in.resolve("inside").toString())
            .code());

    Result flagged =
        audit(concat(base, "--detectors", "nsnet", "--threshold", "0.5", "--fail-on-flagged", "1"));
    assertEquals(1, flagged.code(), "2 flagged > 1");
    assertTrue(flagged.err().contains("more than --fail-on-flagged 1"), flagged.err());
    assertEquals(2, flagged.lastLineJson().get("flagged").getAsLong());
    assertEquals(2, table(out).count(), "the rows are written all the same");
    assertEquals(
        0, audit(concat(base, "--detectors", "nsnet", "--full", "--fail-on-flagged", "2")).code());
  }

  @Test
  void demoGeneratesAuditsAndReports() throws Exception {
    Path real = tmp.resolve("real");
    for (int i = 0; i < 3; i++) { // large enough for a 32 px tile at the generator's scale 0.25
      BufferedImage big = new BufferedImage(160, 140, BufferedImage.TYPE_BYTE_GRAY);
      java.util.Random rnd = new java.util.Random(i);
      for (int y = 0; y < 140; y++) {
        for (int x = 0; x < 160; x++) {
          big.getRaster().setSample(x, y, 0, 60 + 20 * i + rnd.nextInt(40));
        }
      }
      png(real.resolve("r" + i + ".png"), big);
    }
    png(real.resolve("tiny.png"), grey(80, 9)); // too small for a tile: left out
    Path demo = tmp.resolve("demo");
    Result r =
        audit(
            "demo",
            "--output",
            demo.toString(),
            "--real",
            real.toString(),
            "--count",
            "2",
            "--sampler",
            "ddim:2");
    assertEquals(0, r.code(), r.err() + r.out());
    JsonObject json = r.lastLineJson();
    assertEquals(4, json.get("scanned").getAsLong(), "2 generated + as many real tiles");
    assertEquals(4, json.get("new").getAsLong());
    try (Stream<Path> tiles = Files.list(demo.resolve("input/0_real"))) {
      assertEquals(2, tiles.count());
    }
    try (Stream<Path> fakes = Files.list(demo.resolve("input/1_fake"))) {
      assertEquals(2, fakes.count());
    }
    assertTrue(Files.isRegularFile(demo.resolve("audit/runs/demo/report.html")));
    assertTrue(r.out().contains("report:"), r.out());
    assertTrue(
        r.out()
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        "demo: flagged at score >= [0-9.]+: \\d+ of 2 generated, \\d+ of 2 real")),
        r.out());
    Result again =
        audit(
            "demo",
            "--output",
            demo.toString(),
            "--real",
            real.toString(),
            "--count",
            "2",
            "--sampler",
            "ddim:2",
            "--detectors",
            "nsnet");
    assertEquals(0, again.code(), again.err());
    assertEquals(4, again.lastLineJson().get("new").getAsLong(), "a rerun starts afresh");
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("keep.txt"), "mine");
    assertEquals(
        2,
        audit("demo", "--output", foreign.toString()).code(),
        "never deletes a folder it did not make");
  }

  @Test
  void theBuiltInDetectorsAreWiredAndCheckedBeforeAnythingRuns() throws Exception {
    Path in = tmp.resolve("in");
    png(in.resolve("a.png"), grey(100, 1));
    Path out = tmp.resolve("audit");
    Result badRole =
        JobTestSupport.cli(
            "audit",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--detectors",
            "dnf",
            "--model",
            "dnf.encoder=" + tmp);
    assertEquals(2, badRole.code());
    assertTrue(badRole.err().contains("dnf takes the models backbone, classifier"), badRole.err());
    Result missing =
        JobTestSupport.cli(
            "audit",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--detectors",
            "dnf",
            "--model",
            "dnf.classifier=" + tmp.resolve("nowhere"),
            "--model",
            "dnf.backbone=" + tmp.resolve("nowhere-either"));
    assertEquals(2, missing.code(), missing.err());
    Result nsnet =
        JobTestSupport.cli(
            "audit",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--detectors",
            "nsnet",
            "--model",
            "nsnet.head=" + tmp.resolve("no-head"),
            "--model",
            "nsnet.encoder=" + tmp.resolve("no-encoder"),
            "--model",
            "nsnet.encoder-format=onnx");
    assertEquals(2, nsnet.code(), nsnet.err());
    assertTrue(nsnet.err().contains("no-encoder") || nsnet.err().contains("no-head"), nsnet.err());
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void theRealDetectorsScoreThroughTheBuiltInCatalog() throws Exception {
    // a DNF classifier over the embedded backbone and an NS-Net head over the embedded encoder,
    // each trained for one
    // epoch by `train dnf` / `train nsnet`: real artifacts, not good ones
    Path labelled = tmp.resolve("labelled");
    for (int i = 0; i < 4; i++) {
      png(labelled.resolve("0_real/r" + i + ".png"), grey(40 + 20 * i, i));
      png(labelled.resolve("1_fake/f" + i + ".png"), grey(150 + 20 * i, 10 + i));
    }
    Result trained =
        JobTestSupport.cli(
            "train",
            "dnf",
            "--data",
            labelled.toString(),
            "--out",
            tmp.resolve("clf").toString(),
            "--max-epochs",
            "1",
            "--batch",
            "4");
    assertEquals(0, trained.code(), trained.err() + trained.out());
    Path classifier = tmp.resolve("clf/model");
    Result head =
        JobTestSupport.cli(
            "train",
            "nsnet",
            "--data",
            labelled.toString(),
            "--out",
            tmp.resolve("head").toString(),
            "--null-space",
            "none",
            "--max-epochs",
            "1",
            "--batch",
            "4");
    assertEquals(0, head.code(), head.err() + head.out());

    Path in = tmp.resolve("in");
    for (int i = 0; i < 3; i++) {
      png(in.resolve("img-" + i + ".png"), grey(50 + 60 * i, 20 + i));
    }
    Files.write(
        in.resolve("broken.png"),
        java.util.Arrays.copyOf(ImageCorpus.encode(grey(90, 5), "png"), 40));
    Path out = tmp.resolve("audit");
    Result r =
        JobTestSupport.cli(
            "audit",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--model",
            "dnf.classifier=" + classifier,
            "--model",
            "nsnet.head=" + tmp.resolve("head/model"));
    assertEquals(0, r.code(), r.err() + r.out());
    JsonObject json = r.lastLineJson();
    assertEquals(3, json.get("new").getAsLong());
    assertEquals(1, json.get("errors").getAsLong());
    String dnf = json.getAsJsonObject("models").get("dnf").getAsString();
    assertTrue(
        dnf.contains("+dnf-backbone-"), "classifier id + the embedded backbone's id: " + dnf);
    assertTrue(
        json.getAsJsonObject("models").get("nsnet").getAsString().contains("+nsnet-encoder"));
    for (Row row : table(out).filter("status = 'ok'").collectAsList()) {
      double p = row.getAs("dnf_score");
      double q = row.getAs("nsnet_score");
      assertTrue(p >= 0 && p <= 1 && q >= 0 && q <= 1, "probabilities: " + p + ", " + q);
      assertEquals((p + q) / 2, (double) row.getAs(AuditSchema.SCORE), 1e-12, "fusion: the mean");
    }
  }

  static String chromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir :
          System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
        if (Files.isExecutable(Path.of(dir, name))) {
          return Path.of(dir, name).toString();
        }
      }
    }
    return null;
  }

  private static String render(String chromium, Path html, Path profile, String... what)
      throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--user-data-dir=" + profile));
    cmd.addAll(List.of(what));
    cmd.add(html.toUri().toString());
    Path log = Files.createTempFile(profile.getParent(), "chromium", ".log");
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    byte[] stdout = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(90, TimeUnit.SECONDS), "chromium finished");
    assertEquals(0, p.exitValue(), Files.readString(log));
    return new String(stdout, StandardCharsets.UTF_8);
  }

  private static int distinctColours(BufferedImage img) {
    java.util.Set<Integer> c = new java.util.HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 7) {
      for (int x = 0; x < img.getWidth(); x += 7) {
        c.add(img.getRGB(x, y));
      }
    }
    return c.size();
  }
}
