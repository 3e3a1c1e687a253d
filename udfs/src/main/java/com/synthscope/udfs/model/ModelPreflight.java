package com.synthscope.udfs.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;

/**
 * Checks a model on the driver before any task runs: reachable, checksums right, manifest
 * well-formed, loadable, and a dry run with the declared input shapes gives the declared output
 * shapes. A job whose model is wrong fails here, in seconds, with a message that names the model
 * and says what to fix.
 */
public final class ModelPreflight {

  private ModelPreflight() {}

  /**
   * @param expectedInputs the per-sample input shapes the calling job will feed, or null to skip
   *     that check
   * @return the verified artifact, so the driver can record the model id
   */
  public static FetchedModel check(
      ModelRef ref, Configuration hadoopConf, List<long[]> expectedInputs) {
    FetchedModel fetched = new ModelFetcher(ModelFetcher.defaultCacheRoot()).fetch(ref, hadoopConf);
    ModelManifest m = fetched.manifest();
    String name = ref.displayName();
    if (expectedInputs != null) {
      checkInputContract(name, m, expectedInputs);
    }
    try (LoadedModel model = LoadedModel.load(fetched, ExecutionSettings.cpu(1))) {
      List<Tensor> inputs = new ArrayList<>();
      for (TensorSpec spec : m.inputs()) {
        long[] sample = spec.sampleShapeForDryRun();
        long[] shape = new long[sample.length + 1];
        shape[0] = 1;
        System.arraycopy(sample, 0, shape, 1, sample.length);
        inputs.add(
            new Tensor(shape, new float[(int) Arrays.stream(sample).reduce(1, (a, b) -> a * b)]));
      }
      List<Tensor> outputs;
      try {
        outputs = model.predict(inputs);
      } catch (RuntimeException e) {
        throw new ModelException(
            name,
            "a dry run with the manifest's input shapes "
                + shapes(m.inputs())
                + " failed: "
                + e.getMessage(),
            "the manifest's 'inputs' must match what the exported graph takes",
            e);
      }
      if (outputs.size() < m.outputs().size()) {
        throw new ModelException(
            name,
            "gives " + outputs.size() + " output(s), the manifest declares " + m.outputs().size(),
            "fix the manifest's 'outputs'");
      }
      for (int i = 0; i < m.outputs().size(); i++) {
        TensorSpec spec = m.outputs().get(i);
        long[] got = outputs.get(i).sampleShape();
        if (!spec.accepts(got)) {
          throw new ModelException(
              name,
              "output "
                  + spec.name()
                  + " is "
                  + Arrays.toString(got)
                  + " per sample, the manifest declares "
                  + spec.shape(),
              "fix the manifest's 'outputs'");
        }
      }
    }
    return fetched;
  }

  private static void checkInputContract(String name, ModelManifest m, List<long[]> expected) {
    if (expected.size() != m.inputs().size()) {
      throw new ModelException(
          name,
          "takes " + m.inputs().size() + " input(s), the job feeds " + expected.size(),
          "use a model made for this command");
    }
    for (int i = 0; i < expected.size(); i++) {
      if (!m.inputs().get(i).accepts(expected.get(i))) {
        throw new ModelException(
            name,
            "incompatible input shape: input "
                + m.inputs().get(i).name()
                + " is "
                + m.inputs().get(i).shape()
                + " per sample, the job feeds "
                + Arrays.toString(expected.get(i)),
            "use a model exported for that input size, or change the job's size option");
      }
    }
  }

  private static String shapes(List<TensorSpec> specs) {
    return specs.stream().map(s -> s.name() + s.shape()).toList().toString();
  }
}
