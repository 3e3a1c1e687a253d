package com.synthscope.udfs.detect.dnf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.synthscope.udfs.diffusion.NoisePredictor;
import com.synthscope.udfs.diffusion.NoiseSchedule;
import com.synthscope.udfs.model.ArtifactWriter;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelFetcher;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.model.TensorSpec;
import com.synthscope.udfs.nets.UNet;
import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.nets.UNetFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DnfExtractorTest {

  /** A 1x1x2x2 image in [-1, 1]. */
  private static final float[] X = {0.2f, -0.4f, 0.6f, 1.0f};

  /** Two steps with hand-friendly betas 0.1, 0.5: abar(0) = 0.9, abar(1) = 0.9 * 0.5 = 0.45. */
  private static final NoiseSchedule TWO = NoiseSchedule.linear(2, 0.1, 0.5);

  /** eps(x, t) = 0.5 x + t / 10; records the timesteps it was asked for. */
  private static final class Linear implements NoisePredictor {
    final List<int[]> calls = new ArrayList<>();

    @Override
    public float[] predictNoise(float[] x, int n, int[] t) {
      calls.add(t.clone());
      int per = x.length / n;
      float[] e = new float[x.length];
      for (int j = 0; j < x.length; j++) {
        e[j] = (float) (0.5 * x[j] + t[j / per] / 10.0);
      }
      return e;
    }
  }

  private static float[] raw(String mode, NoisePredictor eps, float[] x, int n) {
    return new DnfExtractor(DnfMode.parse(mode), DnfPostprocess.RAW, TWO).extract(eps, x, n);
  }

  @Test
  void t0IsOnePassAtTimestepZero() {
    Linear eps = new Linear();
    float[] x = X.clone();
    // eps(x, 0) = 0.5 x
    assertArrayEquals(new float[] {0.1f, -0.2f, 0.3f, 0.5f}, raw("t0", eps, x, 1), 1e-7f);
    assertEquals(1, eps.calls.size());
    assertArrayEquals(new int[] {0}, eps.calls.get(0));
    assertArrayEquals(X, x, "the input is not modified");
  }

  @Test
  void inversionModesByHandForTwoSteps() {
    // K = 2 over T = 2: timesteps t_0 = 0, t_1 = 1.
    // step 0: e0 = eps(x, 0) = 0.5 x; the clean x sits at abar 1, so x0_hat = x and
    //         x1 = sqrt(abar(0)) x + sqrt(1 - abar(0)) e0 = (sqrt(0.9) + 0.5 sqrt(0.1)) x = a x, a
    // = 1.1067971810589328
    // step 1: e1 = eps(x1, 1) = 0.5 a x + 0.1
    // first = 0.5 x, last = 0.5 a x + 0.1, mean = (e0 + e1) / 2 = 0.25 (1 + a) x + 0.05
    double a = Math.sqrt(0.9) + 0.5 * Math.sqrt(0.1);
    assertEquals(1.1067971810589328, a, 1e-15);
    float[] first = new float[4];
    float[] last = new float[4];
    float[] mean = new float[4];
    for (int j = 0; j < 4; j++) {
      first[j] = (float) (0.5 * X[j]);
      last[j] = (float) (0.5 * a * X[j] + 0.1);
      mean[j] = (float) (0.25 * (1 + a) * X[j] + 0.05);
    }
    // spelled out for the first pixel, x = 0.2: last = 0.11067972 + 0.1, mean = 0.10533986 + 0.05
    assertEquals(0.21067972f, last[0], 1e-7f);
    assertEquals(0.15533986f, mean[0], 1e-7f);

    Linear eps = new Linear();
    assertArrayEquals(first, raw("inversion:2:first", eps, X, 1), 1e-6f);
    assertEquals(
        List.of(0, 1),
        eps.calls.stream().map(t -> t[0]).toList(),
        "one call per timestep, ascending");
    assertArrayEquals(last, raw("inversion:2:last", new Linear(), X, 1), 1e-6f);
    assertArrayEquals(mean, raw("inversion:2:mean", new Linear(), X, 1), 1e-6f);
    // the first eps of an inversion is the t0 feature
    assertArrayEquals(raw("t0", new Linear(), X, 1), raw("inversion:2:first", new Linear(), X, 1));
  }

  @Test
  void samplesOfABatchAreIndependent() {
    float[] other = {-1f, 0f, 0.5f, -0.25f};
    float[] both = new float[8];
    System.arraycopy(X, 0, both, 0, 4);
    System.arraycopy(other, 0, both, 4, 4);
    for (String mode : List.of("t0", "inversion:2:mean")) {
      float[] batch = raw(mode, new Linear(), both, 2);
      assertArrayEquals(
          raw(mode, new Linear(), X, 1), Arrays.copyOfRange(batch, 0, 4), 1e-7f, mode);
      assertArrayEquals(
          raw(mode, new Linear(), other, 1), Arrays.copyOfRange(batch, 4, 8), 1e-7f, mode);
    }
  }

  @Test
  void defaultScheduleIsThePaperBackbones() {
    DnfExtractor d = new DnfExtractor(DnfMode.parse("inversion:20:mean"), DnfPostprocess.RAW);
    assertEquals(1000, d.schedule().steps());
    assertEquals(1 - 1e-4, d.schedule().alphaBar(0), 1e-12);
    // T = 1000, K = 4: timesteps 0, 250, 500, 750
    Linear eps = new Linear();
    new DnfExtractor(DnfMode.inversion(4, DnfMode.Pick.LAST), DnfPostprocess.RAW)
        .extract(eps, X, 1);
    assertEquals(List.of(0, 250, 500, 750), eps.calls.stream().map(t -> t[0]).toList());
    assertEquals(DnfMode.T0, DnfExtractor.released().mode());
    assertEquals(DnfPostprocess.CLIP01_UINT8, DnfExtractor.released().postprocess());
    assertThrows(
        IllegalArgumentException.class,
        () -> new DnfExtractor(DnfMode.inversion(3, DnfMode.Pick.MEAN), DnfPostprocess.RAW, TWO));
  }

  @Test
  void clip01Uint8RoundsLikeThePngTheReleasedCodeWrites() {
    float[] v = {
      -0.3f,
      0f,
      0.5f,
      1.7f,
      1f,
      0.2f,
      0.998f,
      0.999f,
      Float.NEGATIVE_INFINITY,
      Float.POSITIVE_INFINITY
    };
    // clip to [0, 1], k = floor(255 v + 0.5): 0.5 -> 128 (127.5 rounds up), 0.2 -> 51, 0.998 ->
    // 254.49 -> 254,
    // 0.999 -> 254.745 -> 255
    float[] expected = {0f, 0f, 128 / 255f, 1f, 1f, 51 / 255f, 254 / 255f, 1f, 0f, 1f};
    float[] out = DnfPostprocess.CLIP01_UINT8.applyInPlace(v.clone());
    assertArrayEquals(expected, out);
    assertArrayEquals(
        out,
        DnfPostprocess.CLIP01_UINT8.applyInPlace(out.clone()),
        "quantising twice changes nothing");
    assertArrayEquals(v, DnfPostprocess.RAW.applyInPlace(v.clone()));
    assertThrows(
        IllegalArgumentException.class,
        () -> DnfPostprocess.CLIP01_UINT8.applyInPlace(new float[] {Float.NaN}));
    // through the extractor: eps(x, 0) = 0.5 x = [0.1, -0.2, 0.3, 0.5] -> [26, 0, 77, 128] / 255
    // (25.5 + 0.5 = 26; 76.5 + 0.5 = 77)
    float[] f =
        new DnfExtractor(DnfMode.T0, DnfPostprocess.CLIP01_UINT8, TWO).extract(new Linear(), X, 1);
    assertArrayEquals(new float[] {26 / 255f, 0f, 77 / 255f, 128 / 255f}, f);
  }

  @Test
  void modesAndPostprocessingParseAndPrint() {
    assertEquals(DnfMode.T0, DnfMode.parse(" T0 "));
    assertEquals(DnfMode.inversion(10, DnfMode.Pick.LAST), DnfMode.parse("Inversion:10:LAST"));
    for (String s : List.of("t0", "inversion:1:first", "inversion:4:mean", "inversion:50:last")) {
      assertEquals(s, DnfMode.parse(s).toString());
    }
    for (String bad :
        Arrays.asList(
            null,
            "",
            "t1",
            "inversion",
            "inversion:3",
            "inversion:0:first",
            "inversion:-2:mean",
            "inversion:x:mean",
            "inversion:3:median",
            "inversion:3:mean:1")) {
      assertThrows(IllegalArgumentException.class, () -> DnfMode.parse(bad), String.valueOf(bad));
    }
    assertThrows(
        IllegalArgumentException.class, () -> new DnfMode(DnfMode.Kind.T0, 3, DnfMode.Pick.FIRST));
    assertEquals(DnfPostprocess.CLIP01_UINT8, DnfPostprocess.parse("clip01-uint8"));
    assertEquals(DnfPostprocess.CLIP01_UINT8, DnfPostprocess.parse("CLIP01_UINT8"));
    assertEquals(DnfPostprocess.RAW, DnfPostprocess.parse(" raw"));
    assertEquals("clip01-uint8", DnfPostprocess.CLIP01_UINT8.label());
    assertThrows(IllegalArgumentException.class, () -> DnfPostprocess.parse("png"));
    assertThrows(IllegalArgumentException.class, () -> DnfPostprocess.parse(null));
  }

  @Test
  void badBatchesAndPredictorsAreRefused() {
    DnfExtractor d = new DnfExtractor(DnfMode.T0, DnfPostprocess.RAW, TWO);
    assertThrows(IllegalArgumentException.class, () -> d.extract(new Linear(), X, 3));
    assertThrows(IllegalArgumentException.class, () -> d.extract(new Linear(), X, 0));
    assertThrows(IllegalArgumentException.class, () -> d.extract(new Linear(), new float[0], 1));
    assertThrows(IllegalStateException.class, () -> d.extract((x, n, t) -> new float[3], X, 1));
    assertThrows(
        IllegalStateException.class,
        () ->
            new DnfExtractor(DnfMode.parse("inversion:2:mean"), DnfPostprocess.RAW, TWO)
                .extract((x, n, t) -> new float[3], X, 1));
  }

  private static final UNetConfig TINY = new UNetConfig(3, 8, List.of(1, 2), 1, 0);

  private static float[] input(int length) {
    float[] x = new float[length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(0.731 * i);
    }
    return x;
  }

  @Test
  void aBlockApiUNetGivesTheT0FeatureOfADirectForward() {
    Engine.getEngine("PyTorch").setRandomSeed(11);
    int n = 2;
    int s = 16;
    float[] x = input(n * 3 * s * s);
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      UNet net = new UNet(TINY);
      net.initialize(m, DataType.FLOAT32, net.inputShapes(n, s));
      float[] direct;
      try (NDManager b = m.newSubManager()) {
        direct =
            net.forward(
                    new ParameterStore(b, false),
                    new NDList(b.create(x, new Shape(n, 3, s, s)), b.zeros(new Shape(n))),
                    false)
                .singletonOrThrow()
                .toFloatArray();
      }
      NoisePredictor eps = DnfExtractor.predictor(net, m, 3, s, s);
      float[] t0 = new DnfExtractor(DnfMode.T0, DnfPostprocess.RAW).extract(eps, x, n);
      assertEquals(x.length, t0.length);
      assertArrayEquals(direct, t0, 1e-6f);
      float[] png = new DnfExtractor(DnfMode.T0, DnfPostprocess.CLIP01_UINT8).extract(eps, x, n);
      assertArrayEquals(DnfPostprocess.CLIP01_UINT8.applyInPlace(direct.clone()), png, 1e-6f);
      assertTrue(
          Arrays.stream(box(direct)).anyMatch(v -> v < 0)
              && Arrays.stream(box(direct)).anyMatch(v -> v > 0),
          "a random UNet gives noise of both signs");

      float[] first =
          new DnfExtractor(DnfMode.parse("inversion:3:first"), DnfPostprocess.RAW)
              .extract(eps, x, n);
      float[] mean =
          new DnfExtractor(DnfMode.parse("inversion:3:mean"), DnfPostprocess.RAW)
              .extract(eps, x, n);
      assertArrayEquals(t0, first, 1e-6f);
      assertEquals(x.length, mean.length);
      assertNotEquals(
          Arrays.hashCode(t0), Arrays.hashCode(mean), "later timesteps change the mean");
    }
  }

  private static Float[] box(float[] a) {
    Float[] b = new Float[a.length];
    for (int i = 0; i < a.length; i++) {
      b[i] = a[i];
    }
    return b;
  }

  @Test
  void aLoadedNoisePredictorArtifactFollowsTheContract(@TempDir Path dir) throws Exception {
    Engine.getEngine("PyTorch").setRandomSeed(12);
    int s = 8;
    float[] x = input(2 * 3 * s * s);
    float[] direct;
    try (Model model = Model.newInstance("dnf-unet", "PyTorch")) {
      UNet net = new UNet(TINY);
      model.setBlock(net);
      net.initialize(model.getNDManager(), DataType.FLOAT32, net.inputShapes(2, s));
      direct =
          DnfExtractor.predictor(net, model.getNDManager(), 3, s, s).predictNoise(x, 2, new int[2]);
      model.save(dir, "dnf-unet");
    }
    String sha =
        ArtifactWriter.write(
            dir,
            "dnf-unet-test",
            "1",
            "dnf-backbone",
            ModelFormat.DJL_PARAMS,
            "dnf-unet-0000.params",
            UNetFactory.class.getName(),
            TINY.toArguments(),
            List.of(
                new TensorSpec("x", List.of(3L, (long) s, (long) s), "float32"),
                new TensorSpec("t", List.of(), "float32")),
            List.of(new TensorSpec("eps", List.of(3L, (long) s, (long) s), "float32")),
            Map.of(),
            Map.of(),
            Map.of());
    ModelRef ref = ModelRef.of(dir.toUri(), sha, ModelFormat.DJL_PARAMS);
    try (LoadedModel loaded =
        LoadedModel.load(ModelFetcher.verify(ref, dir), ExecutionSettings.cpu(1))) {
      float[] t0 =
          new DnfExtractor(DnfMode.T0, DnfPostprocess.RAW)
              .extract(DnfExtractor.predictor(loaded), x, 2);
      assertArrayEquals(direct, t0, 1e-5f);
      float[] again =
          new DnfExtractor(DnfMode.T0, DnfPostprocess.RAW)
              .extract(DnfExtractor.predictor(loaded, 3, s, s), x, 2);
      assertArrayEquals(t0, again);
    }
  }
}
