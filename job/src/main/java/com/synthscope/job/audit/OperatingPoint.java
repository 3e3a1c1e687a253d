package com.synthscope.job.audit;

import com.synthscope.udfs.detect.Calibration;
import com.synthscope.udfs.detect.DetectorInfo;
import com.synthscope.udfs.detect.LogisticFusion;
import com.synthscope.udfs.detect.ScoreFusion;
import java.util.Locale;
import java.util.Map;

/**
 * The audit's threshold and fused score: {@code --threshold} when given; else, with several
 * detectors, the fitted fusion's calibrated threshold when the fusion was fitted on exactly the
 * run's models; with one detector, its artifact's calibrated threshold; else 0.5 on the mean of the
 * probabilities (uncalibrated).
 *
 * @param fusion null: the mean of the probabilities
 * @param calibration where the threshold came from; null for {@code --threshold} or uncalibrated
 */
record OperatingPoint(
    double threshold, LogisticFusion fusion, Calibration calibration, boolean given) {

  static final double UNCALIBRATED = 0.5;

  static OperatingPoint choose(
      Double threshold,
      Map<String, DetectorInfo> infos,
      Map<String, String> models,
      LogisticFusion fusion) {
    LogisticFusion f = infos.size() > 1 ? LogisticFusion.choose(fusion, models) : null;
    Calibration c = null;
    if (f != null) {
      c = f.calibration();
    } else if (infos.size() == 1) {
      c = infos.values().iterator().next().calibration();
    }
    if (threshold != null) {
      return new OperatingPoint(threshold, f, c, true);
    }
    return new OperatingPoint(c == null ? UNCALIBRATED : c.threshold(), f, c, false);
  }

  boolean uncalibrated() {
    return !given && calibration == null;
  }

  String fusionRule() {
    return fusion == null ? ScoreFusion.RULE : fusion.describe();
  }

  /** The operating point in one line, for the console, summary and report. */
  String describe() {
    String t = String.format(Locale.ROOT, "flagged = score >= %.4f", threshold);
    if (given) {
      return t
          + " (--threshold)"
          + (calibration == null ? "" : "; calibrated would be " + calibration.describe());
    }
    if (calibration == null) {
      return t + " (uncalibrated default)";
    }
    return t + " (calibrated: " + calibration.describe() + ")";
  }
}
