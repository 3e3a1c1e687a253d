package com.synthscope.job.train;

import com.synthscope.udfs.detect.DetectorContract;
import com.synthscope.udfs.model.ModelManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a detector's input contract (and other scoring choices) into the manifest of an artifact a
 * training command just made.
 */
final class ArtifactContract {

  private ArtifactContract() {}

  static void stamp(Path artifact, DetectorContract contract) throws IOException {
    stamp(artifact, Map.of(DetectorContract.KEY, contract.toMap()));
  }

  /** Adds (or replaces) these keys of the manifest's {@code preprocessing}. */
  static void stamp(Path artifact, Map<String, ?> preprocessing) throws IOException {
    ModelManifest x = ModelManifest.read(artifact, artifact.toString());
    ModelManifest n = x.withPreprocessing(preprocessing);
    String json = n.toJson();
    ModelManifest.parse(json, x.id());
    Files.writeString(
        artifact.resolve(ModelManifest.FILE_NAME), json + "\n", StandardCharsets.UTF_8);
  }
}
