package com.synthscope.job;

import com.synthscope.udfs.augment.FractionControl;
import com.synthscope.udfs.augment.FractionSampler;
import com.synthscope.udfs.augment.PairGrid;
import com.synthscope.udfs.augment.PfDiffSegGenerator;
import com.synthscope.udfs.augment.SamplerSpec;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelRegistry;
import com.synthscope.udfs.spark.Augmentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code synthscope eval pfdiffseg}: fraction control of generated pairs (empirical and dirichlet requests), QC pass
 * rate, and sampler speed, on this machine, without Spark.
 */
@Command(name = "pfdiffseg", mixinStandardHelpOptions = true,
    description = {"Generate N pairs per request strategy and report fraction control (mean and per-class error, QC",
        "pass share), the dirichlet batch's mean achieved vs requested fractions, and samples/s per sampler."})
public final class EvalPfDiffSegCommand extends CommandBase {

  @Mixin PfDiffSegModel model;

  @Option(names = "--count", defaultValue = "64", description = "Pairs per strategy, at least 64 (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(names = "--sampler", defaultValue = "ddim:50", description = "Sampler for the quality figures (default: ${DEFAULT-VALUE}).")
  String sampler;

  @Option(names = "--guidance", defaultValue = "4.0", description = "Classifier-free guidance scale (default: ${DEFAULT-VALUE}).")
  float guidance;

  @Option(names = "--max-fraction-error", defaultValue = "0.05", description = "QC tolerance (default: ${DEFAULT-VALUE}).")
  float tolerance;

  @Option(names = "--batch", defaultValue = "8", description = "Batch size for generation and timing (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--speed", split = ",", defaultValue = "ddpm,ddim:50,ddim:20", description = "Samplers to time on one batch (default: ${DEFAULT-VALUE}).")
  List<String> speed;

  @Option(names = "--grid", paramLabel = "PNG", description = "Write a picture of generated pairs (image beside colour-coded mask).")
  Path grid;

  @Option(names = "--seed", defaultValue = "2026", description = "Run seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--allow-small", hidden = true, description = "Allow --count below 64 (tests).")
  boolean allowSmall;

  @Override
  protected void validate() {
    if (count < (allowSmall ? 1 : 64) || batch < 1) {
      throw new ConfigurationException("--count must be at least 64 and --batch at least 1");
    }
    try {
      SamplerSpec.parse(sampler);
      speed.forEach(SamplerSpec::parse);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }

  @Override
  protected int execute() throws Exception {
    Configuration hadoop = new Configuration();
    FetchedModel fetched = model.preflight(hadoop);
    int classes = ((Number) fetched.manifest().preprocessing().get("classes")).intValue();
    @SuppressWarnings("unchecked")
    List<String> names = (List<String>) fetched.manifest().preprocessing().get("class_names");
    LoadedModel loaded = ModelRegistry.get().model(model.ref(), hadoop,
        ExecutionSettings.cpu(Runtime.getRuntime().availableProcessors()));
    PfDiffSegGenerator generator = new PfDiffSegGenerator(loaded,
        new PfDiffSegGenerator.Settings(SamplerSpec.parse(sampler), guidance));

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "eval pfdiffseg");
    json.put("model", fetched.modelId());
    json.put("sampler", sampler);
    json.put("guidance", guidance);
    List<PfDiffSegGenerator.Generated> firstPairs = new ArrayList<>();
    for (String strategy : List.of("empirical", "dirichlet")) {
      FractionSampler fs = PfDiffSegModel.fractions(strategy, fetched, classes);
      List<float[]> requested = new ArrayList<>();
      List<float[]> achieved = new ArrayList<>();
      for (int start = 0; start < count; start += batch) {
        int n = Math.min(batch, count - start);
        long[] seeds = new long[n];
        float[][] req = new float[n][];
        for (int i = 0; i < n; i++) {
          seeds[i] = Augmentation.sampleSeed(seed, start + i);
          req[i] = fs.sample(seeds[i]);
        }
        List<PfDiffSegGenerator.Generated> pairs = generator.generate(seeds, req);
        for (int i = 0; i < n; i++) {
          requested.add(req[i]);
          achieved.add(pairs.get(i).achieved());
        }
        if (strategy.equals("empirical") && firstPairs.size() < 16) {
          firstPairs.addAll(pairs.subList(0, Math.min(n, 16 - firstPairs.size())));
        }
        out().printf(Locale.ROOT, "%s: %d/%d pairs%n", strategy, requested.size(), count);
      }
      FractionControl fc = FractionControl.of(requested, achieved, tolerance);
      out().printf(Locale.ROOT, "%s requests: mean L1 %.4f, QC pass %.1f %% at %.2f%n", strategy, fc.meanL1(),
          100 * fc.passRate(), tolerance);
      json.put(strategy, fc.toMap(names));
    }
    Map<String, Object> speeds = new LinkedHashMap<>();
    long[] seeds = new long[batch];
    float[][] req = new float[batch][];
    FractionSampler timedRequests = PfDiffSegModel.fractions("empirical", fetched, classes);
    for (int i = 0; i < batch; i++) {
      seeds[i] = Augmentation.sampleSeed(seed + 1, i);
      req[i] = timedRequests.sample(seeds[i]);
    }
    for (String s : speed) {
      PfDiffSegGenerator timed = new PfDiffSegGenerator(loaded,
          new PfDiffSegGenerator.Settings(SamplerSpec.parse(s), guidance));
      long t0 = System.nanoTime();
      timed.generate(seeds, req);
      double sec = (System.nanoTime() - t0) / 1e9;
      out().printf(Locale.ROOT, "%s: %.3f samples/s (batch %d, %.1f s)%n", s, batch / sec, batch, sec);
      speeds.put(s, Math.round(batch / sec * 10000) / 10000.0);
    }
    json.put("samples_per_second", speeds);
    json.put("speed_batch", batch);
    json.put("threads", Runtime.getRuntime().availableProcessors());
    if (grid != null) {
      if (grid.getParent() != null) {
        Files.createDirectories(grid.getParent());
      }
      ImageIO.write(PairGrid.render(firstPairs, generator.size(), 4, 3), "png", grid.toFile());
      out().println("picture: " + grid);
      json.put("grid", grid.toString());
    }
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }
}
