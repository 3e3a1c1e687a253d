package com.synthscope.udfs.nets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarResNetTest {

  @TempDir Path tmp;

  @Test
  void resnet20HasTheCountedParameters() {
    // stem 3*3*3*16 + BN 2*16                                              =     464
    // stage 1: 3 blocks of 2 convs 3*3*16*16 + 2 BN                        =  14,016
    // stage 2: 3*3*16*32 + 3*3*32*32 + 2 BN + 1x1 16*32 + BN, then 2 blocks
    //          of 2 convs 3*3*32*32 + 2 BN: 14,528 + 37,120                 =  51,648
    // stage 3: likewise at 64: 57,728 + 147,968                            = 205,696
    // classifier 64*10 + 10                                                =     650
    CifarResNet net = new CifarResNet(20, 16, 10, CifarResNet.Role.CLASSIFIER);
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      net.initialize(m, DataType.FLOAT32, new Shape(2, 3, 32, 32));
      long trainable = 0;
      for (Pair<String, Parameter> p : net.getParameters()) {
        trainable += p.getValue().requiresGradient() ? p.getValue().getArray().size() : 0;
      }
      assertEquals(272_474, trainable);
      assertEquals(64, net.featureDimension());
      assertEquals(new Shape(2, 10), net.getOutputShapes(new Shape[] {new Shape(2, 3, 32, 32)})[0]);
    }
  }

  @Test
  void theEncoderRoleGivesThePooledFeaturesTheClassifierWeighs() throws Exception {
    CifarResNet classifier = new CifarResNet(8, 4, 3, CifarResNet.Role.CLASSIFIER);
    float[] x = new float[2 * 3 * 16 * 16];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    float[] logits;
    float[] w;
    float[] b;
    try (Model m = Model.newInstance("c", "PyTorch")) {
      m.setBlock(classifier);
      classifier.initialize(m.getNDManager(), DataType.FLOAT32, new Shape(2, 3, 16, 16));
      logits =
          classifier
              .forward(
                  new ParameterStore(m.getNDManager(), false),
                  new NDList(m.getNDManager().create(x, new Shape(2, 3, 16, 16))),
                  false)
              .singletonOrThrow()
              .toFloatArray();
      w = classifier.classifierWeight().toFloatArray();
      b =
          classifier.getParameters().stream()
              .filter(p -> p.getKey().endsWith("fc_bias"))
              .findFirst()
              .orElseThrow()
              .getValue()
              .getArray()
              .toFloatArray();
      m.save(tmp, "c");
    }
    CifarResNet encoder = new CifarResNet(8, 4, 3, CifarResNet.Role.ENCODER);
    assertEquals("encoder", encoder.arguments().get("role"));
    try (Model m = Model.newInstance("e", "PyTorch")) {
      m.setBlock(encoder);
      m.load(tmp, "c");
      float[] f =
          encoder
              .forward(
                  new ParameterStore(m.getNDManager(), false),
                  new NDList(m.getNDManager().create(x, new Shape(2, 3, 16, 16))),
                  false)
              .singletonOrThrow()
              .toFloatArray();
      assertEquals(2 * 16, f.length);
      float[] again = new float[6];
      for (int n = 0; n < 2; n++) {
        for (int k = 0; k < 3; k++) {
          double s = b[k];
          for (int j = 0; j < 16; j++) {
            s += w[k * 16 + j] * f[n * 16 + j];
          }
          again[n * 3 + k] = (float) s;
        }
      }
      assertArrayEquals(logits, again, 1e-4f);
    }
    CifarResNet built =
        (CifarResNet)
            new CifarResNetFactory()
                .newBlock(
                    null,
                    null,
                    Map.of("depth", 20.0, "width", 16.0, "classes", 10.0, "role", "encoder"));
    assertEquals(CifarResNet.Role.ENCODER, built.role());
  }

  @Test
  void refusesDepthsThatAreNotSixNPlusTwo() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new CifarResNet(18, 16, 10, CifarResNet.Role.CLASSIFIER));
    assertThrows(
        IllegalArgumentException.class,
        () -> new CifarResNet(20, 16, 1, CifarResNet.Role.CLASSIFIER));
  }
}
