package com.synthscope.udfs.nets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResNetsTest {

  /** {trainable, running statistics} of an initialised block. */
  private static long[] count(Block b) {
    long trainable = 0;
    long running = 0;
    for (Pair<String, Parameter> p : b.getParameters()) {
      long size = p.getValue().getArray().getShape().size();
      if (p.getValue().requiresGradient()) {
        trainable += size;
      } else {
        running += size;
      }
    }
    return new long[] {trainable, running};
  }

  private static long[] countAt(Block b, int in, int size) {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      b.initialize(m, DataType.FLOAT32, new Shape(1, in, size, size));
      return count(b);
    }
  }

  @Test
  void resnet18HasTheTorchvisionParameterCount() {
    // Conv weights (no biases), 3 input channels, width 64:
    //   stem 7*7*3*64                                                   =     9,408
    //   stage 1: 4 convs 3*3*64*64 = 4 * 36,864                         =   147,456
    //   stage 2: 3*3*64*128 + 3 * 3*3*128*128 + 1x1 shortcut 64*128
    //            = 73,728 + 442,368 + 8,192                             =   524,288
    //   stage 3: 3*3*128*256 + 3 * 3*3*256*256 + 128*256
    //            = 294,912 + 1,769,472 + 32,768                         = 2,097,152
    //   stage 4: 3*3*256*512 + 3 * 3*3*512*512 + 256*512
    //            = 1,179,648 + 7,077,888 + 131,072                      = 8,388,608
    //   conv total                                                      = 11,166,912
    // BatchNorm channels: 64 (stem) + 4*64 + (4*128 + 128) + (4*256 + 256) + (4*512 + 512) = 4,800,
    //   gamma + beta = 9,600 trainable; running mean + var = 9,600 more, which DJL holds as
    // non-trainable
    //   parameters (torchvision keeps them as buffers, so its count leaves them out).
    // Linear 512 -> 1: 512 + 1 = 513.
    // Trainable: 11,166,912 + 9,600 + 513 = 11,177,025 (= torchvision resnet18's 11,689,512 -
    // 513,000 + 513).
    long[] c = countAt(ResNets.resnet18(3), 3, 64);
    assertEquals(11_177_025L, c[0]);
    assertEquals(9_600L, c[1]);
  }

  @Test
  void resnet50HasTheTorchvisionParameterCount() {
    // Conv weights, 3 input channels, width 64 (p = bottleneck width, out = 4p):
    //   stem 7*7*3*64                                                                          =
    //   9,408
    //   stage 1 (p 64):  first 64*64 + 9*64*64 + 64*256 + shortcut 64*256 = 73,728;
    //                    2 more 256*64 + 36,864 + 64*256 = 69,632 each                         =
    // 212,992
    //   stage 2 (p 128): first 256*128 + 9*128*128 + 128*512 + 256*512 = 376,832;
    //                    3 more 512*128 + 147,456 + 128*512 = 278,528 each                     =
    // 1,212,416
    //   stage 3 (p 256): first 512*256 + 9*256*256 + 256*1024 + 512*1024 = 1,507,328;
    //                    5 more 1024*256 + 589,824 + 256*1024 = 1,114,112 each                 =
    // 7,077,888
    //   stage 4 (p 512): first 1024*512 + 9*512*512 + 512*2048 + 1024*2048 = 6,029,312;
    //                    2 more 2048*512 + 2,359,296 + 512*2048 = 4,456,448 each               =
    // 14,942,208
    //   conv total                                                                             =
    // 23,454,912
    // BatchNorm channels: 64 + (3*384 + 256) + (4*768 + 512) + (6*1536 + 1024) + (3*3072 + 2048) =
    // 26,560:
    //   gamma + beta 53,120 trainable, running statistics 53,120.
    // Linear 2048 -> 1: 2,049.
    // Trainable: 23,454,912 + 53,120 + 2,049 = 23,510,081 (= torchvision resnet50's 25,557,032 -
    // 2,049,000 + 2,049).
    long[] c = countAt(ResNets.resnet50(3), 3, 64);
    assertEquals(23_510_081L, c[0]);
    assertEquals(53_120L, c[1]);
  }

  @Test
  void widthScalesTheNetwork() {
    // ResNet-18 at width 16: every conv weight and BN scales with the widths (the stem's input does
    // not):
    // stem 7*7*3*16 = 2,352; 3x3/1x1 convs (11,166,912 - 9,408) / 16 = 697,344; BN 9,600 / 4 =
    // 2,400; Linear 129.
    long[] c = countAt(ResNets.resnet18(3, 16), 3, 32);
    assertEquals(2_352L + 697_344L + 2_400L + 129L, c[0]);
    // one input channel changes only the stem: 7*7*1*64 instead of 7*7*3*64
    assertEquals(11_177_025L - 2L * 49 * 64, countAt(ResNets.resnet18(1), 1, 32)[0]);
  }

  @Test
  void inputEnlargementRepeatsPixelsAndAddsNoParameters() {
    assertEquals(
        countAt(ResNets.build(18, 1, 8), 1, 32)[0], countAt(ResNets.build(18, 1, 8, 4), 1, 32)[0]);
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      Block net = ResNets.build(18, 1, 8, 4);
      net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 16, 16));
      Block upsample = ((ai.djl.nn.SequentialBlock) net).getChildren().get(0).getValue();
      NDArray x = m.arange(4f).reshape(1, 1, 2, 2);
      float[] up =
          upsample
              .forward(new ParameterStore(m, false), new NDList(x), false)
              .singletonOrThrow()
              .toFloatArray();
      assertEquals(64, up.length, "2x2 enlarged 4 times is 8x8");
      assertEquals(0f, up[0]);
      assertEquals(0f, up[3]);
      assertEquals(1f, up[4], "columns 4..7 of row 0 repeat pixel (0, 1)");
      assertEquals(2f, up[32], "rows 4..7 repeat row 1");
      assertEquals(new Shape(2, 1), net.getOutputShapes(new Shape[] {new Shape(2, 1, 16, 16)})[0]);
    }
  }

  @Test
  void oneLogitPerImageAt64And224() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      for (Block net : new Block[] {ResNets.resnet18(3), ResNets.resnet50(3)}) {
        net.initialize(m, DataType.FLOAT32, new Shape(2, 3, 64, 64));
        ParameterStore ps = new ParameterStore(m, false);
        for (int size : new int[] {64, 224}) {
          try (NDManager batch = m.newSubManager()) {
            NDArray x = batch.randomNormal(new Shape(2, 3, size, size));
            NDArray y = net.forward(ps, new NDList(x), false).singletonOrThrow();
            assertEquals(new Shape(2, 1), y.getShape(), "size " + size);
            assertTrue(Float.isFinite(y.sum().getFloat()));
            assertEquals(new Shape(2, 1), net.getOutputShapes(new Shape[] {x.getShape()})[0]);
          }
        }
      }
    }
  }

  @Test
  void aFewAdamStepsSeparateATinyBatch() {
    Engine.getEngine("PyTorch").setRandomSeed(7);
    try (Model model = Model.newInstance("resnet-test", "PyTorch")) {
      Block net = ResNets.resnet18(3, 8);
      model.setBlock(net);
      DefaultTrainingConfig cfg =
          new DefaultTrainingConfig(Loss.sigmoidBinaryCrossEntropyLoss())
              .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build());
      try (Trainer trainer = model.newTrainer(cfg)) {
        trainer.initialize(new Shape(8, 3, 32, 32));
        NDManager m = trainer.getManager();
        // class 1: bright noisy images, class 0: dark ones
        float[] labels = {1, 0, 1, 0, 1, 0, 1, 0};
        NDArray y = m.create(labels, new Shape(8, 1));
        NDArray x =
            m.randomNormal(0f, 0.3f, new Shape(8, 3, 32, 32), DataType.FLOAT32)
                .add(y.mul(2).sub(1).mul(0.5f).reshape(8, 1, 1, 1));
        float first = 0;
        float last = 0;
        for (int step = 0; step < 12; step++) {
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDArray logits = trainer.forward(new NDList(x)).singletonOrThrow();
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(logits));
            if (step == 0) {
              first = loss.getFloat();
            }
            last = loss.getFloat();
            gc.backward(loss);
          }
          trainer.step();
        }
        assertTrue(last < 0.5f * first, "BCE " + first + " -> " + last);
      }
    }
  }

  @Test
  void factoryBuildsFromManifestArgumentsAndReloadsSavedParameters(@TempDir Path dir)
      throws Exception {
    // JSON numbers arrive as doubles
    Map<String, Object> args = Map.of("depth", 18.0, "in_channels", 2.0, "base_width", 8.0);
    float[] expected;
    float[] input = new float[2 * 2 * 32 * 32];
    for (int i = 0; i < input.length; i++) {
      input[i] = (float) Math.sin(0.37 * i);
    }
    try (Model model = Model.newInstance("resnet", "PyTorch")) {
      Block net = new ResNetFactory().newBlock(model, dir, args);
      model.setBlock(net);
      net.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(2, 2, 32, 32));
      expected = forward(model, input);
      model.save(dir, "resnet");
    }
    try (Model model = Model.newInstance("resnet", "PyTorch")) {
      model.setBlock(new ResNetFactory().newBlock(model, dir, args));
      model.load(dir, "resnet");
      assertArrayEquals(expected, forward(model, input), 1e-5f);
    }
    assertEquals(
        ResNets.arguments(50, 3, 64), Map.of("depth", 50, "in_channels", 3, "base_width", 64));
    assertEquals(
        ResNets.arguments(18, 1, 8, 4),
        Map.of("depth", 18, "in_channels", 1, "base_width", 8, "input_scale", 4));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ResNetFactory().newBlock(null, dir, Map.of("depth", 34.0, "in_channels", 3.0)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ResNetFactory().newBlock(null, dir, Map.of("depth", 18.0)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ResNetFactory().newBlock(null, dir, Map.of("depth", 18.0, "in_channels", 3.5)));
  }

  private static float[] forward(Model model, float[] input) {
    try (NDManager m = model.getNDManager().newSubManager()) {
      NDArray x = m.create(input, new Shape(2, 2, 32, 32));
      return model
          .getBlock()
          .forward(new ParameterStore(m, false), new NDList(x), false)
          .singletonOrThrow()
          .toFloatArray();
    }
  }
}
