package com.synthscope.job;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.dnf.DnfDetector;
import com.synthscope.udfs.model.EmbeddedModels;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelRef;
import java.net.URI;
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
      // NsNetDetector is being written (issue #6); until it lands this build cannot score with NS-Net.
      case "nsnet" -> throw new ConfigurationException("detector 'nsnet' is not in this build yet; use --detectors dnf");
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
    try {
      return ModelRef.of(URI.create(uri), null, ModelFormat.DJL_PARAMS);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--model " + option + "=" + uri + ": " + e.getMessage(), e);
    }
  }
}
