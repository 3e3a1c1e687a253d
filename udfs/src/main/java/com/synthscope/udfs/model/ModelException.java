package com.synthscope.udfs.model;

/**
 * A model cannot be used: unreachable, corrupt, mismatched, or incompatible with its caller.
 *
 * <p>The message always names the model and says what to fix, because it is what the user reads
 * when the driver refuses to start a job.
 */
public class ModelException extends RuntimeException {

  public ModelException(String model, String problem, String fix) {
    super(format(model, problem, fix));
  }

  public ModelException(String model, String problem, String fix, Throwable cause) {
    super(format(model, problem, fix), cause);
  }

  private static String format(String model, String problem, String fix) {
    return "model "
        + model
        + ": "
        + problem
        + (fix == null || fix.isBlank() ? "" : " (" + fix + ")");
  }
}
