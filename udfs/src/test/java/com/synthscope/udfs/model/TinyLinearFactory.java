package com.synthscope.udfs.model;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import ai.djl.nn.core.Linear;
import java.nio.file.Path;
import java.util.Map;

/** Builds the Block-API test network (4 -> 3 linear) that a djl-params fixture is loaded into. */
public class TinyLinearFactory implements BlockFactory {

  private static final long serialVersionUID = 1L;

  @Override
  public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
    return Linear.builder().setUnits(3).build();
  }
}
