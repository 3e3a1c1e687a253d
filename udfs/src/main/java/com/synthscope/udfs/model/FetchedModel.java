package com.synthscope.udfs.model;

import java.nio.file.Path;

/**
 * A model artifact copied into the local cache and verified: every file matches its manifest
 * checksum, and the manifest matches the reference.
 *
 * @param ref what was asked for
 * @param folder the verified local copy
 * @param manifest the parsed manifest
 * @param manifestSha256 SHA-256 of the manifest file: the artifact's identity
 */
public record FetchedModel(
    ModelRef ref, Path folder, ModelManifest manifest, String manifestSha256) {

  /**
   * {@code id@sha256}, as recorded next to every score so results can be traced to the exact model.
   */
  public String modelId() {
    return manifest.id() + "@" + manifestSha256;
  }
}
