package com.synthscope.udfs.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Writes the manifest of a model artifact folder whose weight files are already in place. */
public final class ArtifactWriter {

  private ArtifactWriter() {}

  /**
   * Completes an artifact: checksums every file of the folder into {@code files} and writes {@code
   * synthscope-model.json}. The manifest is validated as a reader would validate it.
   *
   * @return the manifest's own SHA-256, the artifact's identity
   */
  public static String write(
      Path folder,
      String id,
      String version,
      String kind,
      ModelFormat format,
      String entry,
      String block,
      Map<String, Object> arguments,
      List<TensorSpec> inputs,
      List<TensorSpec> outputs,
      Map<String, Object> preprocessing,
      Map<String, Object> recipe,
      Map<String, Object> metrics)
      throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
        String rel = folder.relativize(p).toString().replace('\\', '/');
        if (!rel.equals(ModelManifest.FILE_NAME)) {
          files.put(rel, ModelFetcher.sha256(p));
        }
      }
    }
    ModelManifest manifest =
        new ModelManifest(
            1,
            id,
            version,
            kind,
            format.engine().djlName(),
            format.id(),
            entry,
            block,
            arguments,
            inputs,
            outputs,
            preprocessing,
            files,
            recipe,
            metrics);
    String json = manifest.toJson();
    ModelManifest.parse(json, id); // refuse to write what no reader would accept
    Path file = folder.resolve(ModelManifest.FILE_NAME);
    Files.writeString(file, json + "\n", StandardCharsets.UTF_8);
    return ModelFetcher.sha256(file);
  }
}
