package com.synthscope.udfs.nets;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds a {@link ResNets} network from a model manifest's {@code arguments} (djl-params
 * artifacts): {@code {"depth": 18 | 50, "in_channels": n, "base_width": w, "input_scale": s}};
 * {@code base_width} may be left out (64), {@code input_scale} too (1: no enlargement). {@link
 * ResNets#arguments(int, int, int)} writes them.
 */
public final class ResNetFactory implements BlockFactory {

  private static final long serialVersionUID = 1L;

  @Override
  public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
    return ResNets.build(
        number(arguments, "depth", null),
        number(arguments, "in_channels", null),
        number(arguments, "base_width", ResNets.DEFAULT_WIDTH),
        number(arguments, "input_scale", 1));
  }

  /** JSON numbers arrive as doubles; a fractional value is refused rather than truncated. */
  private static int number(Map<String, ?> args, String key, Integer fallback) {
    Object v = args == null ? null : args.get(key);
    if (v == null && fallback != null) {
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException(
          "ResNet argument '" + key + "' is missing or not an integer: " + v);
    }
    return n.intValue();
  }
}
