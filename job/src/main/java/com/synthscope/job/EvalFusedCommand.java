package com.synthscope.job;

import com.synthscope.udfs.detect.ScoreFusion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code synthscope eval fused}: the fused detector's metrics from the per-image scores of single detectors
 * ({@code eval dnf|nsnet --scores FILE}), fused as the audit fuses them ({@value ScoreFusion#RULE}).
 */
@Command(name = "fused", mixinStandardHelpOptions = true,
    description = {"Fuse the per-image scores of several 'eval dnf|nsnet --scores FILE' runs on the same images as the",
        "audit does (mean of the detector probabilities) and print accuracy, AP, AUROC, real and fake accuracy per",
        "subset (and per group where the files have one). Last line: one JSON object."})
public final class EvalFusedCommand extends CommandBase {

  @Option(names = "--scores", required = true, paramLabel = "FILE", description = "A scores file of one detector (repeat, two or more).")
  List<Path> files;

  @Override
  protected void validate() {
    if (files.size() < 2) {
      throw new ConfigurationException("give --scores at least twice: fusion needs two detectors");
    }
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
      fused.add(new DetectorEvaluation.Scored(first.id(), first.generator(), first.label(), ScoreFusion.fuse(p),
          first.group()));
    }
    out().printf("fused (%s) over %d images of %s; %d images lack a score of some detector%n", ScoreFusion.RULE,
        fused.size(), files, missing);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "eval fused");
    json.put("rule", ScoreFusion.RULE);
    json.put("scores", files.stream().map(Path::toString).toList());
    json.put("subsets", DetectorEvaluation.report(out(), DetectorEvaluation.bySubset(fused)));
    if (fused.stream().anyMatch(s -> s.group() != null)) {
      out().println("by group:");
      json.put("by_group", DetectorEvaluation.report(out(), DetectorEvaluation.byGroup(fused)));
    }
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }
}
