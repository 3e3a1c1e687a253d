package com.synthscope.job.eval;

import com.synthscope.job.CommandBase;
import com.synthscope.job.ConfigurationException;
import com.synthscope.job.FusionFiles;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.udfs.detect.LogisticFusion;
import com.synthscope.udfs.detect.ScoreFusion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code synthscope eval fused}: the fused detector's metrics from the per-image scores of single
 * detectors ({@code eval dnf|nsnet --scores FILE}), fused as the audit fuses them: by a fitted
 * logistic fusion ({@code --fusion}, from {@code synthscope calibrate}) over the detectors' logits,
 * else {@value ScoreFusion#RULE}.
 */
@Command(
    name = "fused",
    mixinStandardHelpOptions = true,
    description = {
      "Fuse the per-image scores of several 'eval dnf|nsnet --scores FILE' runs on the same images as the",
      "audit does (mean of the detector probabilities) and print accuracy, AP, AUROC, real and fake accuracy per",
      "subset (and per group where the files have one); with --fusion, by a fitted logistic fusion of their",
      "logits instead. Last line: one JSON object."
    })
public final class EvalFusedCommand extends CommandBase {

  @Option(
      names = "--scores",
      required = true,
      paramLabel = "FILE",
      description =
          "A scores file of one detector (repeat, two or more; one alone with --threshold re-thresholds that detector).")
  List<Path> files;

  @Option(
      names = "--fusion",
      paramLabel = "FILE|embedded:NAME",
      description =
          "A fitted fusion (synthscope-fusion.json from 'synthscope calibrate', or embedded:photos-fusion / embedded:synthscope-fusion); the --scores files are taken in its detectors' order. Default: the mean of the probabilities.")
  String fusion;

  @Option(
      names = "--threshold",
      paramLabel = "P|calibrated",
      description =
          "Accuracy at fused score >= P, or at the fusion's calibrated threshold (calibrated). Default: 0.5.")
  String threshold;

  private LogisticFusion fitted;
  private double at = 0.5;

  @Override
  protected void validate() {
    if (files.size() < 2 && (threshold == null || fusion != null)) {
      throw new ConfigurationException(
          "give --scores at least twice: fusion needs two detectors (one file only"
              + " with --threshold: that detector's metrics at another threshold)");
    }
    if (fusion != null) {
      fitted = FusionFiles.load(fusion);
      if (fitted.weights().size() != files.size()) {
        throw new ConfigurationException(
            "--fusion "
                + fusion
                + " fuses "
                + fitted.weights().keySet()
                + ": give "
                + fitted.weights().size()
                + " --scores files, in that order");
      }
    }
    if ("calibrated".equals(threshold)) {
      at = fitted == null ? 0.5 : fitted.calibration().threshold();
    } else if (threshold != null) {
      try {
        at = Double.parseDouble(threshold);
      } catch (NumberFormatException e) {
        at = Double.NaN;
      }
      if (!(at >= 0 && at <= 1)) {
        throw new ConfigurationException(
            "--threshold must be a probability in [0, 1] or 'calibrated'");
      }
    }
  }

  /**
   * The probability's logit, from a scores file (clamped where the probability was rounded to 0 or
   * 1).
   */
  static double logit(double p) {
    double q = Math.min(1 - 1e-15, Math.max(1e-15, p));
    return Math.log(q / (1 - q));
  }

  @Override
  protected int execute() throws Exception {
    List<Map<String, DetectorEvaluation.Scored>> detectors = new ArrayList<>();
    for (Path f : files) {
      Map<String, DetectorEvaluation.Scored> byId = new LinkedHashMap<>();
      for (DetectorEvaluation.Scored s : DetectorEvaluation.readScores(f)) {
        byId.put(s.id(), s);
      }
      detectors.add(byId);
    }
    List<DetectorEvaluation.Scored> fused = new ArrayList<>();
    int missing = 0;
    for (DetectorEvaluation.Scored first : detectors.get(0).values()) {
      Double[] p = new Double[detectors.size()];
      boolean all = true;
      for (int d = 0; d < p.length; d++) {
        DetectorEvaluation.Scored s = detectors.get(d).get(first.id());
        all &= s != null;
        p[d] = s == null ? null : s.score();
      }
      missing += all ? 0 : 1;
      Double score;
      if (fitted == null) {
        score = ScoreFusion.fuse(p);
      } else {
        Map<String, Double> logits = new LinkedHashMap<>();
        List<String> names = List.copyOf(fitted.weights().keySet());
        for (int d = 0; d < p.length; d++) {
          logits.put(names.get(d), p[d] == null ? null : logit(p[d]));
        }
        score = fitted.fuse(logits);
      }
      fused.add(
          new DetectorEvaluation.Scored(
              first.id(),
              first.generator(),
              first.label(),
              score == null ? Double.NaN : score,
              first.group()));
    }
    String rule = fitted == null ? ScoreFusion.RULE : fitted.describe();
    out()
        .printf(
            "fused (%s) over %d images of %s; %d images lack a score of some detector; accuracy at score >= %.4f%n",
            rule, fused.size(), files, missing, at);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "eval fused");
    json.put("rule", rule);
    json.put("threshold", at);
    json.put("scores", files.stream().map(Path::toString).toList());
    json.put("subsets", DetectorEvaluation.report(out(), DetectorEvaluation.bySubset(fused, at)));
    if (fused.stream().anyMatch(s -> s.group() != null)) {
      out().println("by group:");
      json.put("by_group", DetectorEvaluation.report(out(), DetectorEvaluation.byGroup(fused, at)));
    }
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }
}
