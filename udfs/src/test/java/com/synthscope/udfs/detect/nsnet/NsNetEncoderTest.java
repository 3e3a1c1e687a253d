package com.synthscope.udfs.detect.nsnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonParser;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelFetcher;
import com.synthscope.udfs.model.ModelFixtures;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The encoder contract 3x224x224 -> d with the ViT-shaped TorchScript fixture of make_fixtures.py.
 */
class NsNetEncoderTest {

  @TempDir Path tmp;

  private LoadedModel vit() {
    return LoadedModel.load(
        new ModelFetcher(tmp)
            .fetch(
                ModelFixtures.ref("tiny-vit-torchscript", ModelFormat.TORCHSCRIPT),
                new Configuration()),
        ExecutionSettings.cpu(1));
  }

  @Test
  void theFixtureGivesTheOutputsTheScriptRecorded() throws Exception {
    var json =
        JsonParser.parseString(
                Files.readString(
                    ModelFixtures.folder("tiny-vit-torchscript")
                        .resolveSibling("expected-vit.json")))
            .getAsJsonObject()
            .getAsJsonArray("output");
    float[] expected = new float[json.size()];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = json.get(i).getAsFloat();
    }
    float[] x = new float[2 * 3 * 224 * 224];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.cos(0.013 * i);
    }
    try (LoadedModel m = vit()) {
      Tensor y = m.predict(List.of(Tensor.of(x, 2, 3, 224, 224))).get(0);
      assertArrayEquals(new long[] {2, 16}, y.shape());
      assertArrayEquals(expected, y.data(), 2e-4f);
    }
  }

  @Test
  void imagesOfAnySizeBecomeFeaturesThroughTheNormalisedCanvas() {
    Random r = new Random(2);
    float[] px = new float[3 * 100 * 130];
    for (int i = 0; i < px.length; i++) {
      px[i] = r.nextFloat();
    }
    FloatImage img = new FloatImage(3, 100, 130, px);
    try (LoadedModel m = vit()) {
      NsNetEncoder enc = new NsNetEncoder(m);
      assertEquals(16, enc.dimension());
      float[] f = enc.encode(List.of(img, img)).get(1);
      float[] manual = enc.run(List.of(enc.normalise(new PatchSelection().canvas(img)))).get(0);
      assertArrayEquals(manual, f, 1e-5f);
      float[] norm = enc.normalise(new FloatImage(3, 1, 1, new float[] {0.48145466f, 1f, 0f}));
      assertArrayEquals(
          new float[] {0f, (1f - 0.4578275f) / 0.26130258f, -0.40821073f / 0.27577711f},
          norm,
          1e-5f);
    }
  }
}
