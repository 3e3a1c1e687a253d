package com.synthscope.udfs.model;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The default models trained by this project and shipped inside the job jar, addressed as {@code
 * embedded:<name>}. Every executor reads them from its own classpath, so they need no shared
 * filesystem.
 */
public final class EmbeddedModels {

  public static final String SCHEME = "embedded";
  private static final String ROOT = "/synthscope/models/";

  private EmbeddedModels() {}

  /** The default PF-DiffSeg model (MetalDAM). */
  public static ModelRef pfDiffSeg() {
    return embedded("pfdiffseg", "pfdiffseg");
  }

  /** The default DNF diffusion backbone (unconditional, MetalDAM). */
  public static ModelRef dnfBackbone() {
    return embedded("dnf-backbone", "dnf-backbone");
  }

  /** The default DNF classifier, trained on features of {@link #dnfBackbone()}. */
  public static ModelRef dnfClassifier() {
    return embedded("dnf-classifier", "dnf-classifier");
  }

  /** The default NS-Net encoder (the DNF backbone's downsampling path; not CLIP). */
  public static ModelRef nsnetEncoder() {
    return embedded("nsnet-encoder", "nsnet-encoder");
  }

  /** The default NS-Net head, trained on features of {@link #nsnetEncoder()}. */
  public static ModelRef nsnetHead() {
    return embedded("nsnet-head", "nsnet-head");
  }

  /**
   * NS-Net's photo encoder: a CIFAR ResNet-20 trained on CIFAKE's real images' classes
   * (docs/photos.md).
   */
  public static ModelRef photosNsnetEncoder() {
    return embedded("photos-nsnet-encoder", "nsnet-encoder");
  }

  /**
   * NS-Net's photo head (null space of the classifier's weights), trained on {@link
   * #photosNsnetEncoder()}.
   */
  public static ModelRef photosNsnetHead() {
    return embedded("photos-nsnet-head", "nsnet-head");
  }

  /**
   * The photo pixel baseline: a {@code dnf-classifier} artifact trained on CIFAKE's RGB pixels (no
   * diffusion backbone: a DNF classifier on the photo backbone's features was trained and measured,
   * and adds too little to the fusion to ship; docs/photos.md), scored with mirror averaging.
   */
  public static ModelRef photosPixelsClassifier() {
    return embedded("photos-pixels-classifier", "dnf-classifier");
  }

  private static ModelRef embedded(String name, String kind) {
    return ModelRef.of(URI.create(SCHEME + ":" + name), null, ModelFormat.DJL_PARAMS, kind);
  }

  public static boolean isEmbedded(URI uri) {
    return SCHEME.equals(uri.getScheme());
  }

  /** Copies an embedded artifact's files (those its manifest lists) into a folder. */
  static void copy(ModelRef ref, Path into) throws IOException {
    String name = ref.uri().getSchemeSpecificPart();
    String base = ROOT + name + "/";
    String manifest;
    try (InputStream in =
        EmbeddedModels.class.getResourceAsStream(base + ModelManifest.FILE_NAME)) {
      if (in == null) {
        throw new ModelException(
            ref.displayName(),
            "is not embedded in this build",
            "train it (see README, 'Embedded models') or pass --model with an artifact URI");
      }
      manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Files.writeString(into.resolve(ModelManifest.FILE_NAME), manifest, StandardCharsets.UTF_8);
    for (String file : ModelManifest.parse(manifest, ref.displayName()).files().keySet()) {
      try (InputStream in = EmbeddedModels.class.getResourceAsStream(base + file)) {
        if (in == null) {
          throw new ModelException(
              ref.displayName(),
              "embedded file " + file + " is missing from the jar",
              "rebuild the job jar");
        }
        Path dst = into.resolve(file).normalize();
        Files.createDirectories(dst.getParent());
        Files.copy(in, dst, StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
