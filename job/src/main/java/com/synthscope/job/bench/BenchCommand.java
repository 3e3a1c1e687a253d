package com.synthscope.job.bench;

import com.synthscope.job.CommandBase;
import com.synthscope.job.ConfigurationException;
import com.synthscope.job.PfDiffSegModel;
import com.synthscope.job.SparkOptions;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.job.audit.RealTiles;
import com.synthscope.job.audit.SparkAuditBench;
import com.synthscope.udfs.augment.FractionSampler;
import com.synthscope.udfs.augment.PfDiffSegGenerator;
import com.synthscope.udfs.augment.SamplerSpec;
import com.synthscope.udfs.bench.AuditComparison;
import com.synthscope.udfs.bench.AugmentBench;
import com.synthscope.udfs.bench.BenchTable;
import com.synthscope.udfs.bench.DetectorBench;
import com.synthscope.udfs.bench.FlopCount;
import com.synthscope.udfs.bench.FlopCounter;
import com.synthscope.udfs.bench.MachineInfo;
import com.synthscope.udfs.bench.MatMulBench;
import com.synthscope.udfs.bench.Measurement;
import com.synthscope.udfs.bench.Throughput;
import com.synthscope.udfs.bench.TimeSplit;
import com.synthscope.udfs.detect.DetectorCatalog;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.model.EmbeddedModels;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.model.ModelRegistry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code synthscope bench}: throughput of the audit's and augment's parts on this machine in one
 * run, the Spark audit against a bare loop, and each model's achieved GFLOP/s next to a large
 * matrix product.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure on this machine, in one run: images/s of decode, DNF, NS-Net and the whole audit (Spark",
      "local mode), samples/s of augment (PF-DiffSeg), at several batch sizes and thread counts; the Spark",
      "audit against a bare loop over the same models and images; each model's GFLOP/s next to a matrix",
      "product. Prints the table and writes bench.csv, bench-audit.csv, bench.json and bench.md to --output.",
      "Threads: P concurrent scoring threads (Spark: local[P] tasks), each with I PyTorch intra-op threads",
      "(written PxI; P alone means Px1)."
    })
public final class BenchCommand extends CommandBase {

  static final List<String> STAGES =
      List.of("matmul", "decode", "dnf", "nsnet", "augment", "audit");

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "Where the tables go (created; files in it replaced).")
  Path output;

  @Option(
      names = "--images",
      paramLabel = "DIR",
      description =
          "Image files to use (top level of the folder). Default: --images-count tiles of MetalDAM's test micrographs, 32 px at scale 0.25 (the embedded detectors' domain), written to a temporary folder.")
  Path images;

  @Option(
      names = "--images-count",
      defaultValue = "128",
      paramLabel = "N",
      description = "Tiles to make when --images is not given (default: ${DEFAULT-VALUE}).")
  int imagesCount;

  @Option(
      names = "--metaldam",
      paramLabel = "DIR",
      description =
          "MetalDAM's images folder (default: ../shared/datasets/metaldam/images beside the working directory or the repository).")
  Path metalDam;

  @Option(
      names = "--batches",
      split = ",",
      defaultValue = "1,8,32",
      paramLabel = "B[,B]",
      description = "Batch sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> batches;

  @Option(
      names = "--threads",
      split = ",",
      defaultValue = "1,2",
      paramLabel = "P[xI][,...]",
      description =
          "Thread settings: P concurrent threads with I intra-op threads each, e.g. 1,2,1x2 (default: ${DEFAULT-VALUE}). Models run on the JVM's shared inference threads, one intra-op thread each, so settings with I > 1 apply to the matrix product only.")
  List<String> threads;

  @Option(
      names = "--seconds",
      defaultValue = "3",
      paramLabel = "S",
      description =
          "Timed seconds per measurement, after the warm-up; at least one call per thread (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(
      names = "--stages",
      split = ",",
      defaultValue = "matmul,decode,dnf,nsnet,augment,audit",
      paramLabel = "NAME[,NAME]",
      description = "What to measure (default: ${DEFAULT-VALUE}); audit includes the bare loop.")
  List<String> stages;

  @Option(
      names = "--augment-sampler",
      defaultValue = "ddim:50",
      paramLabel = "ddpm|ddim:K",
      description = "Sampler for the augment rows (default: ${DEFAULT-VALUE}, as augment).")
  String augmentSampler;

  @Option(
      names = "--augment-guidance",
      paramLabel = "W",
      description = "Guidance for the augment rows (default: the model's own, as augment).")
  Float augmentGuidance;

  @Option(
      names = "--matmul-size",
      defaultValue = "2048",
      paramLabel = "N",
      description = "The reference product is N x N by N x N, float32 (default: ${DEFAULT-VALUE}).")
  int matmulSize;

  @Option(
      names = "--max-in-flight",
      defaultValue = "16",
      paramLabel = "N",
      description =
          "Skip NS-Net and audit settings with batch x threads above N: NS-Net holds about 0.23 GB of activations per image of a batch until the batch ends (8 GB peak RSS at batch 32 on one thread, measured); batch 32 ran this shared 24 GB machine out of memory twice (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Mixin SparkOptions spark;

  /** P concurrent threads, each with I intra-op threads. */
  record Threading(int threads, int intraOp) {
    static Threading parse(String s) {
      String[] p = s.strip().toLowerCase(Locale.ROOT).split("x");
      try {
        Threading t =
            new Threading(Integer.parseInt(p[0]), p.length > 1 ? Integer.parseInt(p[1]) : 1);
        if (p.length > 2 || t.threads < 1 || t.intraOp < 1) {
          throw new NumberFormatException();
        }
        return t;
      } catch (NumberFormatException e) {
        throw new ConfigurationException(
            "--threads takes P or PxI with P, I >= 1, e.g. 2 or 1x2; got '" + s + "'");
      }
    }

    Throughput.Plan plan(int warmupCalls, double seconds) {
      return Throughput.Plan.timed(threads, intraOp, warmupCalls, seconds);
    }
  }

  private final List<String> skipped = new ArrayList<>();
  private List<Threading> threadings;
  private Set<String> selected;
  private SamplerSpec sampler;

  @Override
  protected void validate() {
    threadings =
        new ArrayList<>(new LinkedHashSet<>(threads.stream().map(Threading::parse).toList()));
    selected = new LinkedHashSet<>();
    for (String s : stages) {
      String name = s.strip().toLowerCase(Locale.ROOT);
      if (!STAGES.contains(name)) {
        throw new ConfigurationException(
            "--stages: unknown '" + s + "'; choose from " + String.join(", ", STAGES));
      }
      selected.add(name);
    }
    if (batches.isEmpty()
        || batches.stream().anyMatch(b -> b < 1)
        || imagesCount < 1
        || !(seconds >= 0)
        || matmulSize < 1
        || maxInFlight < 1) {
      throw new ConfigurationException(
          "--batches, --images-count, --matmul-size and --max-in-flight must be >= 1,"
              + " --seconds >= 0");
    }
    if (images != null && !Files.isDirectory(images)) {
      throw new ConfigurationException("--images " + images + " is not a folder");
    }
    if (images == null
        && (metalDam != null ? !Files.isDirectory(metalDam) : RealTiles.metalDamImages() == null)) {
      throw new ConfigurationException(
          "no images: give --images DIR, or --metaldam DIR (MetalDAM's images), or run"
              + " where ../shared/datasets/metaldam/images exists");
    }
    try {
      sampler = SamplerSpec.parse(augmentSampler);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--augment-sampler: " + e.getMessage(), e);
    }
  }

  @Override
  protected int execute() throws Exception {
    // One intra-op thread per scoring thread unless the user said otherwise; every bench thread
    // sets its own
    // count at run time anyway (IntraOpThreads), and Spark's task threads start with this one.
    System.getProperties().putIfAbsent("ai.djl.pytorch.num_threads", "1");
    System.getProperties().putIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    MachineInfo before = MachineInfo.now();
    Instant started = Instant.now();
    Path work = Files.createTempDirectory("synthscope-bench");
    try {
      Path folder = images != null ? images : tiles(work.resolve("images"));
      List<Path> files = imageFiles(folder);
      if (files.isEmpty()) {
        throw new ConfigurationException("no image files in " + folder);
      }
      List<byte[]> encoded = new ArrayList<>();
      long largest = 0;
      for (Path f : files) {
        encoded.add(Files.readAllBytes(f));
        largest = Math.max(largest, encoded.get(encoded.size() - 1).length);
      }
      DecodeLimits limits = DecodeLimits.defaults();
      List<BufferedImage> decoded = DetectorBench.decodeAll(encoded, limits);
      out()
          .printf(
              Locale.ROOT,
              "bench: %d images from %s (%dx%d px first), %d cores, load %s%n",
              files.size(),
              folder,
              decoded.get(0).getWidth(),
              decoded.get(0).getHeight(),
              before.cores(),
              before.loadAverage());
      Configuration hadoop = new Configuration();
      List<ImageDetector> detectors =
          List.of(
              DetectorCatalog.builtin().create("dnf", Map.of()),
              DetectorCatalog.builtin().create("nsnet", Map.of()));
      for (ImageDetector d : detectors) {
        out().println("models: " + d.name() + " " + d.preflight(hadoop));
      }
      if (modelThreadings().size() < threadings.size()) {
        out()
            .println(
                "threads: settings with more than one intra-op thread measure the matrix product only; the"
                    + " models run on the JVM's shared inference threads with one each");
      }
      Map<String, FlopCount> flops = flops(hadoop);
      flops.forEach(
          (k, v) ->
              out()
                  .printf(
                      Locale.ROOT,
                      "FLOPs:  %-9s %.4f GFLOP per %s (conv %d, linear %d,"
                          + " attention %d MACs)%n",
                      k,
                      v.gflop(),
                      k.equals("augment") ? "sample" : "image",
                      v.convMacs(),
                      v.linearMacs(),
                      v.attentionMacs()));
      out().flush();

      List<Measurement> rows = new ArrayList<>();
      List<AuditComparison> audits = new ArrayList<>();
      if (selected.contains("matmul")) {
        Set<Threading> ref = new LinkedHashSet<>(threadings);
        ref.add(new Threading(1, 2)); // shows whether intra-op threads change at run time
        for (Threading t : ref) {
          Throughput.Plan plan = t.plan(1, seconds);
          add(
              rows,
              Measurement.of(
                  BenchTable.MATMUL + " " + matmulSize,
                  "products/s",
                  0,
                  t.intraOp(),
                  plan,
                  MatMulBench.measure(matmulSize, plan, 1),
                  MatMulBench.gflop(matmulSize)));
        }
      }
      if (selected.contains("decode")) {
        for (int p : concurrent()) {
          Throughput.Plan plan = Throughput.Plan.timed(p, 1, 4, seconds);
          add(
              rows,
              Measurement.of(
                  "decode",
                  "images/s",
                  0,
                  0,
                  plan,
                  DetectorBench.decode(encoded, limits, plan, 1),
                  Double.NaN));
        }
      }
      for (ImageDetector d : detectors) {
        if (selected.contains(d.name())) {
          for (int b : batches) {
            for (Threading t : modelThreadings()) {
              if (d.name().equals("nsnet") && tooMuchInFlight(d.name(), b, t.threads())) {
                continue;
              }
              Throughput.Plan plan = t.plan(2, seconds);
              add(
                  rows,
                  Measurement.of(
                      d.name(),
                      "images/s",
                      b,
                      t.intraOp(),
                      plan,
                      DetectorBench.score(d, hadoop, decoded, b, plan, 1),
                      flops.get(d.name()).gflop()));
            }
          }
        }
      }
      if (selected.contains("augment")) {
        augmentRows(hadoop, flops.get("augment"), rows);
      }
      if (selected.contains("audit")) {
        auditRows(
            work,
            folder,
            files,
            largest,
            detectors,
            hadoop,
            limits,
            flops.get("dnf").plus(flops.get("nsnet")).gflop(),
            rows,
            audits);
      }

      BenchTable table = new BenchTable(rows, audits);
      MachineInfo after = MachineInfo.now();
      Map<String, Object> context = new LinkedHashMap<>();
      context.put(
          "command",
          "synthscope " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
      context.put("started", started.toString());
      context.put(
          "seconds",
          Math.round((Instant.now().toEpochMilli() - started.toEpochMilli()) / 100.0) / 10.0);
      context.put("machine", before.toMap());
      context.put("load_average_end", after.loadAverage());
      context.put(
          "images",
          files.size()
              + " files from "
              + (images != null ? folder.toString() : "MetalDAM test tiles, 32 px at scale 0.25"));
      context.put(
          "threads",
          "PxI: P concurrent threads (Spark local[P] tasks), I PyTorch intra-op threads each");
      context.put("skipped", List.copyOf(skipped));
      Map<String, Object> gflop = new LinkedHashMap<>();
      flops.forEach((k, v) -> gflop.put(k, v.gflop()));
      context.put("gflop_per_item", gflop);
      write(table, context, before, after);
      out().println();
      out().print(table.text());
      out().println("tables: " + output.toAbsolutePath().resolve("bench.md"));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("command", "bench");
      json.put("output", output.toAbsolutePath().toString());
      json.put("rows", rows.size());
      Map<String, Object> ratios = new LinkedHashMap<>();
      audits.forEach(
          a ->
              ratios.put(
                  "batch " + a.batch() + ", " + a.threads() + "x1",
                  Math.round(a.ratio() * 1000) / 1000.0));
      json.put("audit_over_bare", ratios);
      printJson(json);
      return SynthScopeCli.EXIT_OK;
    } finally {
      deleteTree(work);
    }
  }

  /**
   * Whether a setting holds more images in flight than --max-in-flight; says so and notes it as
   * skipped.
   */
  private boolean tooMuchInFlight(String stage, int batch, int threads) {
    if (batch * threads <= maxInFlight) {
      return false;
    }
    String what = stage + " batch " + batch + " threads " + threads + "x1";
    skipped.add(what);
    out()
        .printf(
            "skipped  %s: %d images in flight > --max-in-flight %d (memory)%n",
            what, batch * threads, maxInFlight);
    return true;
  }

  /**
   * Distinct P of the threadings with one intra-op thread (decode and the audit run only those).
   */
  private List<Integer> concurrent() {
    return modelThreadings().stream().map(Threading::threads).distinct().toList();
  }

  /**
   * The threadings the models run at: one intra-op thread. Since models run on the JVM's shared
   * inference threads ({@code model.InferenceThreads}), a calling thread's intra-op setting does
   * not reach them.
   */
  private List<Threading> modelThreadings() {
    return threadings.stream().filter(t -> t.intraOp() == 1).toList();
  }

  private void add(List<Measurement> rows, Measurement m) {
    rows.add(m);
    out()
        .printf(
            Locale.ROOT,
            "measured %-22s batch %-3s threads %-4s %10.2f %s%n",
            m.stage(),
            m.batch() == 0 ? "-" : String.valueOf(m.batch()),
            m.threading(),
            m.rate(),
            m.unit());
    out().flush();
  }

  /**
   * FLOPs per image of each detector and per sample of augment, from fresh networks of the embedded
   * models.
   */
  private Map<String, FlopCount> flops(Configuration hadoop) {
    Map<String, FlopCount> f = new LinkedHashMap<>();
    FetchedModel classifier = fetched(EmbeddedModels.dnfClassifier(), hadoop);
    Object mode = classifier.manifest().preprocessing().get("mode");
    if (!"t0".equals(mode)) {
      throw new IllegalStateException(
          "the embedded DNF classifier uses mode " + mode + "; the count assumes t0");
    }
    // t0: one backbone pass per image, then the classifier
    f.put(
        "dnf",
        FlopCounter.count(fetched(EmbeddedModels.dnfBackbone(), hadoop))
            .plus(FlopCounter.count(classifier)));
    f.put(
        "nsnet",
        FlopCounter.count(fetched(EmbeddedModels.nsnetEncoder(), hadoop))
            .plus(FlopCounter.count(fetched(EmbeddedModels.nsnetHead(), hadoop))));
    LoadedModel pf =
        ModelRegistry.get().model(EmbeddedModels.pfDiffSeg(), hadoop, ExecutionSettings.cpu(1));
    float w = augmentGuidance(pf.fetched());
    PfDiffSegGenerator g = new PfDiffSegGenerator(pf, new PfDiffSegGenerator.Settings(sampler, w));
    f.put("augment", FlopCounter.count(pf.fetched()).times(AugmentBench.passesPerSample(g, w)));
    return f;
  }

  private static FetchedModel fetched(ModelRef ref, Configuration hadoop) {
    return ModelRegistry.get().model(ref, hadoop, ExecutionSettings.cpu(1)).fetched();
  }

  /** --augment-guidance, else the model's own scale, as augment. */
  private float augmentGuidance(FetchedModel pfDiffSeg) {
    return augmentGuidance != null ? augmentGuidance : PfDiffSegModel.defaultGuidance(pfDiffSeg);
  }

  private void augmentRows(Configuration hadoop, FlopCount perSample, List<Measurement> rows) {
    LoadedModel model =
        ModelRegistry.get().model(EmbeddedModels.pfDiffSeg(), hadoop, ExecutionSettings.cpu(1));
    FetchedModel fetched = model.fetched();
    int classes = ((Number) fetched.manifest().preprocessing().get("classes")).intValue();
    FractionSampler fractions = PfDiffSegModel.fractions("empirical", fetched, classes);
    PfDiffSegGenerator.Settings settings =
        new PfDiffSegGenerator.Settings(sampler, augmentGuidance(fetched));
    for (int b : batches) {
      for (Threading t : modelThreadings()) {
        Throughput.Plan plan = t.plan(0, seconds);
        add(
            rows,
            Measurement.of(
                "augment " + sampler,
                "samples/s",
                b,
                t.intraOp(),
                plan,
                AugmentBench.measure(model, settings, fractions, b, plan, 1),
                perSample.gflop()));
      }
    }
  }

  private void auditRows(
      Path work,
      Path folder,
      List<Path> files,
      long largest,
      List<ImageDetector> detectors,
      Configuration hadoop,
      DecodeLimits limits,
      double gflopPerImage,
      List<Measurement> rows,
      List<AuditComparison> audits)
      throws IOException {
    Path warmFolder = Files.createDirectories(work.resolve("warm-up"));
    for (Path f : files.subList(0, Math.min(files.size(), 16))) {
      Files.copy(f, warmFolder.resolve(f.getFileName()));
    }
    int run = 0;
    for (int p : concurrent()) {
      SparkSession existing =
          SparkSession.getDefaultSession().isDefined()
              ? SparkSession.getDefaultSession().get()
              : null;
      boolean own = existing == null || existing.sparkContext().isStopped();
      if (!own
          && !(existing.sparkContext().isLocal()
              && existing.sparkContext().defaultParallelism() == p)) {
        out()
            .printf(
                "audit: a Spark session (%s) is already running; no audit rows for %d thread(s)%n",
                existing.sparkContext().master(), p);
        continue;
      }
      SparkSession session = own ? spark.session("bench", Map.of(), "local[" + p + "]") : existing;
      try {
        SparkAuditBench.run(
            session,
            warmFolder,
            Math.min(files.size(), 16),
            largest,
            detectors,
            batches.get(0),
            p,
            work.resolve("audit-warm-up-" + p)); // untimed: Spark's own code warms up
        for (int b : batches) {
          if (tooMuchInFlight("audit", b, p)) {
            continue;
          }
          SparkAuditBench.Run r =
              SparkAuditBench.run(
                  session,
                  folder,
                  files.size(),
                  largest,
                  detectors,
                  b,
                  p,
                  work.resolve("audit-" + (run++)));
          TimeSplit bare = DetectorBench.bareLoop(files, detectors, hadoop, limits, b, p, 1);
          Throughput.Plan plan = Throughput.Plan.once(p, 1, 0);
          add(
              rows,
              Measurement.of(
                  "audit (Spark scan)",
                  "images/s",
                  b,
                  1,
                  plan,
                  new Throughput.Result(
                      r.scan().images(), r.scan().wallSeconds(), r.scan().cpuSeconds()),
                  gflopPerImage));
          add(
              rows,
              Measurement.of(
                  "bare loop",
                  "images/s",
                  b,
                  1,
                  plan,
                  new Throughput.Result(bare.images(), bare.wallSeconds(), bare.cpuSeconds()),
                  gflopPerImage));
          audits.add(new AuditComparison(b, p, r.scan(), bare, r.jobSeconds()));
        }
      } finally {
        if (own) {
          session.stop();
        }
      }
    }
  }

  private Path tiles(Path to) throws IOException {
    Files.createDirectories(to);
    Path from = metalDam != null ? metalDam : RealTiles.metalDamImages();
    int n = RealTiles.write(from, to, 0.25, 32, imagesCount, 1);
    if (n == 0) {
      throw new ConfigurationException("no tiles could be cut from " + from);
    }
    return to;
  }

  private static List<Path> imageFiles(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    }
  }

  private void write(
      BenchTable table, Map<String, Object> context, MachineInfo before, MachineInfo after)
      throws IOException {
    Files.createDirectories(output);
    Files.writeString(output.resolve("bench.csv"), table.csv());
    Files.writeString(output.resolve("bench-audit.csv"), table.auditCsv());
    Files.writeString(output.resolve("bench.json"), table.json(context));
    List<String> lines = new ArrayList<>();
    lines.add("command: `" + context.get("command") + "`");
    lines.add("started " + context.get("started") + ", " + context.get("seconds") + " s");
    lines.add(
        "machine: "
            + before.cores()
            + " cores, "
            + before.cpuModel()
            + ", "
            + before.memory()
            + " memory, "
            + before.jvm());
    lines.add(
        "load average (1, 5, 15 min) at start "
            + before.loadAverage()
            + ", at end "
            + after.loadAverage());
    lines.add("images: " + context.get("images"));
    lines.add("threads " + context.get("threads"));
    if (!skipped.isEmpty()) {
      lines.add(
          "skipped (batch x threads > --max-in-flight "
              + maxInFlight
              + ", memory): "
              + String.join("; ", skipped));
    }
    Files.writeString(output.resolve("bench.md"), table.markdown(lines));
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
