package com.synthscope.udfs.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code synthscope-model.json} of a model artifact: what the model is, how to run it, what it
 * expects, how it was made and how well it did. See DESIGN.md, "Model artifacts".
 *
 * @param schema manifest schema version, currently 1
 * @param id stable model identifier, e.g. {@code dnf-resnet18-micrographs}
 * @param version the model's own version
 * @param kind pfdiffseg, dnf-backbone, dnf-classifier, nsnet-encoder, nsnet-head, ...
 * @param engine DJL engine name (PyTorch, OnnxRuntime)
 * @param format djl-params, torchscript or onnx
 * @param entry the weight file the engine loads
 * @param block for djl-params: the class name of the {@code ai.djl.nn.BlockFactory} that builds the
 *     network
 * @param arguments arguments for the block factory (and any model-specific settings)
 * @param inputs per-sample input tensors, in call order
 * @param outputs per-sample output tensors
 * @param preprocessing the input contract for images: channels, height, width, range, mean, std,
 *     resize
 * @param files SHA-256 of every file of the artifact, by relative path
 * @param recipe how the model was trained
 * @param metrics measured quality
 */
public record ModelManifest(
    int schema,
    String id,
    String version,
    String kind,
    String engine,
    String format,
    String entry,
    String block,
    Map<String, Object> arguments,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    Map<String, Object> preprocessing,
    Map<String, String> files,
    Map<String, Object> recipe,
    Map<String, Object> metrics) {

  public static final String FILE_NAME = "synthscope-model.json";
  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  public ModelManifest {
    arguments = arguments == null ? Map.of() : arguments;
    preprocessing = preprocessing == null ? Map.of() : preprocessing;
    recipe = recipe == null ? Map.of() : recipe;
    metrics = metrics == null ? Map.of() : metrics;
    files = files == null ? Map.of() : files;
    inputs = inputs == null ? List.of() : inputs;
    outputs = outputs == null ? List.of() : outputs;
  }

  public ModelEngine engineType() {
    return ModelEngine.parse(engine);
  }

  public ModelFormat formatType() {
    return ModelFormat.parse(format);
  }

  /** The entry file's name without extension: the prefix DJL's {@code Model.load} looks for. */
  public String entryPrefix() {
    String name = Path.of(entry).getFileName().toString();
    if (formatType() == ModelFormat.DJL_PARAMS) {
      return name.replaceFirst("-\\d{4}\\.params$", "");
    }
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  /** Reads and validates the manifest of an artifact folder. */
  public static ModelManifest read(Path folder, String modelName) {
    Path file = folder.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new ModelException(
          modelName,
          "no " + FILE_NAME + " in the artifact",
          "point the model URI at the folder or .zip that contains " + FILE_NAME);
    }
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), modelName);
    } catch (IOException e) {
      throw new ModelException(
          modelName, "cannot read " + FILE_NAME + ": " + e.getMessage(), null, e);
    }
  }

  /** Parses and validates manifest JSON; every problem found is listed in one message. */
  public static ModelManifest parse(String json, String modelName) {
    ModelManifest m;
    try {
      m = GSON.fromJson(json, ModelManifest.class);
    } catch (JsonParseException | IllegalArgumentException e) {
      throw new ModelException(
          modelName,
          "malformed " + FILE_NAME + ": " + rootMessage(e),
          "fix the JSON or re-export the model with synthscope",
          e);
    }
    if (m == null) {
      throw new ModelException(modelName, FILE_NAME + " is empty", "re-export the model");
    }
    List<String> problems = m.problems();
    if (!problems.isEmpty()) {
      throw new ModelException(
          modelName,
          "malformed " + FILE_NAME + ": " + String.join("; ", problems),
          "fix the manifest or re-export the model");
    }
    return m;
  }

  private List<String> problems() {
    List<String> p = new ArrayList<>();
    if (schema != 1) {
      p.add("schema must be 1, got " + schema);
    }
    requireText(p, "id", id);
    requireText(p, "kind", kind);
    requireText(p, "entry", entry);
    try {
      ModelEngine e = ModelEngine.parse(String.valueOf(engine));
      ModelFormat f = ModelFormat.parse(String.valueOf(format));
      if (f.engine() != e) {
        p.add("format " + f + " runs on " + f.engine() + ", but engine says " + e);
      }
      if (f == ModelFormat.DJL_PARAMS && (block == null || block.isBlank())) {
        p.add("format djl-params needs 'block', the BlockFactory class that builds the network");
      }
    } catch (IllegalArgumentException ex) {
      p.add(ex.getMessage());
    }
    if (inputs.isEmpty()) {
      p.add("'inputs' must list at least one tensor");
    }
    if (outputs.isEmpty()) {
      p.add("'outputs' must list at least one tensor");
    }
    if (entry != null && !files.containsKey(entry)) {
      p.add("'files' must give the sha256 of the entry file " + entry);
    }
    files.forEach(
        (name, sha) -> {
          if (sha == null || !sha.matches("[0-9a-f]{64}")) {
            p.add("sha256 of " + name + " is not 64 lower-case hex digits");
          }
          if (name.contains("..") || name.startsWith("/")) {
            p.add("file name " + name + " must be relative and inside the artifact");
          }
        });
    return p;
  }

  private static void requireText(List<String> problems, String field, String value) {
    if (value == null || value.isBlank()) {
      problems.add("'" + field + "' is missing");
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }

  /**
   * This manifest with {@code entries} put into its preprocessing (added or replaced), everything
   * else the same: how a calibrated copy or a stamped input contract changes an artifact.
   */
  public ModelManifest withPreprocessing(Map<String, ?> entries) {
    Map<String, Object> pre = new java.util.LinkedHashMap<>(preprocessing);
    pre.putAll(entries);
    return new ModelManifest(
        schema, id, version, kind, engine, format, entry, block, arguments, inputs, outputs, pre,
        files, recipe, metrics);
  }

  public String toJson() {
    return GSON.toJson(this);
  }
}
