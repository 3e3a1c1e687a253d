package com.synthscope.job.train;

import com.synthscope.udfs.detect.DetectorContract;
import com.synthscope.udfs.model.ModelManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a detector's input contract into the manifest of an artifact a training command just made.
 */
final class ArtifactContract {

  private ArtifactContract() {}

  static void stamp(Path artifact, DetectorContract contract) throws IOException {
    ModelManifest x = ModelManifest.read(artifact, artifact.toString());
    ModelManifest n = x.withPreprocessing(Map.of(DetectorContract.KEY, contract.toMap()));
    String json = n.toJson();
    ModelManifest.parse(json, x.id());
    Files.writeString(
        artifact.resolve(ModelManifest.FILE_NAME), json + "\n", StandardCharsets.UTF_8);
  }
}
