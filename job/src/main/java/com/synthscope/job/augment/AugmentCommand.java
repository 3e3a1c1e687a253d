package com.synthscope.job.augment;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.when;

import com.synthscope.job.ConfigurationException;
import com.synthscope.job.GuidanceOptions;
import com.synthscope.job.JobCommand;
import com.synthscope.job.OutputGuard;
import com.synthscope.job.PfDiffSegModel;
import com.synthscope.job.SamplerOption;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.udfs.augment.FractionSampler;
import com.synthscope.udfs.augment.PfDiffSegGenerator;
import com.synthscope.udfs.augment.SamplerSpec;
import com.synthscope.udfs.diffusion.MultiDiffusion;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.spark.Augmentation;
import com.synthscope.udfs.spark.HadoopConf;
import com.synthscope.udfs.spark.PairExport;
import com.synthscope.udfs.spark.ParquetOutput;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code synthscope augment}: bulk generation of micrograph image + mask pairs with PF-DiffSeg. */
@Command(
    name = "augment",
    mixinStandardHelpOptions = true,
    description = {
      "Generate N micrograph image + mask pairs with PF-DiffSeg, spread over Spark partitions, and write",
      "the augmentation-set Parquet (and optionally PNG files). Same seed and settings give the same bytes."
    })
public final class AugmentCommand extends JobCommand {

  @Option(names = "--count", required = true, description = "Pairs to generate.")
  long count;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "URI",
      description =
          "Augmentation-set Parquet; an existing non-empty output is refused unless --overwrite.")
  String output;

  @Option(
      names = "--overwrite",
      description =
          "Replace --output atomically when it holds an earlier output of augment (anything else is refused even so).")
  boolean overwrite;

  @Mixin PfDiffSegModel model;

  @Mixin SamplerOption sampler;

  @Mixin GuidanceOptions generation;

  @Option(
      names = "--fractions",
      defaultValue = "empirical",
      paramLabel = "empirical|dirichlet|FILE",
      description =
          "Requested phase fractions: those of real training crops, a Dirichlet boosting the minority classes 2-4, or a CSV of vectors on any Hadoop filesystem (default: ${DEFAULT-VALUE}).")
  String fractions;

  @Option(names = "--drop-rejected", description = "Leave samples failing QC out of the output.")
  boolean dropRejected;

  @Option(
      names = "--export-png",
      paramLabel = "DIR",
      description = "Also write images/, masks/ and manifest.csv there.")
  String exportPng;

  @Option(
      names = "--size",
      defaultValue = "0",
      paramLabel = "S",
      description =
          "Side of the pairs in pixels at the model's scale; larger than the model's crop runs MultiDiffusion over overlapping windows (default: the model's crop size).")
  int size;

  @Option(
      names = "--stride",
      defaultValue = "0",
      paramLabel = "PX",
      description =
          "Window stride of MultiDiffusion for --size (default: half the model's crop; smaller is smoother and slower).")
  int stride;

  @Option(
      names = "--window-weights",
      defaultValue = "gaussian",
      paramLabel = "gaussian|uniform",
      description =
          "How MultiDiffusion averages overlapping windows: weighted towards each window's centre, or the plain mean (default: ${DEFAULT-VALUE}).")
  String windowWeights;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description =
          "Run seed; each sample's seed derives from it and its id (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--batch",
      defaultValue = "8",
      description = "Samples per model batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description = "Spark partitions (default: the default parallelism).")
  Integer partitions;

  private SamplerSpec samplerSpec;
  private MultiDiffusion.Weighting weighting;

  @Override
  protected void validate() {
    generation.validate();
    if (count < 1 || batch < 1) {
      throw new ConfigurationException("--count and --batch must be >= 1");
    }
    if (size < 0 || stride < 0) {
      throw new ConfigurationException("--size and --stride must be positive");
    }
    try {
      weighting = MultiDiffusion.Weighting.parse(windowWeights);
      samplerSpec = sampler.spec();
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }

  @Override
  protected int run(SparkSession session) throws Exception {
    // before any work: never over an input, replace only our own output, and be able to write at
    // all
    Configuration hadoop = session.sessionState().newHadoopConf();
    Map<String, String> inputs = new LinkedHashMap<>();
    inputs.put("--model", model.uri());
    inputs.put(
        "--fractions",
        fractions.equals("empirical") || fractions.equals("dirichlet") ? null : fractions);
    OutputGuard.refuseOverlap(hadoop, "--output", output, inputs);
    OutputGuard.checkReplaceable(hadoop, "--output", output, "augment", overwrite, false);
    OutputGuard.checkWritableBeside(hadoop, "--output", output);
    if (exportPng != null) {
      inputs.put("--output", output);
      OutputGuard.refuseOverlap(hadoop, "--export-png", exportPng, inputs);
      OutputGuard.checkWritable(
          hadoop, "--export-png", exportPng, new org.apache.hadoop.fs.Path(exportPng));
    }

    HadoopConf conf = HadoopConf.of(session);
    FetchedModel fetched = model.preflight(conf.get());
    int classes = ((Number) fetched.manifest().preprocessing().get("classes")).intValue();
    FractionSampler sampler = PfDiffSegModel.fractions(fractions, fetched, classes, conf.get());
    int parts = partitions != null ? partitions : session.sparkContext().defaultParallelism();
    int window = ((Number) fetched.manifest().preprocessing().get("size")).intValue();
    if (size != 0 && size < window) {
      throw new ConfigurationException(
          "--size " + size + " is smaller than the model's crop of " + window + " px");
    }
    if (stride > window) {
      throw new ConfigurationException(
          "--stride " + stride + " exceeds the model's crop of " + window + " px");
    }

    float guidance = generation.guidance(fetched);
    long started = System.nanoTime();
    Augmentation.Settings settings =
        new Augmentation.Settings(
            model.ref(),
            fetched.modelId(),
            generation.steer(
                new PfDiffSegGenerator.Settings(samplerSpec, guidance, size, stride, weighting)),
            batch,
            generation.maxFractionError());
    Dataset<Row> set =
        Augmentation.generate(
            Augmentation.plan(session, count, parts, seed, sampler), settings, conf);
    if (dropRejected) {
      set = set.filter(col("qc_pass"));
    }
    ParquetOutput.replace(set, output, "augment");
    double seconds = (System.nanoTime() - started) / 1e9;

    Dataset<Row> written = session.read().parquet(output);
    Row stats =
        written
            .agg(count("*"), avg(when(col("qc_pass"), 1).otherwise(0)), avg("fraction_l1"))
            .first();
    long rows = stats.getLong(0);
    if (exportPng != null) {
      @SuppressWarnings("unchecked")
      List<String> names = (List<String>) fetched.manifest().preprocessing().get("class_names");
      PairExport.export(written, exportPng, conf, names);
    }
    out()
        .printf(
            "generated %d pairs in %.1f s (%.2f samples/s) with %s, %s, guidance %s, fractions %s%n",
            count,
            seconds,
            count / seconds,
            fetched.modelId(),
            samplerSpec,
            guidance,
            sampler.name());
    out()
        .printf(
            "QC at L1 <= %s: %.1f %% pass, mean L1 %.4f; %d rows written to %s%n",
            generation.maxFractionError(),
            100 * (rows == 0 ? 0 : stats.getDouble(1)),
            rows == 0 ? 0 : stats.getDouble(2),
            rows,
            output);
    if (exportPng != null) {
      out()
          .println(
              "PNG pairs: "
                  + exportPng
                  + "/images, "
                  + exportPng
                  + "/masks, "
                  + exportPng
                  + "/manifest.csv");
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "augment");
    json.put("output", output);
    json.put("model", fetched.modelId());
    json.put("generated", count);
    json.put("rows", rows);
    json.put("qc_pass_rate", rows == 0 ? 0 : stats.getDouble(1));
    json.put("mean_fraction_l1", rows == 0 ? 0 : stats.getDouble(2));
    json.put("seconds", Math.round(seconds * 10) / 10.0);
    json.put("samples_per_second", Math.round(count / seconds * 1000) / 1000.0);
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }
}
