package com.synthscope.job;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.dnf.DnfDetector;
import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.model.EmbeddedModels;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelRef;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The detectors shipped with SynthScope, on their embedded models unless others are named. */
final class BuiltinDetectors implements DetectorCatalog {

  static final BuiltinDetectors INSTANCE = new BuiltinDetectors();
  static final int BATCH = 8;

  private BuiltinDetectors() {}

  @Override
  public List<String> names() {
    return List.of("dnf", "nsnet");
  }

  @Override
  public ImageDetector create(String name, Map<String, String> models) {
    return switch (name) {
      case "dnf" -> {
        roles(name, models, Set.of("classifier", "backbone"));
        yield new DnfDetector(
            models.containsKey("classifier") ? ref("dnf.classifier", models.get("classifier"))
                : EmbeddedModels.dnfClassifier(),
            models.containsKey("backbone") ? ref("dnf.backbone", models.get("backbone"))
                : EmbeddedModels.dnfBackbone(), BATCH);
      }
      case "nsnet" -> {
        roles(name, models, Set.of("encoder", "encoder-format", "head"));
        ModelFormat encoderFormat = ModelOptions.format("--model nsnet.encoder-format",
            models.getOrDefault("encoder-format", "djl-params"));
        yield new NsNetDetector(
            models.containsKey("encoder") ? ModelOptions.ref("--model nsnet.encoder", models.get("encoder"),
                encoderFormat) : EmbeddedModels.nsnetEncoder(),
            models.containsKey("head") ? ref("nsnet.head", models.get("head")) : EmbeddedModels.nsnetHead(), BATCH);
      }
      default -> throw new ConfigurationException("unknown detector '" + name + "'; choose from "
          + String.join(", ", names()));
    };
  }

  private static void roles(String detector, Map<String, String> models, Set<String> known) {
    for (String role : models.keySet()) {
      if (!known.contains(role)) {
        throw new ConfigurationException("--model " + detector + "." + role + ": " + detector + " takes the models "
            + String.join(", ", known.stream().sorted().toList()));
      }
    }
  }

  private static ModelRef ref(String option, String uri) {
    return ModelOptions.ref("--model " + option, uri, ModelFormat.DJL_PARAMS);
  }
}
