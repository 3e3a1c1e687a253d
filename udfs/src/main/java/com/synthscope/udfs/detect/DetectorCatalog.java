package com.synthscope.udfs.detect;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The detectors a job can name: the built-in {@link DetectorRegistry}, or another catalog tests
 * hand the CLI. Model URIs come by role ({@code classifier=URI}); a role not given is the
 * detector's embedded default.
 */
public interface DetectorCatalog {

  /** The names, in the order they are listed. */
  List<String> names();

  /**
   * A detector by name.
   *
   * @param models model URIs by role (e.g. {@code classifier}, {@code backbone-format}); a role not
   *     given: its embedded default
   * @throws IllegalArgumentException for an unknown name or role, or an unusable URI (the message
   *     says which)
   */
  ImageDetector create(String name, Map<String, String> models);

  /** {@code dnf} and {@code nsnet}. */
  static DetectorCatalog builtin() {
    return DetectorRegistry.builtin();
  }

  /**
   * The detectors named, each once, in order; {@code DETECTOR.ROLE=URI} model settings go to their
   * detector.
   *
   * @param option how the caller names the models setting in messages ({@code --model}, {@code
   *     spark.synthscope.model.})
   * @throws IllegalArgumentException naming what is wrong
   */
  default List<ImageDetector> select(
      List<String> names, Map<String, String> models, String option) {
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (String n : names) {
      String name = n.strip().toLowerCase(Locale.ROOT);
      if (!name.isEmpty()) {
        unique.add(name);
      }
    }
    if (unique.isEmpty()) {
      throw new IllegalArgumentException(
          "--detectors names no detector; choose from " + String.join(", ", names()));
    }
    for (String name : unique) {
      if (!names().contains(name)) {
        throw new IllegalArgumentException(
            "unknown detector '" + name + "'; choose from " + String.join(", ", names()));
      }
    }
    Map<String, Map<String, String>> byDetector = byDetector(models, option);
    for (String d : byDetector.keySet()) {
      if (!unique.contains(d)) {
        throw new IllegalArgumentException(
            option + " " + d + ".* given but " + d + " is not among --detectors");
      }
    }
    List<ImageDetector> out = new ArrayList<>();
    for (String name : unique) {
      out.add(create(name, byDetector.getOrDefault(name, Map.of())));
    }
    return out;
  }

  /** {@code DETECTOR.ROLE=URI} settings grouped by detector: {@code {dnf: {classifier: URI}}}. */
  static Map<String, Map<String, String>> byDetector(Map<String, String> models, String option) {
    Map<String, Map<String, String>> byDetector = new LinkedHashMap<>();
    models.forEach(
        (key, uri) -> {
          int dot = key.indexOf('.');
          if (dot <= 0 || dot == key.length() - 1) {
            throw new IllegalArgumentException(
                option
                    + " "
                    + key
                    + "="
                    + uri
                    + ": write DETECTOR.ROLE=URI, e.g."
                    + " dnf.classifier=URI");
          }
          byDetector
              .computeIfAbsent(key.substring(0, dot), x -> new LinkedHashMap<>())
              .put(key.substring(dot + 1), uri);
        });
    return byDetector;
  }
}
