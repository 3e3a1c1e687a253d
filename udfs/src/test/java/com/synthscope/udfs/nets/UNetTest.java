package com.synthscope.udfs.nets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import org.junit.jupiter.api.Test;

class UNetTest {

  private static final UNetConfig SMALL = new UNetConfig(6, 16, List.of(1, 2), 1, 5);

  @Test
  void groupNormNormalisesEachGroupOfEachSample() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      GroupNorm gn = new GroupNorm(2, 4);
      gn.initialize(m, DataType.FLOAT32, new Shape(2, 4, 3, 3));
      NDArray x = m.randomNormal(3f, 5f, new Shape(2, 4, 3, 3), DataType.FLOAT32);
      NDArray y = gn.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
      NDArray groups = y.reshape(2, 2, -1);
      float[] means = groups.mean(new int[] {2}).toFloatArray();
      float[] vars =
          groups.sub(groups.mean(new int[] {2}, true)).square().mean(new int[] {2}).toFloatArray();
      for (int i = 0; i < 4; i++) {
        assertEquals(0f, means[i], 1e-4f);
        assertEquals(1f, vars[i], 1e-3f);
      }
    }
  }

  @Test
  void timestepEmbeddingMatchesTheFormula() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      float[] e = Layers.timestepEmbedding(m.create(new float[] {0f, 10f}), 4).toFloatArray();
      // dim 4: half 2, f = [1, 10000^-0.5 = 0.01]; row t=0: [0, 0, 1, 1]; row t=10: [sin 10, sin
      // 0.1, cos 10, cos 0.1]
      float[] expected = {
        0f,
        0f,
        1f,
        1f,
        (float) Math.sin(10),
        (float) Math.sin(0.1),
        (float) Math.cos(10),
        (float) Math.cos(0.1)
      };
      assertArrayEquals(expected, e, 1e-5f);
    }
  }

  @Test
  void predictsNoiseOfTheInputShapeAndUsesTheCondition() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      UNet net = new UNet(SMALL);
      net.initialize(m, DataType.FLOAT32, net.inputShapes(2, 16));
      NDArray x = m.randomNormal(new Shape(2, 6, 16, 16));
      NDArray t = m.create(new float[] {5, 500});
      NDArray c =
          m.create(new float[] {0.2f, 0.5f, 0.1f, 0.1f, 0.1f, 1, 0, 0, 0, 0}, new Shape(2, 5));
      ParameterStore ps = new ParameterStore(m, false);
      NDArray withCond =
          net.forward(ps, new NDList(x, t, c, m.ones(new Shape(2))), false).singletonOrThrow();
      NDArray nullCond =
          net.forward(ps, new NDList(x, t, c, m.zeros(new Shape(2))), false).singletonOrThrow();
      assertEquals(new Shape(2, 6, 16, 16), withCond.getShape());
      assertNotEquals(
          0f,
          withCond.sub(nullCond).abs().sum().getFloat(),
          "the condition changes the prediction");
    }
  }

  @Test
  void aFewAdamStepsOnOneBatchReduceTheLoss() {
    Engine.getEngine("PyTorch").setRandomSeed(3);
    try (Model model = Model.newInstance("unet-test", "PyTorch")) {
      UNet net = new UNet(SMALL);
      model.setBlock(net);
      DefaultTrainingConfig cfg =
          new DefaultTrainingConfig(Loss.l2Loss())
              .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(2e-3f)).build());
      try (Trainer trainer = model.newTrainer(cfg)) {
        trainer.initialize(net.inputShapes(4, 16));
        NDManager m = trainer.getManager();
        NDArray x = m.randomNormal(new Shape(4, 6, 16, 16));
        NDArray eps = m.randomNormal(new Shape(4, 6, 16, 16));
        NDList in =
            new NDList(
                x,
                m.create(new float[] {10, 200, 400, 900}),
                m.ones(new Shape(4, 5)).div(5),
                m.ones(new Shape(4)));
        float first = 0;
        float last = 0;
        for (int step = 0; step < 25; step++) {
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDArray loss = trainer.forward(in).singletonOrThrow().sub(eps).square().mean();
            if (step == 0) {
              first = loss.getFloat();
            }
            last = loss.getFloat();
            gc.backward(loss);
          }
          trainer.step();
        }
        assertTrue(last < 0.8f * first, "loss " + first + " -> " + last);
      }
    }
  }
}
