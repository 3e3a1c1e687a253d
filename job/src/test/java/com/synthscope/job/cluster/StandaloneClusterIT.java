package com.synthscope.job.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.synthscope.udfs.spark.InjectedTaskFailure;
import com.synthscope.udfs.testing.SharedSpark;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded job jar submitted with spark-submit to a standalone cluster of two one-core workers on
 * 127.0.0.1: the audit and the augmentation give the same rows as in local mode, each executor
 * loads each model once, and the audit survives a task failing mid-partition and an executor killed
 * mid-job with every image exactly once and no partial files. Runs in the integration-test phase,
 * after the jar is built.
 */
class StandaloneClusterIT {

  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(6);
  private static final Pattern MODEL_LOAD =
      Pattern.compile("ModelRegistry: loaded model (\\S+) on");
  private static final int IMAGES = 16;
  private static final double SCORE_TOLERANCE = 1e-3;

  private static Path dir;
  private static Path conf;
  private static Path input;
  private static LocalStandaloneCluster cluster;
  private static Path localAudit;

  @BeforeAll
  static void startCluster() throws Exception {
    dir = Path.of("target", "cluster-it").toAbsolutePath();
    deleteTree(dir);
    conf = Path.of(System.getProperty("synthscope.conf.dir", "../conf")).toAbsolutePath();
    input = Files.createDirectories(dir.resolve("input"));
    // full-size micrographs (~0.8 MB each) and one file that is no image (see options() for the
    // partitions)
    for (int i = 0; i < IMAGES; i++) {
      String name = "micrograph" + i + ".jpg";
      Files.copy(SharedSpark.metalDam().resolve("images").resolve(name), input.resolve(name));
    }
    Files.writeString(input.resolve("broken.jpg"), "not a jpeg", StandardCharsets.UTF_8);

    cluster =
        LocalStandaloneCluster.start(
            dir, LocalStandaloneCluster.Build.fromSystemProperties(), 2, 1, "3g");
    localAudit = dir.resolve("audit-local");
    LocalStandaloneCluster.Submission local =
        cluster.submit(
            "local[2]",
            options("local.conf", Map.of()),
            auditArgs(localAudit),
            dir.resolve("audit-local.log"),
            JOB_TIMEOUT);
    assertSucceeded(local);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void auditOnTwoWorkersGivesLocalModeRowsAndLoadsEachModelOncePerExecutor() throws Exception {
    Path out = dir.resolve("audit-cluster");
    LocalStandaloneCluster.Submission run =
        cluster.submit(
            cluster.masterUrl(),
            options("cluster-cpu.conf", Map.of()),
            auditArgs(out),
            dir.resolve("audit-cluster.log"),
            JOB_TIMEOUT);

    assertSucceeded(run);
    assertSameAuditRows(localAudit, out);
    assertEachExecutorLoadedOnce(
        run.appId(), 4); // DNF backbone + classifier, NS-Net encoder + head
  }

  @Test
  void augmentOnTwoWorkersGivesLocalModePairsAndLoadsTheModelOncePerExecutor() throws Exception {
    Path local = dir.resolve("augment-local");
    Path remote = dir.resolve("augment-cluster");
    LocalStandaloneCluster.Submission l =
        cluster.submit(
            "local[2]",
            options("local.conf", Map.of()),
            augmentArgs(local),
            dir.resolve("augment-local.log"),
            JOB_TIMEOUT);
    LocalStandaloneCluster.Submission c =
        cluster.submit(
            cluster.masterUrl(),
            options("cluster-cpu.conf", Map.of()),
            augmentArgs(remote),
            dir.resolve("augment-cluster.log"),
            JOB_TIMEOUT);

    assertSucceeded(l);
    assertSucceeded(c);
    Dataset<Row> a = SharedSpark.session().read().parquet(local.toString());
    Dataset<Row> b = SharedSpark.session().read().parquet(remote.toString());
    assertEquals(12, a.count());
    assertSamePairs(a, b);
    assertEachExecutorLoadedOnce(c.appId(), 1);
  }

  /** Batches of 2 and a failure at the third file: one batch already went to the Parquet writer. */
  @Test
  void taskFailingOnItsFirstAttemptMidPartitionLeavesEveryImageOnceAndNoPartialFiles()
      throws Exception {
    Path out = dir.resolve("audit-task-failure");
    LocalStandaloneCluster.Submission run =
        cluster.submit(
            cluster.masterUrl(),
            options("cluster-cpu.conf", Map.of(InjectedTaskFailure.SETTING, "3")),
            auditArgs(out),
            dir.resolve("audit-task-failure.log"),
            JOB_TIMEOUT);

    assertSucceeded(run);
    assertTrue(
        run.output().contains(InjectedTaskFailure.MESSAGE),
        "no task failed: the fault was not injected");
    assertSameAuditRows(localAudit, out);
    assertNoPartialFiles(out);
  }

  @Test
  void executorKilledMidJobLeavesEveryImageOnceAndNoPartialFiles() throws Exception {
    Path out = dir.resolve("audit-executor-killed");
    Path log = dir.resolve("audit-executor-killed.log");
    Process driver =
        cluster.submitAsync(
            cluster.masterUrl(), options("cluster-cpu.conf", Map.of()), auditArgs(out), log);
    String killed = killFirstExecutorThatLoadsAModel(driver, log);
    if (!driver.waitFor(JOB_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
      driver.destroyForcibly();
      fail("the audit did not finish after executor " + killed + " was killed; log: " + log);
    }
    LocalStandaloneCluster.Submission run = LocalStandaloneCluster.finished(driver, log);

    assertSucceeded(run);
    assertTrue(
        run.output().contains("ExecutorLostFailure (executor " + killed + " exited"),
        "executor " + killed + " was not running a task when it was killed");
    assertTrue(
        cluster.executorDirs(run.appId()).size() >= 3, "no executor replaced the killed one");
    assertSameAuditRows(localAudit, out);
    assertNoPartialFiles(out);
  }

  /**
   * Waits until an executor of the driver's application has loaded a model (it is scoring), then
   * SIGKILLs it.
   */
  private static String killFirstExecutorThatLoadsAModel(Process driver, Path log)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline && driver.isAlive()) {
      Optional<String> app =
          LocalStandaloneCluster.appId(Files.readString(log, StandardCharsets.UTF_8));
      if (app.isPresent()) {
        for (Path executor : cluster.executorDirs(app.get())) {
          Path stderr = executor.resolve("stderr");
          if (Files.exists(stderr)
              && MODEL_LOAD.matcher(Files.readString(stderr, StandardCharsets.UTF_8)).find()) {
            String id = executor.getFileName().toString();
            ProcessHandle jvm =
                cluster
                    .executor(app.get(), id)
                    .orElseThrow(
                        () -> new AssertionError("executor " + id + " has a log but no process"));
            assertTrue(jvm.destroyForcibly(), "could not kill executor " + id);
            return id;
          }
        }
      }
      Thread.sleep(100);
    }
    driver.destroyForcibly();
    throw new AssertionError("no executor loaded a model before the job ended; log: " + log);
  }

  // ----------------------------------------------------------------------------------------------------------------

  /** spark-submit options: a profile from conf/, the test cluster's sizes, then {@code extra}. */
  private static List<String> options(String profile, Map<String, String> extra)
      throws IOException {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Map<String, String> c = new TreeMap<>();
    c.put("spark.driver.host", "127.0.0.1");
    c.put("spark.driver.bindAddress", "127.0.0.1");
    c.put("spark.ui.enabled", "false");
    c.put("spark.executor.cores", "1");
    c.put("spark.executor.memory", "1g");
    c.put(
        "spark.executor.extraJavaOptions",
        "-Dai.djl.offline=true -Djna.tmpdir="
            + tmp
            + " -Djava.io.tmpdir="
            + tmp
            + " -Dsynthscope.model.cache="
            + dir.resolve("model-cache"));
    c.put("spark.local.dir", tmp.toString());
    // both executors registered before the first task, so both take part
    c.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
    c.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
    // about five micrographs per partition, the same partitions in local mode and on the cluster
    c.put("spark.sql.files.maxPartitionBytes", "4400000");
    c.put("spark.sql.files.openCostInBytes", "0");
    // a scoring scan takes at least ImageIngestion.SCORING_TASKS_PER_CORE tasks per unit of default
    // parallelism (2 here: 8 partitions of about 2 files); at 1 it is 4, so the bytes bound above
    // decides and a partition holds the 3 files the injected failure needs
    c.put("spark.default.parallelism", "1");
    c.putAll(extra);
    List<String> o =
        new ArrayList<>(List.of("--properties-file", conf.resolve(profile).toString()));
    c.forEach(
        (k, v) -> {
          o.add("--conf");
          o.add(k + "=" + v);
        });
    return o;
  }

  private static List<String> auditArgs(Path out) {
    return List.of(
        "audit",
        "--input",
        input.toString(),
        "--output",
        out.toString(),
        "--run-id",
        "it",
        "--batch",
        "2",
        "--top",
        "4");
  }

  private static List<String> augmentArgs(Path out) {
    return List.of(
        "augment",
        "--count",
        "12",
        "--output",
        out.toString(),
        "--partitions",
        "4",
        "--batch",
        "3",
        "--sampler",
        "ddim:5",
        "--seed",
        "7");
  }

  private static void assertSucceeded(LocalStandaloneCluster.Submission s) {
    if (s.exitCode() != 0) {
      String out = s.output();
      fail(
          "spark-submit exited "
              + s.exitCode()
              + ":\n"
              + out.substring(Math.max(0, out.length() - 6000)));
    }
  }

  /**
   * One row per input file, and the same rows as the reference: every column equal, the scores up
   * to float rounding (PyTorch's CPU kernels are not bit-identical between processes; measured:
   * 5e-5 at most).
   */
  private static void assertSameAuditRows(Path expected, Path actual) {
    Dataset<Row> a = scores(expected);
    Dataset<Row> b = scores(actual);
    assertEquals(IMAGES + 1, b.count(), "rows");
    assertEquals(IMAGES + 1, b.select("path").distinct().count(), "distinct paths");
    assertEquals(1, b.filter(functions.col("status").notEqual("ok")).count(), "error rows");
    List<String> floats = List.of("dnf_score", "nsnet_score", "score");
    Column[] exact =
        Stream.of(a.columns())
            .filter(c -> !floats.contains(c))
            .map(functions::col)
            .toArray(Column[]::new);
    assertSameRows(a.select(exact), b.select(exact));
    for (String c : floats) {
      Row worst =
          a.as("a")
              .join(b.as("b"), "path")
              .select(
                  functions.max(
                      functions.abs(functions.col("a." + c).minus(functions.col("b." + c)))))
              .first();
      System.out.printf(
          "%s vs %s: largest %s difference %s%n",
          actual.getFileName(), expected.getFileName(), c, worst.get(0));
      assertTrue(
          worst.isNullAt(0) || worst.getDouble(0) <= SCORE_TOLERANCE,
          c + " differs by " + worst.get(0));
    }
  }

  private static Dataset<Row> scores(Path audit) {
    return SharedSpark.session()
        .read()
        .parquet(audit.resolve("scores").toString())
        .drop("run_date", "run_id")
        .withColumn(
            "models", functions.to_json(functions.col("models"))); // set operations refuse maps
  }

  /**
   * The same pairs: every column equal but the generated image, whose pixels may differ by float
   * rounding between processes (measured: one grey level in at most 2 of 1 024 pixels).
   */
  private static void assertSamePairs(Dataset<Row> expected, Dataset<Row> actual)
      throws IOException {
    // The model's noise differs in the last bits between local mode and the executors (thread
    // counts change the
    // order of sums), so grey levels may differ a little; fraction steering makes the mask follow
    // its request to the
    // pixel, which leaves pixels on class boundaries that such a difference can flip: masks may
    // differ in a few
    // pixels, and the fractions computed from them by as much. Everything else is equal.
    String[] loose = {"image_png", "mask_png", "achieved", "fraction_l1", "qc_pass"};
    assertSameRows(expected.drop(loose), actual.drop(loose));
    Map<Long, Row> ea = byId(expected);
    Map<Long, Row> eb = byId(actual);
    int mostFlipped = 0;
    for (long id : ea.keySet()) {
      Raster x =
          ImageIO.read(new ByteArrayInputStream((byte[]) ea.get(id).getAs("mask_png"))).getRaster();
      Raster y =
          ImageIO.read(new ByteArrayInputStream((byte[]) eb.get(id).getAs("mask_png"))).getRaster();
      int flipped = 0;
      for (int r = 0; r < x.getHeight(); r++) {
        for (int c = 0; c < x.getWidth(); c++) {
          flipped += x.getSample(c, r, 0) != y.getSample(c, r, 0) ? 1 : 0;
        }
      }
      assertTrue(
          flipped <= x.getWidth() * x.getHeight() / 100,
          "sample " + id + ": " + flipped + " mask pixels differ");
      mostFlipped = Math.max(mostFlipped, flipped);
      float l1a = ea.get(id).getAs("fraction_l1");
      float l1b = eb.get(id).getAs("fraction_l1");
      assertEquals(l1a, l1b, 0.02f, "sample " + id + ": fraction L1");
    }
    System.out.printf("augment pairs: at most %d mask pixels differ in one sample%n", mostFlipped);
    Map<Long, byte[]> a = images(expected);
    Map<Long, byte[]> b = images(actual);
    assertEquals(a.keySet(), b.keySet());
    int mostDiffering = 0;
    int pixels = 0;
    for (long id : a.keySet()) {
      Raster x = ImageIO.read(new ByteArrayInputStream(a.get(id))).getRaster();
      Raster y = ImageIO.read(new ByteArrayInputStream(b.get(id))).getRaster();
      int differing = 0;
      for (int r = 0; r < x.getHeight(); r++) {
        for (int c = 0; c < x.getWidth(); c++) {
          int d = Math.abs(x.getSample(c, r, 0) - y.getSample(c, r, 0));
          assertTrue(
              d <= 2, "sample " + id + " differs by " + d + " grey levels at " + c + "," + r);
          differing += d > 0 ? 1 : 0;
        }
      }
      assertTrue(
          differing <= x.getWidth() * x.getHeight() / 100,
          "sample " + id + ": " + differing + " pixels differ");
      mostDiffering = Math.max(mostDiffering, differing);
      pixels = x.getWidth() * x.getHeight();
    }
    System.out.printf(
        "augment pairs: at most %d of %d grey pixels differ in one sample%n",
        mostDiffering, pixels);
  }

  private static Map<Long, Row> byId(Dataset<Row> pairs) {
    Map<Long, Row> m = new TreeMap<>();
    pairs.collectAsList().forEach(r -> m.put(r.<Long>getAs("sample_id"), r));
    return m;
  }

  private static Map<Long, byte[]> images(Dataset<Row> pairs) {
    Map<Long, byte[]> m = new TreeMap<>();
    pairs
        .select("sample_id", "image_png")
        .collectAsList()
        .forEach(r -> m.put(r.getLong(0), (byte[]) r.get(1)));
    return m;
  }

  private static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
    List<Row> missing = expected.exceptAll(actual).collectAsList();
    List<Row> extra = actual.exceptAll(expected).collectAsList();
    assertTrue(
        missing.isEmpty() && extra.isEmpty(),
        "rows differ; only in the reference: " + missing + "\nonly in the other: " + extra);
  }

  /**
   * Every executor of the application that ran tasks loaded each of the {@code models} models
   * exactly once.
   */
  private static void assertEachExecutorLoadedOnce(String appId, int models) throws IOException {
    Map<String, Map<String, Integer>> loads = new TreeMap<>();
    for (Path executor : cluster.executorDirs(appId)) {
      Map<String, Integer> counts = new TreeMap<>();
      Matcher m =
          MODEL_LOAD.matcher(Files.readString(executor.resolve("stderr"), StandardCharsets.UTF_8));
      while (m.find()) {
        counts.merge(m.group(1), 1, Integer::sum);
      }
      loads.put(executor.getFileName().toString(), counts);
    }
    assertEquals(2, loads.size(), "executors: " + loads);
    for (var e : loads.entrySet()) {
      assertEquals(
          models,
          e.getValue().size(),
          "models loaded by executor " + e.getKey() + ": " + e.getValue());
      e.getValue()
          .forEach((model, n) -> assertEquals(1, n, "executor " + e.getKey() + " loaded " + model));
    }
  }

  /** No temporary, staging or trash leftovers anywhere under an audit output. */
  private static void assertNoPartialFiles(Path out) throws IOException {
    try (Stream<Path> all = Files.walk(out)) {
      for (Path p : all.toList()) {
        String rel = out.relativize(p).toString();
        assertFalse(rel.contains("_temporary"), "left behind: " + rel);
        if (Files.isDirectory(p) && (p.endsWith("_staging") || p.endsWith("_trash"))) {
          try (Stream<Path> inside = Files.list(p)) {
            assertEquals(List.of(), inside.toList(), "left behind in " + rel);
          }
        }
        // scores/_delta_log: the Delta table's commits and checkpoints (the default table format)
        if (Files.isRegularFile(p)
            && rel.startsWith("scores")
            && !rel.startsWith("scores/_delta_log/")
            && !p.getFileName().toString().startsWith(".")) {
          String name = p.getFileName().toString();
          // _attempt: the id of the attempt that wrote the rows, as the run's summary.json says
          // (AuditTable.ATTEMPT)
          assertTrue(
              name.equals("_SUCCESS")
                  || name.equals("_attempt")
                  || name.matches("part-\\d{5}-.*\\.parquet"),
              "unexpected file " + rel);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
