package com.synthscope.job.audit;

import static org.apache.spark.sql.functions.col;

import com.synthscope.job.ConfigurationException;
import com.synthscope.job.DetectorSelection;
import com.synthscope.job.DomainOption;
import com.synthscope.job.JobCommand;
import com.synthscope.job.OutputGuard;
import com.synthscope.job.PfDiffSegModel;
import com.synthscope.job.SamplerOption;
import com.synthscope.udfs.augment.FractionSampler;
import com.synthscope.udfs.augment.PfDiffSegGenerator;
import com.synthscope.udfs.augment.SamplerSpec;
import com.synthscope.udfs.detect.DetectorCatalog;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.spark.Augmentation;
import com.synthscope.udfs.spark.HadoopConf;
import com.synthscope.udfs.spark.IngestOptions;
import com.synthscope.udfs.spark.PairExport;
import com.synthscope.udfs.spark.ParquetOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code synthscope demo}: the audit end to end on embedded defaults. Generates a small PF-DiffSeg
 * batch (the augment code path), puts its grey images under {@code input/1_fake/} next to as many
 * real tiles at the generator's scale and size under {@code input/0_real/} (see {@link RealTiles}),
 * audits that folder and says where the table and report are. With {@code --domain photos} there is
 * no photo generator in the project: it takes {@code --count} real and {@code --count} Stable
 * Diffusion images of CIFAKE's test split instead (the Parquet of {@code --photos}), and audits
 * them with the photo family.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the audit end to end with no arguments: generate a few PF-DiffSeg micrographs with the",
      "embedded model, audit them next to real MetalDAM images with the embedded detectors, and print where",
      "the table and the HTML report are. --domain photos: audit CIFAKE test images (real and Stable",
      "Diffusion) with the embedded photo detectors instead."
    })
public final class DemoCommand extends JobCommand {

  /** Marks a folder as the demo's own, so that a rerun may replace it. */
  static final String MARKER = ".synthscope-demo";

  @Option(
      names = "--output",
      defaultValue = "/tmp/synthscope-demo",
      paramLabel = "DIR",
      description =
          "Local folder for everything the demo makes; replaced on every run (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(
      names = "--real",
      paramLabel = "DIR",
      description =
          "Real images, cut into tiles at the generator's scale and size, to audit next to the generated ones (default: ../shared/datasets/metaldam/images from the working directory or the repository, if there: its test split).")
  Path real;

  @Option(
      names = "--count",
      defaultValue = "24",
      description =
          "Generated micrographs; with --domain photos: CIFAKE test images of each label (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--size",
      defaultValue = "0",
      paramLabel = "S",
      description =
          "Side of the generated micrographs and real tiles in pixels at the generator's scale; larger than its crop runs MultiDiffusion (default: the generator's crop size).")
  int size;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Generation seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--threshold",
      paramLabel = "P",
      description =
          "flagged = score >= P (default: the models' calibrated threshold, as for audit).")
  Double threshold;

  @Mixin SamplerOption sampler = new SamplerOption("ddim:20");

  @Mixin DetectorSelection selection;

  @Mixin DomainOption domain;

  @Option(
      names = "--photos",
      paramLabel = "URI",
      description =
          "With --domain photos: CIFAKE-layout Parquet (content, label, split) whose test images are audited (default: ../shared/datasets/cifake/parquet from the working directory or the repository).")
  String photos;

  private final DetectorCatalog catalog;
  private SamplerSpec samplerSpec;
  private List<ImageDetector> detectors;

  /** The detectors of {@code --domain}. */
  public DemoCommand() {
    this(null);
  }

  /**
   * @param catalog the detectors to choose from; null: those of {@code --domain}
   */
  public DemoCommand(DetectorCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  protected void validate() {
    if (count < 1 || count > 10_000) {
      throw new ConfigurationException("--count must lie in 1..10000");
    }
    if (size < 0) {
      throw new ConfigurationException("--size must be positive");
    }
    if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
      throw new ConfigurationException("--threshold must lie in [0, 1]");
    }
    samplerSpec = sampler.spec();
    if (real != null && !Files.isDirectory(real)) {
      throw new ConfigurationException("--real " + real + " is not a folder");
    }
    detectors = selection.select(catalog != null ? catalog : domain.registry());
    if (photos()) {
      if (cifake() == null) {
        throw new ConfigurationException(
            "--domain photos: no CIFAKE Parquet (give --photos URI, or run beside"
                + " ../shared/datasets/cifake/parquet)");
      }
      if (real != null) {
        throw new ConfigurationException(
            "--real is for micrographs; with --domain photos the demo reads --photos");
      }
    }
    // the demo deletes its output folder: never one holding or inside the real images it reads
    Path realDir = realImages();
    if (realDir != null) {
      OutputGuard.refuseOverlap(
          new org.apache.hadoop.conf.Configuration(),
          "--output",
          output.toAbsolutePath().toString(),
          Map.of("--real", realDir.toAbsolutePath().toString()));
    }
    if (Files.exists(output) && !Files.exists(output.resolve(MARKER)) && !isEmptyDir(output)) {
      throw new ConfigurationException(
          "--output " + output + " exists and was not made by the demo; give another" + " folder");
    }
  }

  @Override
  protected Map<String, String> sessionDefaults() {
    return Map.of("spark.ui.showConsoleProgress", "true");
  }

  /**
   * The real images: --real, else MetalDAM from ../shared beside the working directory or the
   * repository.
   */
  Path realImages() {
    if (photos()) {
      return null;
    }
    return real != null ? real : RealTiles.metalDamImages();
  }

  private boolean photos() {
    return domain.domain() == com.synthscope.udfs.detect.DetectorDomain.PHOTOS;
  }

  /**
   * --photos, else CIFAKE from ../shared beside the working directory or the repository; null if
   * none.
   */
  String cifake() {
    if (photos != null) {
      return photos;
    }
    for (String base : new String[] {".", System.getProperty("synthscope.home")}) {
      if (base != null) {
        Path p =
            Path.of(base).toAbsolutePath().resolve("../shared/datasets/cifake/parquet").normalize();
        if (Files.isDirectory(p)) {
          return p.toString();
        }
      }
    }
    return null;
  }

  /**
   * The photo demo: {@code count} real and {@code count} generated test images of CIFAKE (the first
   * by path, so the demo is the same every run) under {@code input/0_real} and {@code
   * input/1_fake}, audited with the photo family.
   */
  private int runPhotos(SparkSession session, Path out) throws Exception {
    HadoopConf conf = HadoopConf.of(session);
    for (ImageDetector d : detectors) {
      d.preflight(conf.get());
    }
    replaceFolder(out);
    Files.writeString(out.resolve(MARKER), "made by synthscope demo; replaced by the next run\n");
    Dataset<Row> test =
        session
            .read()
            .parquet(cifake())
            .filter(org.apache.spark.sql.functions.col("split").equalTo("test"));
    for (int label = 0; label <= 1; label++) {
      Path to =
          Files.createDirectories(
              out.resolve("input")
                  .resolve(label == 0 ? AuditSchema.REAL_FOLDER : AuditSchema.FAKE_FOLDER));
      int n = 0;
      for (Row r :
          test.filter(org.apache.spark.sql.functions.col("label").equalTo(label))
              .orderBy("path")
              .limit(count)
              .select("path", "content")
              .collectAsList()) {
        String name =
            Path.of(r.getString(0)).getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        Files.write(to.resolve(String.format("%04d-%s", n++, name)), (byte[]) r.get(1));
      }
      out()
          .printf(
              "demo: %d %s CIFAKE test images from %s -> %s%n",
              n, label == 0 ? "real" : "generated", cifake(), to);
    }
    out().flush();
    return audit(session, out, count, AuditCommand.fusion(null, domain));
  }

  @Override
  protected int run(SparkSession session) throws Exception {
    Path out = output.toAbsolutePath().normalize();
    if (photos()) {
      return runPhotos(session, out);
    }
    HadoopConf conf = HadoopConf.of(session);
    // models first: nothing is deleted or written when a model is wrong
    PfDiffSegModel model = new PfDiffSegModel();
    FetchedModel fetched = model.preflight(conf.get());
    for (ImageDetector d : detectors) {
      d.preflight(conf.get()); // cached: the audit's own preflight below is quick
    }
    replaceFolder(out);
    Files.writeString(out.resolve(MARKER), "made by synthscope demo; replaced by the next run\n");

    int crop = ((Number) fetched.manifest().preprocessing().get("size")).intValue();
    if (size != 0 && size < crop) {
      throw new ConfigurationException(
          "--size " + size + " is smaller than the generator's crop of " + crop + " px");
    }
    // 1. generate with the augment code path and export the grey images as PNG
    long t = System.nanoTime();
    int classes = ((Number) fetched.manifest().preprocessing().get("classes")).intValue();
    FractionSampler fractions = PfDiffSegModel.fractions("empirical", fetched, classes);
    int parts = Math.max(1, Math.min(session.sparkContext().defaultParallelism(), (count + 7) / 8));
    Augmentation.Settings settings =
        new Augmentation.Settings(
            model.ref(),
            fetched.modelId(),
            new PfDiffSegGenerator.Settings(
                    samplerSpec, PfDiffSegModel.defaultGuidance(fetched), size, 0)
                .withSteering(1f),
            8,
            0.05f);
    String augmentTable = out.resolve("augment").toString();
    ParquetOutput.replace(
        Augmentation.generate(
            Augmentation.plan(session, count, parts, seed, fractions), settings, conf),
        augmentTable);
    Dataset<Row> set = session.read().parquet(augmentTable);
    @SuppressWarnings("unchecked")
    List<String> names = (List<String>) fetched.manifest().preprocessing().get("class_names");
    Path generated = out.resolve("generated");
    PairExport.export(set, generated.toString(), conf, names);
    double genSeconds = (System.nanoTime() - t) / 1e9;
    Path fake = Files.createDirectories(out.resolve("input").resolve(AuditSchema.FAKE_FOLDER));
    int nFake = copyFiles(generated.resolve("images"), fake);
    out()
        .printf(
            "demo: generated %d micrographs with %s, %s in %.1f s -> %s%n",
            nFake, fetched.modelId(), samplerSpec, genSeconds, fake);

    // 2. real images beside them
    Path realDir = realImages();
    int nReal = 0;
    if (realDir != null) {
      int window = ((Number) fetched.manifest().preprocessing().get("size")).intValue();
      int size = Math.max(this.size, window);
      double scale = ((Number) fetched.manifest().preprocessing().get("scale")).doubleValue();
      nReal =
          RealTiles.write(
              realDir,
              Files.createDirectories(out.resolve("input").resolve(AuditSchema.REAL_FOLDER)),
              scale,
              size,
              count,
              seed);
      out()
          .printf(
              "demo: %d real %dx%d tiles at scale %s (the generator's) from %s -> %s%n",
              nReal,
              size,
              size,
              scale,
              realDir,
              out.resolve("input").resolve(AuditSchema.REAL_FOLDER));
    } else {
      out()
          .println(
              "demo: no real images (no --real, and no ../shared/datasets/metaldam/images): auditing the"
                  + " generated images alone, so there is no ROC curve");
    }
    out().flush();
    return audit(session, out, nReal, null);
  }

  /** 3. the audit of {@code out/input}, with a summary of what was flagged per label. */
  private int audit(SparkSession session, Path out, int nReal, String fusion) throws Exception {
    Audit.Settings audit =
        new Audit.Settings(
            new IngestOptions(out.resolve("input").toString(), null, true, DecodeLimits.defaults()),
            out.resolve("audit").toString(),
            detectors,
            threshold,
            true,
            "demo",
            detectors.stream().mapToInt(ImageDetector::batchSize).max().orElse(8),
            24,
            fusion);
    Audit.Result result = new Audit(audit, out()).run(session);
    long[][] byLabel = new long[2][2]; // [label][flagged]
    for (Row r :
        AuditTable.read(
                session,
                result.summary().table(),
                detectors.stream().map(ImageDetector::name).toList())
            .filter(col(AuditSchema.RUN_ID).equalTo(result.summary().runId()))
            .filter("label IS NOT NULL AND flagged IS NOT NULL")
            .groupBy("label", "flagged")
            .count()
            .collectAsList()) {
      byLabel[r.getInt(0)][r.getBoolean(1) ? 1 : 0] += r.getLong(2);
    }
    int realCount = nReal;
    return AuditCommand.finish(
        this,
        result,
        null,
        () -> {
          out()
              .printf(
                  "demo: flagged at score >= %.4f: %d of %d generated, %d of %d real%s%n",
                  result.summary().threshold(),
                  byLabel[1][1],
                  byLabel[1][0] + byLabel[1][1],
                  byLabel[0][1],
                  byLabel[0][0] + byLabel[0][1],
                  realCount == 0 ? " (no real images)" : "");
          out()
              .println(
                  "demo: open "
                      + result.reportPath()
                      + " in a browser; query the table with"
                      + " spark.read().format(\"delta\").load(\""
                      + result.summary().table()
                      + "\")");
        });
  }

  private static int copyFiles(Path from, Path to) throws IOException {
    int n = 0;
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        if (f.getFileName().toString().startsWith(".")) {
          continue;
        }
        Files.copy(f, to.resolve(f.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
        n++;
      }
    }
    return n;
  }

  private static boolean isEmptyDir(Path p) {
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static void replaceFolder(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
  }
}
