package com.synthscope.job;

import com.synthscope.udfs.model.FetchedModel;
import picocli.CommandLine.Option;

/**
 * Guidance, fraction steering and the QC tolerance of PF-DiffSeg generation (augment, eval
 * pfdiffseg).
 */
public final class GuidanceOptions {

  @Option(
      names = "--guidance",
      paramLabel = "W",
      description =
          "Classifier-free guidance scale: 1 conditional only, 0 unconditional (default: the model's own, its manifest's preprocessing.guidance; 4 for a model that names none).")
  Float guidance;

  @Option(
      names = "--steering",
      defaultValue = "1",
      paramLabel = "S",
      description =
          "Fraction steering strength in [0, 1]: each step moves the mask estimate toward an assignment with exactly the requested fractions (0: guidance alone; measured in docs/pfdiffseg.md) (default: ${DEFAULT-VALUE}).")
  float steering;

  @Option(
      names = "--max-fraction-error",
      defaultValue = "0.05",
      paramLabel = "E",
      description =
          "QC: largest L1 distance between requested and achieved fractions (default: ${DEFAULT-VALUE}).")
  float maxFractionError;

  /** --guidance as given, null when absent. */
  public Float requestedGuidance() {
    return guidance;
  }

  /**
   * --guidance if given, else the model's own scale (see {@link PfDiffSegModel#defaultGuidance}).
   */
  public float guidance(FetchedModel model) {
    return guidance != null ? guidance : PfDiffSegModel.defaultGuidance(model);
  }

  public float steering() {
    return steering;
  }

  public float maxFractionError() {
    return maxFractionError;
  }
}
