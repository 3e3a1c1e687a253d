package com.synthscope.job;

import com.synthscope.udfs.augment.PfDiffSegGenerator;
import com.synthscope.udfs.augment.SteeringSchedule;
import com.synthscope.udfs.model.FetchedModel;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

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
          "Fraction steering strength in [0, 1]: each step moves the mask estimate toward an assignment with exactly the requested fractions, by S times the --steering-schedule's weight at that step (0: guidance alone; measured in docs/pfdiffseg.md) (default: ${DEFAULT-VALUE}).")
  float steering;

  @Option(
      names = "--steering-schedule",
      paramLabel = "constant|sqrt-abar|abar|minority-first",
      converter = SteeringScheduleConverter.class,
      description =
          "How the steering strength is spread over the steps: constant (the full S at every step: images follow their masks most closely), sqrt-abar or abar (S times sqrt(abar_t) or abar_t, the signal share of x_t: little in the first steps, so the network lays out the crop itself; more realistic crops whose images follow their masks less), minority-first (MA, precipitate and defect at the full S, matrix and austenite at sqrt(abar_t): realistic crops whose rare phases still show); docs/pfdiffseg.md (default: minority-first).")
  SteeringSchedule steeringSchedule = SteeringSchedule.DEFAULT;

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

  public SteeringSchedule steeringSchedule() {
    return steeringSchedule;
  }

  /** Checks the ranges of these options; every command that mixes them in calls it. */
  public void validate() {
    if (!(steering >= 0 && steering <= 1)) {
      throw new ConfigurationException("--steering must lie in [0, 1]");
    }
    if (guidance != null && !(guidance >= 0)) {
      throw new ConfigurationException("--guidance must be >= 0");
    }
    if (!(maxFractionError >= 0)) {
      throw new ConfigurationException("--max-fraction-error must be >= 0");
    }
  }

  /** The given generation settings with this fraction steering (strength and schedule). */
  public PfDiffSegGenerator.Settings steer(PfDiffSegGenerator.Settings settings) {
    return settings.withSteering(steering, steeringSchedule);
  }

  /** Parses {@code --steering-schedule}, naming the choices when the value is none of them. */
  static final class SteeringScheduleConverter implements ITypeConverter<SteeringSchedule> {
    @Override
    public SteeringSchedule convert(String value) {
      try {
        return SteeringSchedule.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  public float maxFractionError() {
    return maxFractionError;
  }
}
