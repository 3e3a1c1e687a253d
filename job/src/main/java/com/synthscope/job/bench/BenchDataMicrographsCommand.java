package com.synthscope.job.bench;

import static org.apache.spark.sql.functions.col;

import com.synthscope.job.ConfigurationException;
import com.synthscope.job.JobCommand;
import com.synthscope.job.OutputGuard;
import com.synthscope.job.PfDiffSegModel;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.udfs.augment.FractionSampler;
import com.synthscope.udfs.augment.SamplerSpec;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.spark.HadoopConf;
import com.synthscope.udfs.spark.MicrographBenchmark;
import com.synthscope.udfs.spark.ParquetOutput;
import com.synthscope.udfs.train.MetalDam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code synthscope bench-data micrographs}: real MetalDAM crops against PF-DiffSeg and upsampled
 * fakes.
 */
@Command(
    name = "micrographs",
    mixinStandardHelpOptions = true,
    description = {
      "Build the micrograph detector benchmark as labelled Parquet (label, generator, split columns):",
      "real MetalDAM crops (each split from its own images), PF-DiffSeg samples at three settings",
      "(pfdiffseg-ddim50: DDIM-50 guidance 4; pfdiffseg-ddim10: DDIM-10 guidance 1; pfdiffseg-steered: DDIM-50",
      "with fraction steering 1 at the model's own guidance, augment's default) and real crops halved and",
      "enlarged back (upsampled). Same seed, same table."
    })
public final class BenchDataMicrographsCommand extends JobCommand {

  /**
   * The PF-DiffSeg settings: many steps with strong guidance against few steps without, and
   * augment's default (fraction steering at the model's own guidance), whose images are the most
   * realistic and which the detectors must learn too (docs/detectors.md).
   */
  static List<MicrographBenchmark.DiffusionSetting> settings(float modelGuidance) {
    return List.of(
        new MicrographBenchmark.DiffusionSetting(
            "pfdiffseg-ddim50", SamplerSpec.parse("ddim:50"), 4f, 0f),
        new MicrographBenchmark.DiffusionSetting(
            "pfdiffseg-ddim10", SamplerSpec.parse("ddim:10"), 1f, 0f),
        new MicrographBenchmark.DiffusionSetting(
            "pfdiffseg-steered", SamplerSpec.parse("ddim:50"), modelGuidance, 1f));
  }

  @Option(
      names = "--out",
      required = true,
      paramLabel = "URI",
      description =
          "Output Parquet; replaced atomically if it is an earlier output of this command (anything else is refused).")
  String out;

  @Option(
      names = "--data",
      defaultValue = "../shared/datasets/metaldam",
      paramLabel = "DIR",
      description = "The metaldam folder (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of crops and generation (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--train",
      defaultValue = "384",
      description = "Rows per generator in the train split (default: ${DEFAULT-VALUE}).")
  int train;

  @Option(
      names = "--val",
      defaultValue = "96",
      description = "Rows per generator in the val split (default: ${DEFAULT-VALUE}).")
  int val;

  @Option(
      names = "--test",
      defaultValue = "192",
      description = "Rows per generator in the test split (default: ${DEFAULT-VALUE}).")
  int test;

  @Option(
      names = "--real-factor",
      defaultValue = "1",
      paramLabel = "K",
      description =
          "Real crops per split as K times each generator's rows (they cost only decoding; more real variety for the detectors) (default: ${DEFAULT-VALUE}).")
  int realFactor;

  @Option(
      names = "--batch",
      defaultValue = "16",
      description = "Samples per PF-DiffSeg batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Mixin PfDiffSegModel model;

  private MicrographBenchmark.Counts counts;

  @Override
  protected void validate() {
    if (!Files.isDirectory(MetalDam.imagePath(data, 0).getParent())) {
      throw new ConfigurationException(
          "--data " + data + " must be the metaldam folder (images/, labels/)");
    }
    if (batch < 1) {
      throw new ConfigurationException("--batch must be >= 1");
    }
    if (realFactor < 1) {
      throw new ConfigurationException("--real-factor must be >= 1");
    }
    try {
      counts = new MicrographBenchmark.Counts(train, val, test);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--train, --val and --test: " + e.getMessage(), e);
    }
  }

  @Override
  protected int run(SparkSession session) throws Exception {
    // before any work: not over the data it reads, only over its own earlier table, and writable
    org.apache.hadoop.conf.Configuration hadoop = session.sessionState().newHadoopConf();
    OutputGuard.refuseOverlap(
        hadoop, "--out", out, Map.of("--data", data.toAbsolutePath().toString()));
    OutputGuard.checkReplaceable(hadoop, "--out", out, "bench-data micrographs", true, false);
    OutputGuard.checkWritableBeside(hadoop, "--out", out);
    HadoopConf conf = HadoopConf.of(session);
    FetchedModel fetched = model.preflight(conf.get());
    Map<String, Object> pre = fetched.manifest().preprocessing();
    int size = ((Number) pre.get("size")).intValue();
    double scale = ((Number) pre.get("scale")).doubleValue();
    FractionSampler fractions = PfDiffSegModel.fractions("empirical", fetched, MetalDam.CLASSES);
    long started = System.nanoTime();
    MicrographBenchmark.Settings settings =
        new MicrographBenchmark.Settings(
            data,
            scale,
            size,
            counts,
            settings(PfDiffSegModel.defaultGuidance(fetched)),
            model.ref(),
            fetched.modelId(),
            batch,
            seed,
            realFactor);
    ParquetOutput.replace(
        MicrographBenchmark.build(session, settings, fractions, conf),
        out,
        "bench-data micrographs");
    double seconds = (System.nanoTime() - started) / 1e9;

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "bench-data micrographs");
    json.put("output", out);
    json.put("size", size);
    json.put("scale", scale);
    json.put("model", fetched.modelId());
    Map<String, Long> rows = new LinkedHashMap<>();
    for (Row r :
        session
            .read()
            .parquet(out)
            .groupBy("split", "generator")
            .count()
            .orderBy(col("split"), col("generator"))
            .collectAsList()) {
      String key = r.getString(0) + "/" + r.getString(1);
      rows.put(key, r.getLong(2));
      out().printf("%-28s %6d rows%n", key, r.getLong(2));
    }
    out()
        .printf(
            "wrote %s in %.1f s (%d x %d px crops at scale %s)%n", out, seconds, size, size, scale);
    json.put("rows", rows);
    json.put("seconds", Math.round(seconds * 10) / 10.0);
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }
}
