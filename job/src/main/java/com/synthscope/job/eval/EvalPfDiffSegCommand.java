package com.synthscope.job.eval;

import com.synthscope.job.CommandBase;
import com.synthscope.job.ConfigurationException;
import com.synthscope.job.GuidanceOptions;
import com.synthscope.job.PfDiffSegModel;
import com.synthscope.job.SamplerOption;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.job.TrainingOutput;
import com.synthscope.udfs.augment.FractionControl;
import com.synthscope.udfs.augment.FractionSampler;
import com.synthscope.udfs.augment.PairGrid;
import com.synthscope.udfs.augment.PfDiffSegGenerator;
import com.synthscope.udfs.augment.QualityCheck;
import com.synthscope.udfs.augment.SamplerSpec;
import com.synthscope.udfs.diffusion.MultiDiffusion;
import com.synthscope.udfs.diffusion.NoiseSchedule;
import com.synthscope.udfs.image.TwoSampleRealism;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelRegistry;
import com.synthscope.udfs.spark.Augmentation;
import com.synthscope.udfs.train.DenoisingLossProbe;
import com.synthscope.udfs.train.LabelledMicrograph;
import com.synthscope.udfs.train.MetalDam;
import com.synthscope.udfs.train.Pair;
import com.synthscope.udfs.train.PairCrops;
import com.synthscope.udfs.train.Split;
import com.synthscope.udfs.train.segmentation.SegmentationBenchmark;
import com.synthscope.udfs.train.segmentation.SegmentationRecipe;
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
 * {@code synthscope eval pfdiffseg}: fraction control of generated pairs (empirical and dirichlet
 * requests), QC pass rate, and sampler speed, on this machine, without Spark.
 */
@Command(
    name = "pfdiffseg",
    mixinStandardHelpOptions = true,
    description = {
      "Generate N pairs per request strategy and report fraction control (mean and per-class error, QC",
      "pass share), the dirichlet batch's mean achieved vs requested fractions, and samples/s per sampler."
    })
public final class EvalPfDiffSegCommand extends CommandBase {

  @Mixin PfDiffSegModel model;

  @Mixin SamplerOption sampler;

  @Mixin GuidanceOptions generation;

  @Option(
      names = "--count",
      defaultValue = "64",
      description = "Pairs per strategy, at least 64 (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--batch",
      defaultValue = "8",
      description = "Batch size for generation and timing (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--speed",
      split = ",",
      defaultValue = "ddpm,ddim:50,ddim:20",
      description = "Samplers to time on one batch (default: ${DEFAULT-VALUE}).")
  List<String> speed;

  @Option(
      names = "--grid",
      paramLabel = "PNG",
      description = "Write a picture of generated pairs (image beside colour-coded mask).")
  Path grid;

  @Option(
      names = "--seed",
      defaultValue = "2026",
      description = "Run seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--parts",
      split = ",",
      defaultValue = "fractions,speed",
      description =
          "What to measure: fractions, speed, loss (the denoising loss by timestep range on real validation crops, needs --data), canvas (one --canvas-size pair by MultiDiffusion), realism (the empirical pairs against real test crops, needs --data) (default: ${DEFAULT-VALUE}).")
  List<String> parts;

  @Option(
      names = "--canvas-size",
      defaultValue = "256",
      description =
          "Side of the large pair that the canvas part times (MultiDiffusion) (default: ${DEFAULT-VALUE}).")
  int canvasSize;

  @Option(
      names = "--canvas-stride",
      defaultValue = "0",
      description = "Window stride for the canvas part (default: half the model's crop).")
  int canvasStride;

  @Option(
      names = "--canvas-weights",
      defaultValue = "gaussian",
      paramLabel = "gaussian|uniform",
      description = "Window weighting for the canvas part (default: ${DEFAULT-VALUE}).")
  String canvasWeights;

  @Option(
      names = "--canvas-picture",
      paramLabel = "PNG",
      description = "Write the canvas part's pair (image beside colour-coded mask).")
  Path canvasPicture;

  /** --guidance, or the model's own scale when absent; set once the model is fetched. */
  private float guidance;

  @Option(
      names = "--real-grid",
      paramLabel = "PNG",
      description =
          "With realism: a picture of 16 real test crops and their labels at the same scale, laid out as --grid (MetalDAM may not be copied into the repository: write it elsewhere).")
  Path realGrid;

  @Option(
      names = "--agreement-steps",
      defaultValue = "2000",
      description =
          "Training steps of the real-data segmenter of the agreement part (eval segmentation's network, batch 16, lr 1e-3, seed 1) (default: ${DEFAULT-VALUE}).")
  int agreementSteps;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "The metaldam folder, for the measures on real crops.")
  Path data;

  @Option(names = "--allow-small", hidden = true, description = "Allow --count below 64 (tests).")
  boolean allowSmall;

  /**
   * Image-mask agreement: the segmenter of {@code eval segmentation}, trained on real crops only,
   * segments the generated images; its mIoU against the generated masks next to its mIoU on the
   * real test split (full label resolution, as eval segmentation scores it: the target's
   * reference). Beside them, its mIoU on as many real test crops of the generated size, each scored
   * alone as a generated pair is (the realism part's crops): what a perfect generator would reach
   * with no context around its crops.
   */
  private Map<String, Object> agreement(
      double scale,
      int size,
      List<LabelledMicrograph> pairs,
      List<Pair> testCrops,
      List<String> names)
      throws Exception {
    List<LabelledMicrograph> realCrops = new ArrayList<>();
    for (Pair p : testCrops.subList(0, pairs.size())) {
      realCrops.add(
          new LabelledMicrograph(-1 - realCrops.size(), size, size, p.grey(), p.labels()));
    }
    SegmentationRecipe recipe =
        new SegmentationRecipe(
            size,
            scale,
            agreementSteps,
            16,
            1e-3f,
            1,
            0,
            Math.max(1, agreementSteps / 8),
            Math.max(1, size / 2),
            null);
    SegmentationBenchmark.Result r =
        SegmentationBenchmark.run(
            data,
            List.of(),
            recipe,
            EvalSegmentationCommand.network(16),
            List.of(pairs, realCrops),
            TrainingOutput.of(out()));
    double generated = r.scored().get(0).meanIou();
    double real = r.test().meanIou();
    double realCropsMiou = r.scored().get(1).meanIou();
    out()
        .printf(
            Locale.ROOT,
            "agreement: segmenter trained on real crops, mIoU %.4f on %d generated pairs vs %.4f on"
                + " the real test split (ratio %.3f)%n",
            generated,
            pairs.size(),
            real,
            generated / real);
    out()
        .printf(
            Locale.ROOT,
            "agreement reference: mIoU %.4f on %d real test crops of the same size (ratio %.3f)%n",
            realCropsMiou,
            realCrops.size(),
            generated / realCropsMiou);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("segmenter_steps", agreementSteps);
    m.put("generated_miou", Math.round(generated * 10000) / 10000.0);
    m.put("real_test_miou", Math.round(real * 10000) / 10000.0);
    m.put("ratio", Math.round(generated / real * 10000) / 10000.0);
    m.put("real_test_crops_miou", Math.round(realCropsMiou * 10000) / 10000.0);
    m.put("ratio_to_real_test_crops", Math.round(generated / realCropsMiou * 10000) / 10000.0);
    m.put("generated", r.scored().get(0).toMap(names));
    m.put("real_test", r.test().toMap(names));
    m.put("real_test_crops", r.scored().get(1).toMap(names));
    m.put("generated_mean_grey", meanGreyByClass(pairs, names));
    m.put("real_test_crops_mean_grey", meanGreyByClass(realCrops, names));
    return m;
  }

  /**
   * The mean grey level (0..1) of the pixels of each class, for the classes present: whether a
   * generated phase has the brightness of the real one.
   */
  private static Map<String, Object> meanGreyByClass(
      List<LabelledMicrograph> images, List<String> names) {
    double[] sum = new double[names.size()];
    long[] count = new long[names.size()];
    for (LabelledMicrograph m : images) {
      for (int i = 0; i < m.labels().length; i++) {
        sum[m.labels()[i]] += m.grey()[i];
        count[m.labels()[i]]++;
      }
    }
    Map<String, Object> means = new LinkedHashMap<>();
    for (int c = 0; c < names.size(); c++) {
      if (count[c] > 0) {
        means.put(names.get(c), Math.round(sum[c] / count[c] * 10000) / 10000.0);
      }
    }
    return means;
  }

  /** {@code n} seeded random crops of a MetalDAM split at the model's scale and size. */
  private List<Pair> realCrops(Split split, double scale, int size, long cropSeed, int n)
      throws java.io.IOException {
    PairCrops crops = new PairCrops(MetalDam.loadDownscaled(data, split, scale), size, cropSeed);
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pairs.add(crops.next());
    }
    return pairs;
  }

  private void printRealism(String label, TwoSampleRealism.Result r) {
    out()
        .printf(
            Locale.ROOT,
            "%s: histogram TV %.4f, power spectrum %.4f decades,"
                + " held-out classifier accuracy %.3f%n",
            label,
            r.histogramDistance(),
            r.spectrumDistance(),
            r.classifierAccuracy());
  }

  /**
   * One large pair by MultiDiffusion: time, windows, QC on the whole mask, and optionally its
   * picture.
   */
  private Map<String, Object> canvas(LoadedModel loaded, FetchedModel fetched, int classes)
      throws Exception {
    PfDiffSegGenerator big =
        new PfDiffSegGenerator(
            loaded,
            generation.steer(
                new PfDiffSegGenerator.Settings(
                    sampler.spec(),
                    guidance,
                    canvasSize,
                    canvasStride,
                    MultiDiffusion.Weighting.parse(canvasWeights))));
    long s = Augmentation.sampleSeed(seed + 2, 0);
    float[] request = PfDiffSegModel.fractions("empirical", fetched, classes).sample(s);
    long t0 = System.nanoTime();
    PfDiffSegGenerator.Generated g = big.generate(new long[] {s}, new float[][] {request}).get(0);
    double sec = (System.nanoTime() - t0) / 1e9;
    QualityCheck qc = QualityCheck.of(request, g.mask(), classes, generation.maxFractionError());
    out()
        .printf(
            Locale.ROOT,
            "canvas %dx%d (%d windows of %d px per step, %s): %.1f s, fraction L1 %.4f%n",
            canvasSize,
            canvasSize,
            big.windowsPerPair(),
            big.window(),
            sampler.name(),
            sec,
            qc.l1());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("size", canvasSize);
    m.put("window", big.window());
    m.put("stride", canvasStride == 0 ? big.window() / 2 : canvasStride);
    m.put("windows_per_step", big.windowsPerPair());
    m.put("weights", canvasWeights);
    m.put("sampler", sampler.name());
    m.put("seconds", Math.round(sec * 10) / 10.0);
    m.put("fraction_l1", Math.round(qc.l1() * 10000) / 10000.0);
    if (canvasPicture != null) {
      if (canvasPicture.getParent() != null) {
        Files.createDirectories(canvasPicture.getParent());
      }
      ImageIO.write(PairGrid.render(List.of(g), canvasSize, 1, 2), "png", canvasPicture.toFile());
      out().println("canvas picture: " + canvasPicture);
      m.put("picture", canvasPicture.toString());
    }
    return m;
  }

  @Override
  protected void validate() {
    generation.validate();
    if (count < (allowSmall ? 1 : 64) || batch < 1) {
      throw new ConfigurationException("--count must be at least 64 and --batch at least 1");
    }
    for (String p : parts) {
      if (!List.of("fractions", "speed", "loss", "canvas", "realism", "agreement").contains(p)) {
        throw new ConfigurationException(
            "--parts takes fractions, speed, loss, canvas, realism and agreement, not " + p);
      }
    }
    if ((parts.contains("realism") || parts.contains("agreement"))
        && (data == null || !parts.contains("fractions"))) {
      throw new ConfigurationException(
          "--parts realism and agreement use the fractions part's empirical pairs and"
              + " real MetalDAM images: they need fractions in --parts and --data");
    }
    if (parts.contains("loss") && data == null) {
      throw new ConfigurationException("--parts loss needs --data (the metaldam folder)");
    }
    try {
      MultiDiffusion.Weighting.parse(canvasWeights);
      sampler.spec();
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
    LoadedModel loaded =
        ModelRegistry.get()
            .model(
                model.ref(),
                hadoop,
                ExecutionSettings.cpu(Runtime.getRuntime().availableProcessors()));
    guidance = generation.guidance(fetched);
    PfDiffSegGenerator generator =
        new PfDiffSegGenerator(
            loaded, generation.steer(new PfDiffSegGenerator.Settings(sampler.spec(), guidance)));

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "eval pfdiffseg");
    json.put("model", fetched.modelId());
    json.put("sampler", sampler.name());
    json.put("guidance", guidance);
    json.put("steering", generation.steering());
    json.put("steering_schedule", generation.steeringSchedule().label());
    List<PfDiffSegGenerator.Generated> firstPairs = new ArrayList<>();
    List<float[]> empiricalGreys = new ArrayList<>();
    List<LabelledMicrograph> empiricalPairs = new ArrayList<>();
    if (parts.contains("loss")) {
      double scale = ((Number) fetched.manifest().preprocessing().get("scale")).doubleValue();
      NoiseSchedule schedule =
          NoiseSchedule.parse(
              String.valueOf(fetched.manifest().arguments().get("schedule")),
              ((Number) fetched.manifest().arguments().get("timesteps")).intValue());
      DenoisingLossProbe.Result probe =
          DenoisingLossProbe.measure(
              loaded,
              schedule,
              MetalDam.loadDownscaled(data, Split.VALIDATION, scale),
              generator.size(),
              10,
              count,
              batch,
              seed);
      for (DenoisingLossProbe.Bucket b : probe.buckets()) {
        out()
            .printf(
                Locale.ROOT,
                "t %4d-%4d: image eps MSE %.4f (structure-free %.4f), mask %.4f, image share %.3f%n",
                b.fromT(),
                b.toT(),
                b.imageMse(),
                b.imageGaussianMse(),
                b.maskMse(),
                b.imageShare());
      }
      json.put("denoising_loss", probe.toMap());
    }
    for (String strategy :
        parts.contains("fractions") ? List.of("empirical", "dirichlet") : List.<String>of()) {
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
          if (strategy.equals("empirical")) {
            empiricalGreys.add(pairs.get(i).grey());
            empiricalPairs.add(
                new LabelledMicrograph(
                    -1 - empiricalPairs.size(),
                    generator.size(),
                    generator.size(),
                    pairs.get(i).grey(),
                    pairs.get(i).mask()));
          }
        }
        if (strategy.equals("empirical") && firstPairs.size() < 16) {
          firstPairs.addAll(pairs.subList(0, Math.min(n, 16 - firstPairs.size())));
        }
        out().printf(Locale.ROOT, "%s: %d/%d pairs%n", strategy, requested.size(), count);
      }
      FractionControl fc = FractionControl.of(requested, achieved, generation.maxFractionError());
      out()
          .printf(
              Locale.ROOT,
              "%s requests: mean L1 %.4f, QC pass %.1f %% at %.2f%n",
              strategy,
              fc.meanL1(),
              100 * fc.passRate(),
              generation.maxFractionError());
      json.put(strategy, fc.toMap(names));
    }
    double scale = ((Number) fetched.manifest().preprocessing().get("scale")).doubleValue();
    int size = generator.size();
    int n = empiricalGreys.size();
    // one seeded sequence of real test crops for realism, its picture and agreement: the same crops
    List<Pair> testCrops =
        parts.contains("realism") || parts.contains("agreement")
            ? realCrops(Split.TEST, scale, size, seed, Math.max(n, 16))
            : List.of();
    if (parts.contains("realism")) {
      List<float[]> real = testCrops.subList(0, n).stream().map(Pair::grey).toList();
      TwoSampleRealism.Result r = TwoSampleRealism.compare(real, empiricalGreys, size, seed);
      printRealism("realism against " + n + " real test crops", r);
      // The same test between two real samples: real training crops (the distribution the model
      // learned; its empirical requests are their fractions) against the same test crops.
      // MetalDAM's
      // 8 test micrographs differ from its 26 training ones in brightness and phase mix, so this
      // split shift is the floor a perfect generator of the training images would reach.
      List<float[]> train =
          realCrops(Split.TRAIN, scale, size, seed + 1, n).stream().map(Pair::grey).toList();
      TwoSampleRealism.Result floor = TwoSampleRealism.compare(real, train, size, seed);
      printRealism("reference, " + n + " real training crops against the same test crops", floor);
      Map<String, Object> realism = new LinkedHashMap<>(r.toMap());
      Map<String, Object> reference = new LinkedHashMap<>(floor.toMap());
      reference.put("train_crops", reference.remove("generated"));
      realism.put("train_crops_against_test_crops", reference);
      json.put("realism", realism);
      if (realGrid != null) {
        List<PfDiffSegGenerator.Generated> shown = new ArrayList<>();
        for (Pair p : testCrops.subList(0, 16)) {
          shown.add(new PfDiffSegGenerator.Generated(p.grey(), p.labels(), p.fractions()));
        }
        if (realGrid.getParent() != null) {
          Files.createDirectories(realGrid.getParent());
        }
        ImageIO.write(PairGrid.render(shown, size, 4, 3), "png", realGrid.toFile());
        out()
            .println(
                "real crops picture (MetalDAM test split: keep it out of the repository): "
                    + realGrid);
      }
    }
    if (parts.contains("agreement")) {
      json.put("agreement", agreement(scale, size, empiricalPairs, testCrops, names));
    }
    Map<String, Object> speeds = new LinkedHashMap<>();
    long[] seeds = new long[batch];
    float[][] req = new float[batch][];
    FractionSampler timedRequests = PfDiffSegModel.fractions("empirical", fetched, classes);
    for (int i = 0; i < batch; i++) {
      seeds[i] = Augmentation.sampleSeed(seed + 1, i);
      req[i] = timedRequests.sample(seeds[i]);
    }
    for (String s : parts.contains("speed") ? speed : List.<String>of()) {
      PfDiffSegGenerator timed =
          new PfDiffSegGenerator(
              loaded,
              generation.steer(new PfDiffSegGenerator.Settings(SamplerSpec.parse(s), guidance)));
      long t0 = System.nanoTime();
      timed.generate(seeds, req);
      double sec = (System.nanoTime() - t0) / 1e9;
      out()
          .printf(
              Locale.ROOT, "%s: %.3f samples/s (batch %d, %.1f s)%n", s, batch / sec, batch, sec);
      speeds.put(s, Math.round(batch / sec * 10000) / 10000.0);
    }
    if (!speeds.isEmpty()) {
      json.put("samples_per_second", speeds);
    }
    if (parts.contains("canvas")) {
      json.put("canvas", canvas(loaded, fetched, classes));
    }
    json.put("speed_batch", batch);
    json.put("threads", Runtime.getRuntime().availableProcessors());
    if (grid != null && !firstPairs.isEmpty()) {
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
