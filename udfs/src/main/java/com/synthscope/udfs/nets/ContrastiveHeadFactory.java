package com.synthscope.udfs.nets;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds a {@link ContrastiveHead} from manifest arguments {@code {"dimension": d, "hidden": h}}.
 */
public final class ContrastiveHeadFactory implements BlockFactory {

  private static final long serialVersionUID = 1L;

  @Override
  public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
    Object d = arguments == null ? null : arguments.get("dimension");
    Object h = arguments == null ? null : arguments.get("hidden");
    if (!(d instanceof Number dn) || !(h instanceof Number hn)) {
      throw new IllegalArgumentException(
          "head arguments need numbers 'dimension' and 'hidden', got " + arguments);
    }
    return new ContrastiveHead(dn.intValue(), hn.intValue());
  }
}
