package com.synthscope.udfs.nets;

import ai.djl.Model;
import ai.djl.nn.Block;
import ai.djl.nn.BlockFactory;
import java.nio.file.Path;
import java.util.Map;

/**
 * Builds a {@link CifarResNet} from a model manifest's {@code arguments} (djl-params artifacts):
 * {@code {"depth": 20, "width": 16, "classes": 10, "role": "encoder" | "classifier"}}, as {@link
 * CifarResNet#arguments()} writes them.
 */
public final class CifarResNetFactory implements BlockFactory {

  private static final long serialVersionUID = 1L;

  @Override
  public Block newBlock(Model model, Path modelPath, Map<String, ?> arguments) {
    CifarResNet.Role role =
        arguments != null && "encoder".equals(arguments.get("role"))
            ? CifarResNet.Role.ENCODER
            : CifarResNet.Role.CLASSIFIER;
    return new CifarResNet(
        number(arguments, "depth"), number(arguments, "width"), number(arguments, "classes"), role);
  }

  private static int number(Map<String, ?> args, String key) {
    Object v = args == null ? null : args.get(key);
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new IllegalArgumentException(
          "CIFAR ResNet argument '" + key + "' is missing or not an integer: " + v);
    }
    return n.intValue();
  }
}
