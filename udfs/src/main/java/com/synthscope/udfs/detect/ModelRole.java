package com.synthscope.udfs.detect;

import com.synthscope.udfs.model.ModelRef;
import java.io.Serializable;
import java.util.Objects;

/**
 * One model a detector is built from: its role name (as in {@code --model dnf.classifier=URI} and
 * {@code spark.synthscope.model.dnf.classifier=URI}), the manifest kind it must have, and the
 * embedded default.
 *
 * @param name the role, e.g. {@code classifier}; {@code NAME-format} selects its weight format,
 *     {@code NAME-sha256} pins its manifest
 * @param kind the manifest kind the model must have (checked when it is fetched)
 * @param embedded the model used when none is named; null where the family has none (the role is
 *     then unused unless named, e.g. the photo family's DNF backbone: its pixel classifier reads no
 *     backbone)
 */
public record ModelRole(String name, String kind, ModelRef embedded) implements Serializable {

  public ModelRole {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    embedded = embedded == null ? null : embedded.withKind(kind);
  }

  /** The option that selects this role's weight format. */
  public String formatOption() {
    return name + "-format";
  }

  /** The option that pins this role's manifest checksum. */
  public String sha256Option() {
    return name + "-sha256";
  }
}
