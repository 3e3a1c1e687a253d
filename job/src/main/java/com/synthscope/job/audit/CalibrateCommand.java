package com.synthscope.job.audit;

import static org.apache.spark.sql.functions.col;

import com.synthscope.job.ConfigurationException;
import com.synthscope.job.DetectorSelection;
import com.synthscope.job.DomainOption;
import com.synthscope.job.FusionFiles;
import com.synthscope.job.JobCommand;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.job.TileScoringOptions;
import com.synthscope.job.audit.ScoreDump.Scored;
import com.synthscope.udfs.detect.Calibration;
import com.synthscope.udfs.detect.DetectorInfo;
import com.synthscope.udfs.detect.DomainCheck;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.ImageScore;
import com.synthscope.udfs.detect.LogisticFusion;
import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.DecodeResult;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.ModelFetcher;
import com.synthscope.udfs.model.ModelManifest;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.spark.HadoopConf;
import com.synthscope.udfs.spark.LabelledImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code synthscope calibrate}: fits each detector's operating point on held-out images (the
 * threshold for a target false-positive rate on the real ones, METHODS.md section 4), NS-Net's
 * domain summary, and the logistic fusion of the detectors' logits; writes calibrated copies of the
 * classifier/head artifacts and {@code synthscope-fusion.json}. With {@code --evaluate} it writes
 * nothing and reports, per generator, the rates the stored operating points give on the data (the
 * test split).
 *
 * <p>Images are scored on the driver through the detectors' own scorers (the same whole-image path
 * the audit's executors run); held-out sets are hundreds of images.
 */
@Command(
    name = "calibrate",
    mixinStandardHelpOptions = true,
    description = {
      "Fit the detectors' thresholds for a target false-positive rate on held-out real images, the",
      "domain summary and the fused score, and write calibrated artifacts; or (--evaluate) report the",
      "operating points' rates on a labelled set. Last line: one JSON object."
    })
public final class CalibrateCommand extends JobCommand {

  @Option(
      names = "--data",
      paramLabel = "URI",
      description =
          "Labelled images: folders [<split>/]<generator>/{0_real,1_fake}/ or Parquet (as for eval).")
  String data;

  @Option(
      names = "--scores",
      paramLabel = "FILE",
      description =
          "Instead of --data: per-image scores written by earlier --dump runs of the same models (repeatable; no image is scored again).")
  List<Path> scoreFiles = new ArrayList<>();

  @Option(
      names = "--split",
      paramLabel = "NAME",
      description = "Only rows of this split (rows without a split are always used).")
  String split;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Local folder for the calibrated artifacts (dnf-classifier/, nsnet-head/) and synthscope-fusion.json; required unless --evaluate.")
  Path outDir;

  @Option(
      names = "--evaluate",
      description = "Write nothing: report the stored operating points' rates per generator.")
  boolean evaluate;

  @Option(
      names = "--target-fpr",
      defaultValue = "0.01",
      paramLabel = "R",
      description =
          "False-positive rate the thresholds are fitted to under the fpr rule (default: ${DEFAULT-VALUE}).")
  double targetFpr;

  @Option(
      names = "--operating-point",
      paramLabel = "fpr|balanced",
      description =
          "How thresholds are fitted: fpr (at most --target-fpr of the held-out real images flagged) or balanced (the highest balanced accuracy on held-out real and generated images). Default: the domain's: fpr for micrographs, balanced for photos.")
  String operatingPoint;

  @Mixin DetectorSelection selection;

  @Mixin TileScoringOptions scoring;

  @Mixin DomainOption domain;

  @Option(
      names = "--fusion",
      paramLabel = "FILE|embedded:NAME",
      description =
          "With --evaluate: the fusion to evaluate (default: the domain's embedded one when it fits the models).")
  String fusion;

  @Option(
      names = "--dump",
      paramLabel = "FILE",
      description =
          "Also write every image's scores as CSV (id, generator, label, detector, p, logit, tiles, tile probabilities).")
  Path dump;

  private List<ImageDetector> detectors;

  @Override
  protected void validate() {
    if ((data == null) == scoreFiles.isEmpty()) {
      throw new ConfigurationException(
          "give either --data (images to score) or --scores (earlier --dump files)");
    }
    if (!evaluate && outDir == null) {
      throw new ConfigurationException("--out is required unless --evaluate");
    }
    if (!(targetFpr >= 0 && targetFpr < 1)) {
      throw new ConfigurationException("--target-fpr must lie in [0, 1)");
    }
    if (operatingPoint != null
        && !operatingPoint.equals("fpr")
        && !operatingPoint.equals("balanced")) {
      throw new ConfigurationException(
          "--operating-point must be fpr or balanced, got " + operatingPoint);
    }
    detectors = scoring.apply(selection.select(domain.registry()));
  }

  /**
   * The rule thresholds are fitted by: the target FPR for micrographs (an archive audit is mostly
   * real images, a false alarm costs a reviewer's time), the highest balanced accuracy for photos
   * (benchmarked on balanced sets).
   */
  String rule() {
    String r =
        operatingPoint != null
            ? operatingPoint
            : domain.domain() == com.synthscope.udfs.detect.DetectorDomain.PHOTOS
                ? "balanced"
                : "fpr";
    return r.equals("balanced") ? "balanced" : "fpr:" + targetFpr;
  }

  @Override
  protected int run(SparkSession session) throws Exception {
    var conf = HadoopConf.of(session).get();
    Map<String, DetectorInfo> infos = new LinkedHashMap<>();
    for (ImageDetector d : detectors) {
      infos.put(d.name(), d.describe(conf));
      out().printf("%-6s %s%n", d.name(), infos.get(d.name()).models());
    }
    List<String> names = detectors.stream().map(ImageDetector::name).toList();
    Map<String, String> modelIds = new LinkedHashMap<>();
    infos.forEach((k, v) -> modelIds.put(k, v.models()));
    long t0 = System.nanoTime();
    List<float[]> features = new ArrayList<>();
    List<Scored> scored;
    if (scoreFiles.isEmpty()) {
      var rows = LabelledImages.read(session, data);
      if (split != null) {
        rows = rows.filter(col("split").isNull().or(col("split").equalTo(split)));
      }
      List<Row> collected =
          rows.filter(col("label").isNotNull())
              .select("id", LabelledImages.CONTENT, "label", "generator")
              .orderBy("id")
              .collectAsList();
      scored = score(collected, conf, features);
    } else {
      scored = readScores(names, modelIds);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    out()
        .printf(
            "%s %d images (%d real) in %.1f s%n",
            scoreFiles.isEmpty() ? "scored" : "read the scores of",
            scored.size(),
            scored.stream().filter(s -> s.label() == 0).count(),
            seconds);
    if (dump != null) {
      ScoreDump.write(dump, names, modelIds, scored);
    }
    // Evaluating a set of generated images alone is fine (true-positive rates, no false-positive
    // rate); fitting a threshold is not.
    if (!evaluate && scored.stream().noneMatch(s -> s.label() == 0)) {
      throw new ConfigurationException(
          source() + " has no decodable real images (0_real): nothing to calibrate on");
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "calibrate");
    json.put("data", source());
    if (evaluate) {
      json.put("evaluation", evaluateStored(session, scored, infos));
    } else {
      json.put("calibrated", calibrate(scored, infos, features, conf));
    }
    if (scoreFiles.isEmpty()) {
      json.put("images_per_second", Math.round(scored.size() / seconds * 100) / 100.0);
    }
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }

  private List<Scored> score(
      List<Row> rows, org.apache.hadoop.conf.Configuration conf, List<float[]> features) {
    ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
    List<ImageDetector.Scorer> scorers = new ArrayList<>();
    for (ImageDetector d : detectors) {
      scorers.add(
          d.open(
              conf,
              ExecutionSettings.cpu(Math.max(1, Runtime.getRuntime().availableProcessors()))));
    }
    List<Scored> out = new ArrayList<>();
    int batch = 8;
    for (int from = 0; from < rows.size(); from += batch) {
      List<Row> chunk = rows.subList(from, Math.min(rows.size(), from + batch));
      List<BufferedImage> images = new ArrayList<>();
      List<Row> kept = new ArrayList<>();
      for (Row r : chunk) {
        if (decoder.decode((byte[]) r.get(1)) instanceof DecodeResult.Decoded d) {
          images.add(d.image());
          kept.add(r);
        }
      }
      if (images.isEmpty()) {
        continue;
      }
      List<List<ImageScore>> per = new ArrayList<>();
      for (ImageDetector.Scorer s : scorers) {
        per.add(
            s instanceof NsNetDetector.SpecimenScorer ns
                ? ns.scoreWithFeatures(images, features)
                : s.scoreImages(images));
      }
      for (int i = 0; i < images.size(); i++) {
        List<ImageScore> own = new ArrayList<>();
        for (List<ImageScore> p : per) {
          own.add(p.get(i));
        }
        Row r = kept.get(i);
        out.add(new Scored(r.getString(0), r.getString(3), r.getInt(2), own));
      }
    }
    return out;
  }

  private Map<String, Object> calibrate(
      List<Scored> scored,
      Map<String, DetectorInfo> infos,
      List<float[]> features,
      org.apache.hadoop.conf.Configuration conf)
      throws IOException {
    Files.createDirectories(outDir);
    Map<String, Object> json = new LinkedHashMap<>();
    Map<String, String> newIds = new LinkedHashMap<>();
    int[] labels = scored.stream().mapToInt(Scored::label).toArray();
    double[][] logits = new double[detectors.size()][];
    for (int k = 0; k < detectors.size(); k++) {
      ImageDetector d = detectors.get(k);
      int kk = k;
      double[] p = scored.stream().mapToDouble(s -> s.scores().get(kk).probability()).toArray();
      logits[k] = scored.stream().mapToDouble(s -> s.scores().get(kk).logit()).toArray();
      Calibration c =
          Calibration.fit(rule(), select(p, labels, 0), select(p, labels, 1), provenance());
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put(Calibration.KEY, c.toMap());
      if (d.name().equals("nsnet") && !features.isEmpty()) {
        extra.put(DomainCheck.KEY, DomainCheck.fit(features).toMap());
      }
      String role = d.name().equals("dnf") ? "classifier" : "head";
      ModelRef ref =
          domain
              .registry()
              .ref(
                  d.name(),
                  role,
                  com.synthscope.udfs.detect.DetectorCatalog.byDetector(
                          selection.models(), "--model")
                      .getOrDefault(d.name(), Map.of()));
      Path folder = outDir.resolve(d.name().equals("dnf") ? "dnf-classifier" : "nsnet-head");
      String id = writeCalibrated(ModelPreflight.check(ref, conf, null), folder, extra);
      String old = infos.get(d.name()).models();
      String rest = old.contains("+") ? old.substring(old.indexOf('+')) : "";
      newIds.put(d.name(), id + rest);
      out().printf("%-6s %s: %s -> %s%n", d.name(), role, c.describe(), folder);
      Map<String, Object> one = new LinkedHashMap<>(c.toMap());
      one.put("artifact", folder.toString());
      one.put("models", id + rest);
      json.put(d.name(), one);
    }
    if (detectors.size() > 1) {
      LogisticFusion f =
          LogisticFusion.fit(
              detectors.stream().map(ImageDetector::name).toList(),
              logits,
              labels,
              newIds,
              rule(),
              provenance());
      Path file = outDir.resolve(LogisticFusion.FILE_NAME);
      Files.writeString(file, f.toJson(), StandardCharsets.UTF_8);
      out().printf("fused  %s: %s -> %s%n", f.describe(), f.calibration().describe(), file);
      Map<String, Object> one = new LinkedHashMap<>(f.calibration().toMap());
      one.put("rule", f.describe());
      json.put("fused", one);
    }
    return json;
  }

  /**
   * Copies a fetched artifact into {@code folder} with {@code extra} merged into its preprocessing.
   */
  static String writeCalibrated(
      com.synthscope.udfs.model.FetchedModel m, Path folder, Map<String, Object> extra)
      throws IOException {
    Files.createDirectories(folder);
    for (String file : m.manifest().files().keySet()) {
      Path dst = folder.resolve(file);
      Files.createDirectories(dst.getParent());
      Files.copy(m.folder().resolve(file), dst, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    ModelManifest x = m.manifest();
    ModelManifest n = x.withPreprocessing(extra);
    String json = n.toJson();
    ModelManifest.parse(json, x.id());
    Path file = folder.resolve(ModelManifest.FILE_NAME);
    Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
    return x.id() + "@" + ModelFetcher.sha256(file);
  }

  private Map<String, Object> evaluateStored(
      SparkSession session, List<Scored> scored, Map<String, DetectorInfo> infos)
      throws IOException {
    LogisticFusion f = null;
    if (detectors.size() > 1) {
      LogisticFusion candidate =
          fusion == null ? LogisticFusion.embedded(domain.domain()) : FusionFiles.load(fusion);
      if (candidate != null) {
        Map<String, String> ids = new LinkedHashMap<>();
        infos.forEach((k, v) -> ids.put(k, v.models()));
        f = candidate.fits(ids) ? candidate : null;
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    List<String> names = detectors.stream().map(ImageDetector::name).toList();
    List<String> columns = new ArrayList<>(names);
    columns.add("fused");
    TreeSet<String> generators = new TreeSet<>();
    scored.forEach(s -> generators.add(s.generator()));
    out()
        .printf(
            "%-8s %-28s %6s %6s %8s %8s %8s %9s%n",
            "score", "subset", "real", "fake", "FPR", "TPR", "AUC", "threshold");
    for (String c : columns) {
      double threshold;
      double[] p;
      if (c.equals("fused")) {
        LogisticFusion ff = f;
        if (ff == null) {
          continue;
        }
        threshold = ff.calibration().threshold();
        p =
            scored.stream()
                .mapToDouble(
                    s -> {
                      Map<String, Double> l = new LinkedHashMap<>();
                      for (int k = 0; k < names.size(); k++) {
                        l.put(names.get(k), s.scores().get(k).logit());
                      }
                      return ff.fuse(l);
                    })
                .toArray();
      } else {
        int k = names.indexOf(c);
        Calibration cal = infos.get(c).calibration();
        threshold = cal == null ? 0.5 : cal.threshold();
        p = scored.stream().mapToDouble(s -> s.scores().get(k).probability()).toArray();
      }
      Map<String, Object> perColumn = new LinkedHashMap<>();
      List<String> subsets = new ArrayList<>(generators);
      subsets.add("all");
      for (String g : subsets) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
          if (g.equals("all") || scored.get(i).generator().equals(g)) {
            idx.add(i);
          }
        }
        double[] sp = idx.stream().mapToDouble(i -> p[i]).toArray();
        int[] sl = idx.stream().mapToInt(i -> scored.get(i).label()).toArray();
        double fpr = Calibration.rate(select(sp, sl, 0), threshold);
        double tpr = Calibration.rate(select(sp, sl, 1), threshold);
        double auc = auc(sp, sl);
        int real = select(sp, sl, 0).length;
        int fake = sp.length - real;
        out()
            .printf(
                Locale.ROOT,
                "%-8s %-28s %6d %6d %8.4f %8.4f %8.4f %9.4f%n",
                c,
                g,
                real,
                fake,
                fpr,
                tpr,
                auc,
                threshold);
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("real", real);
        one.put("fake", fake);
        one.put("fpr", nan(fpr));
        one.put("tpr", nan(tpr));
        one.put("auc", nan(auc));
        one.put("threshold", threshold);
        perColumn.put(g, one);
      }
      json.put(c, perColumn);
    }
    return json;
  }

  /**
   * The scores of earlier {@code --dump} runs. Scores from other models than the ones being
   * calibrated would give thresholds that hold for nothing: refused when the dump names its models,
   * a warning when it predates that.
   */
  private List<Scored> readScores(List<String> names, Map<String, String> modelIds)
      throws IOException {
    ScoreDump.Contents c = ScoreDump.read(scoreFiles, names);
    for (String d : names) {
      java.util.Set<String> dumped = c.models().get(d);
      if (dumped.isEmpty()) {
        out()
            .printf(
                "WARNING %s: the dump does not name its models (written before the model column); the scores"
                    + " are taken as those of %s%n",
                d, modelIds.get(d));
      }
      for (String id : dumped) {
        if (!ScoreDump.names(id).equals(ScoreDump.names(modelIds.get(d)))) {
          throw new ConfigurationException(
              "--scores: the "
                  + d
                  + " scores come from "
                  + id
                  + ", not from "
                  + modelIds.get(d)
                  + " (pass the same --model as the run that wrote them)");
        } else if (!id.equals(modelIds.get(d))) {
          // calibrate's own output: the same weights under a manifest that now holds an operating
          // point
          out()
              .printf(
                  "WARNING %s: the dump's models %s differ from %s only in their manifests (a calibrated"
                      + " copy scores the same); if their weights differ, these figures are wrong%n",
                  d, id, modelIds.get(d));
        }
      }
    }
    if (!evaluate) {
      out()
          .println(
              "domain summary: kept from the source artifacts (it needs the images' features, which a dump"
                  + " does not hold)");
    }
    return c.images();
  }

  private String source() {
    return data != null
        ? data
        : scoreFiles.stream()
            .map(Path::toString)
            .collect(java.util.stream.Collectors.joining(" + "));
  }

  /** The data and the scoring options the operating points hold for. */
  private String provenance() {
    return source() + (split == null ? "" : " (" + split + ")") + "; " + scoring.describe();
  }

  private static Object nan(double v) {
    return Double.isNaN(v) ? null : Math.round(v * 10000) / 10000.0;
  }

  static double[] select(double[] p, int[] labels, int label) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < p.length; i++) {
      if (labels[i] == label) {
        out.add(p[i]);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Area under the ROC curve (ties count half); NaN without both classes. */
  static double auc(double[] p, int[] labels) {
    double[] r = select(p, labels, 0);
    double[] f = select(p, labels, 1);
    if (r.length == 0 || f.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (double a : f) {
      for (double b : r) {
        sum += a > b ? 1 : a == b ? 0.5 : 0;
      }
    }
    return sum / ((double) r.length * f.length);
  }
}
