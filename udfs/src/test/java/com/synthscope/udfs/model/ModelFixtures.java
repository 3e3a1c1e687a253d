package com.synthscope.udfs.model;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The TorchScript and ONNX artifacts made by udfs/src/test/fixtures/make_fixtures.py, and their
 * recorded outputs.
 */
public final class ModelFixtures {

  private ModelFixtures() {}

  public static Path folder(String name) {
    try {
      return Path.of(ModelFixtures.class.getResource("/models/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ModelRef ref(String name, ModelFormat format) {
    return ModelRef.of(folder(name).toUri(), null, format);
  }

  public static ModelRef torchScript() {
    return ref("tiny-torchscript", ModelFormat.TORCHSCRIPT);
  }

  public static ModelRef onnx() {
    return ref("tiny-onnx", ModelFormat.ONNX);
  }

  /** The batch the script fed: x[i] = sin(0.37 i) * 0.5 + 0.5 over the flattened 2x3x8x8 array. */
  public static Tensor input() {
    float[] x = new float[2 * 3 * 8 * 8];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) (Math.sin(0.37 * i) * 0.5 + 0.5);
    }
    return Tensor.of(x, 2, 3, 8, 8);
  }

  /** The logits the script recorded for {@link #input()}, shape 2x2. */
  public static float[] expectedOutput() {
    try {
      JsonObject o =
          JsonParser.parseString(
                  Files.readString(folder("tiny-torchscript").resolveSibling("expected.json")))
              .getAsJsonObject();
      var arr = o.getAsJsonArray("output");
      float[] y = new float[arr.size()];
      for (int i = 0; i < y.length; i++) {
        y[i] = arr.get(i).getAsFloat();
      }
      return y;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A writable copy of a fixture artifact, for tests that damage it. */
  public static Path copy(String name, Path into) throws IOException {
    Path src = folder(name);
    Path dst = into.resolve(name);
    try (Stream<Path> files = Files.walk(src)) {
      for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
        Path target = dst.resolve(src.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return dst;
  }
}
