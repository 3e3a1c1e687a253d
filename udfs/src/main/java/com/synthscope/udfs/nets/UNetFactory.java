package com.synthscope.udfs.nets;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds a {@link UNet} from a model manifest's {@code arguments} (djl-params artifacts); {@code
 * "role": "encoder"} builds the encoder role over the same weights (NS-Net's micrograph encoder).
 */
public final class UNetFactory implements BlockFactory {

  private static final long serialVersionUID = 1L;

  @Override
  public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
    boolean encoder = arguments != null && "encoder".equals(arguments.get("role"));
    return new UNet(
        UNetConfig.fromArguments(arguments), encoder ? UNet.Role.ENCODER : UNet.Role.DENOISER);
  }
}
