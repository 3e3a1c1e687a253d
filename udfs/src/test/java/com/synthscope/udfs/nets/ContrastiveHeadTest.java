package com.synthscope.udfs.nets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.synthscope.udfs.detect.nsnet.NullSpace;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The head's constants: standardisation and null-space projection act as specified and travel with
 * the weights.
 */
class ContrastiveHeadTest {

  @TempDir Path tmp;

  private static float[] flat(double[][] m) {
    float[] f = new float[m.length * m[0].length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[0].length; j++) {
        f[i * m[0].length + j] = (float) m[i][j];
      }
    }
    return f;
  }

  private static float[] logits(ContrastiveHead head, NDManager m, float[]... features) {
    int d = features[0].length;
    float[] x = new float[features.length * d];
    for (int i = 0; i < features.length; i++) {
      System.arraycopy(features[i], 0, x, i * d, d);
    }
    NDList out =
        head.forward(
            new ParameterStore(m, false),
            new NDList(m.create(x, new Shape(features.length, d))),
            false);
    assertEquals(new Shape(features.length, 1), out.get(0).getShape());
    assertEquals(new Shape(features.length, 8), out.get(1).getShape());
    return out.get(0).toFloatArray();
  }

  @Test
  void featuresDifferingOnlyAlongSemanticDirectionsScoreTheSame() throws Exception {
    // semantic subspace: the first two axes of a 4-d feature space, scaled by 2 per feature after
    // standardisation
    NullSpace ns =
        NullSpace.fromEmbeddings(new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {1, 1, 0, 0}}, 2);
    float[] mean = {1, 1, 1, 1};
    float[] scale = {2, 2, 2, 2};
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        Model model = Model.newInstance("head", "PyTorch")) {
      ContrastiveHead head = new ContrastiveHead(4, 8);
      model.setBlock(head);
      head.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 4));
      head.setConstants(mean, scale, flat(ns.projector()));
      float[] a = {0.3f, -1.2f, 2.0f, 0.7f};
      float[] b = {5.3f, 3.8f, 2.0f, 0.7f}; // a + semantic offsets
      float[] c = {0.3f, -1.2f, 2.5f, 0.7f}; // a + a non-semantic offset
      float[] z = logits(head, m, a, b, c);
      assertEquals(z[0], z[1], 1e-5, "semantic offsets are projected away");
      assertFalse(Math.abs(z[0] - z[2]) < 1e-6, "other offsets are not");

      model.setProperty("Epoch", "0");
      model.save(tmp, "head");
      try (Model loaded = Model.newInstance("head", "PyTorch")) {
        ContrastiveHead fresh =
            (ContrastiveHead)
                new ContrastiveHeadFactory()
                    .newBlock(loaded, tmp, Map.of("dimension", 4.0, "hidden", 8.0));
        loaded.setBlock(fresh);
        loaded.load(tmp, "head");
        assertArrayEquals(
            z, logits(fresh, m, a, b, c), 1e-6f, "constants and weights come back from the file");
      }
    }
  }
}
