package com.synthscope.udfs.nets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder role reads the denoiser's weights file unchanged and gives the documented features.
 */
class UNetEncoderTest {

  private static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  private static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

  @TempDir Path tmp;

  @Test
  void encoderLoadsTheDenoiserWeightsAndPoolsItsFirstLevels() throws Exception {
    UNetConfig config = new UNetConfig(1, 8, List.of(1, 2, 2), 1, 0);
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        Model denoiser = Model.newInstance("d", "PyTorch")) {
      UNet net = new UNet(config);
      denoiser.setBlock(net);
      net.initialize(denoiser.getNDManager(), DataType.FLOAT32, net.inputShapes(1, 16));
      denoiser.setProperty("Epoch", "0");
      denoiser.save(tmp, "bb");

      try (Model encoderModel = Model.newInstance("e", "PyTorch")) {
        Map<String, Object> args = new java.util.HashMap<>(config.toArguments());
        args.put("role", "encoder");
        UNet encoder = (UNet) new UNetFactory().newBlock(encoderModel, tmp, args);
        encoderModel.setBlock(encoder);
        encoderModel.load(tmp, "bb");
        assertEquals(UNet.Role.ENCODER, encoder.role());
        assertEquals(
            2 * 8 + 2 * 16,
            encoder.encoderDimension(),
            "mean and std of levels 0 (8 ch) and 1 (16 ch)");

        // a grey picture g in [0, 1], CLIP-normalised as RGB
        int s = 32;
        float[] grey = new float[s * s];
        float[] canvas = new float[3 * s * s];
        for (int i = 0; i < grey.length; i++) {
          grey[i] = (float) (0.5 + 0.4 * Math.sin(i * 0.37));
          for (int c = 0; c < 3; c++) {
            canvas[c * s * s + i] = (grey[i] - MEAN[c]) / STD[c];
          }
        }
        NDList features =
            encoder.forward(
                new ParameterStore(m, false),
                new NDList(m.create(canvas, new Shape(1, 3, s, s))),
                false);
        float[] f = features.singletonOrThrow().toFloatArray();
        assertEquals(encoder.encoderDimension(), f.length);
        for (float v : f) {
          assertTrue(Float.isFinite(v));
        }

        // the loaded weights are what counts: a second load gives the same features, fresh weights
        // others
        try (Model again = Model.newInstance("e2", "PyTorch");
            Model fresh = Model.newInstance("e3", "PyTorch")) {
          UNet loaded = (UNet) new UNetFactory().newBlock(again, tmp, args);
          again.setBlock(loaded);
          again.load(tmp, "bb");
          assertArrayEquals(
              f,
              loaded
                  .forward(
                      new ParameterStore(m, false),
                      new NDList(m.create(canvas, new Shape(1, 3, s, s))),
                      false)
                  .singletonOrThrow()
                  .toFloatArray(),
              1e-6f);
          UNet random = new UNet(config, UNet.Role.ENCODER);
          fresh.setBlock(random);
          random.initialize(fresh.getNDManager(), DataType.FLOAT32, new Shape(1, 3, s, s));
          float[] other =
              random
                  .forward(
                      new ParameterStore(m, false),
                      new NDList(m.create(canvas, new Shape(1, 3, s, s))),
                      false)
                  .singletonOrThrow()
                  .toFloatArray();
          assertTrue(
              java.util.stream.IntStream.range(0, f.length)
                  .anyMatch(k -> Math.abs(f[k] - other[k]) > 1e-4));
        }
      }
    }
  }
}
