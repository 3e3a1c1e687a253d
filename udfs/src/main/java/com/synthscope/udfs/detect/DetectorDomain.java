package com.synthscope.udfs.detect;

import com.synthscope.udfs.model.EmbeddedModels;
import com.synthscope.udfs.model.ModelRef;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A detector family: which embedded models the detectors use when none is named, which embedded
 * fusion and operating point go with them. Both families ship in the jar; {@code --domain} selects
 * one (default {@link #MICROGRAPHS}). A model named by the user ({@code --model DETECTOR.ROLE=URI})
 * replaces the family's default for that role through the same contract (the artifact's manifest
 * says how images reach it).
 *
 * <ul>
 *   <li>{@code micrographs}: DNF (MetalDAM diffusion backbone + classifier) and NS-Net (backbone
 *       encoder + head), tiles at the contract's scale, grey; operating point: 1 % FPR on held-out
 *       real micrographs.
 *   <li>{@code photos}: the CIFAKE family (docs/photos.md), 32 px RGB whole images: in DNF's place
 *       the pixel classifier (no backbone until the RGB DNF backbone is trained), NS-Net over the
 *       CIFAR ResNet-20 encoder; operating point: the threshold of highest balanced accuracy on
 *       CIFAKE's validation split.
 * </ul>
 */
public enum DetectorDomain {
  MICROGRAPHS("micrographs", "synthscope-fusion"),
  PHOTOS("photos", "photos-fusion");

  private final String id;
  private final String fusionName;

  DetectorDomain(String id, String fusionName) {
    this.id = id;
    this.fusionName = fusionName;
  }

  /** The name on the command line and in settings. */
  public String id() {
    return id;
  }

  /** {@code micrographs} or {@code photos} (case-insensitive). */
  public static DetectorDomain parse(String s) {
    for (DetectorDomain d : values()) {
      if (d.id.equals(s.strip().toLowerCase(Locale.ROOT))) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "unknown domain '"
            + s
            + "'; choose from "
            + Arrays.stream(values()).map(DetectorDomain::id).collect(Collectors.joining(", ")));
  }

  /** The embedded fusion's name: {@code --fusion embedded:<name>}. */
  public String fusionName() {
    return fusionName;
  }

  /** Classpath location of the family's fitted fusion (and its operating point). */
  public String fusionResource() {
    return "/synthscope/models/fusion/" + fusionName + ".json";
  }

  /** DNF's classifier by default. */
  ModelRef dnfClassifier() {
    return this == PHOTOS
        ? EmbeddedModels.photosPixelsClassifier()
        : EmbeddedModels.dnfClassifier();
  }

  /**
   * DNF's backbone by default; null for photos (the pixel classifier reads no backbone features).
   */
  ModelRef dnfBackbone() {
    return this == PHOTOS ? null : EmbeddedModels.dnfBackbone();
  }

  ModelRef nsnetEncoder() {
    return this == PHOTOS ? EmbeddedModels.photosNsnetEncoder() : EmbeddedModels.nsnetEncoder();
  }

  ModelRef nsnetHead() {
    return this == PHOTOS ? EmbeddedModels.photosNsnetHead() : EmbeddedModels.nsnetHead();
  }

  /** The family's default model of a detector's role (for the factories; null: none by default). */
  public ModelRef embedded(String detector, String role) {
    return switch (detector + "." + role) {
      case "dnf.classifier" -> dnfClassifier();
      case "dnf.backbone" -> dnfBackbone();
      case "nsnet.encoder" -> nsnetEncoder();
      case "nsnet.head" -> nsnetHead();
      default -> throw new IllegalArgumentException("no model role " + detector + "." + role);
    };
  }
}
