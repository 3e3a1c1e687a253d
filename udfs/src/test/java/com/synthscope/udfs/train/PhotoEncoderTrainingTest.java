package com.synthscope.udfs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.detect.nsnet.NsNetEncoder;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelFetcher;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelRef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The photo encoder end to end: trained on classes, exported, loaded as NS-Net's whole-image
 * encoder.
 */
class PhotoEncoderTrainingTest {

  @TempDir Path tmp;

  /** Class k: the k-th colour channel brighter, in noise. */
  private static List<FloatImage> images(int n, long seed, List<Integer> labels) {
    SplittableRandom r = new SplittableRandom(seed);
    List<FloatImage> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i % 3;
      float[] px = new float[3 * 16 * 16];
      for (int p = 0; p < px.length; p++) {
        px[p] = (float) (0.3 * r.nextDouble() + (p / 256 == k ? 0.6 : 0.1));
      }
      out.add(new FloatImage(3, 16, 16, px));
      labels.add(k);
    }
    return out;
  }

  private static List<ClassifierTrainer.Example> examples(
      List<FloatImage> imgs, List<Integer> labels, float[][] meanStd) {
    List<ClassifierTrainer.Example> out = new ArrayList<>();
    for (int i = 0; i < imgs.size(); i++) {
      out.add(
          new ClassifierTrainer.Example(
              PhotoEncoderTraining.normalise(imgs.get(i), meanStd), labels.get(i)));
    }
    return out;
  }

  @Test
  void trainsExportsAndEncodesWholeImages() throws Exception {
    List<Integer> trainLabels = new ArrayList<>();
    List<FloatImage> train = images(48, 1, trainLabels);
    List<Integer> valLabels = new ArrayList<>();
    List<FloatImage> val = images(12, 2, valLabels);
    float[][] meanStd = PhotoEncoderTraining.channelStatistics(train);
    assertTrue(meanStd[0][0] > 0.2 && meanStd[0][0] < 0.5, "channel 0 mean " + meanStd[0][0]);
    Path artifact =
        PhotoEncoderTraining.run(
            examples(train, trainLabels, meanStd),
            examples(val, valLabels, meanStd),
            meanStd,
            new PhotoEncoderTraining.Network(8, 4, 3, 16),
            new ClassifierTrainer.Recipe(8, 3e-3f, 2, 1e-6f, 3, true, 1, 2),
            List.of("r", "g", "b"),
            tmp.resolve("run"),
            false,
            Map.of("data", "synthetic"),
            new PrintStream(new ByteArrayOutputStream()));
    try (LoadedModel m =
        LoadedModel.load(
            new ModelFetcher(tmp.resolve("cache"))
                .fetch(
                    ModelRef.of(artifact.toUri(), null, ModelFormat.DJL_PARAMS),
                    new Configuration()),
            ExecutionSettings.cpu(1))) {
      assertEquals(NsNetDetector.ENCODER_KIND, m.manifest().kind());
      List<?> means = (List<?>) m.manifest().preprocessing().get(PhotoEncoderTraining.CLASS_MEANS);
      assertEquals(3, means.size());
      assertEquals(16, ((List<?>) means.get(0)).size());
      assertEquals(
          3,
          ((List<?>) m.manifest().preprocessing().get(PhotoEncoderTraining.CLASS_WEIGHTS)).size());
      NsNetEncoder enc = new NsNetEncoder(m);
      assertTrue(enc.wholeImage());
      assertEquals(16, enc.dimension());
      // any size is resized whole to 16 px and normalised with the training images' statistics
      FloatImage big = FloatImage.zeros(3, 40, 50);
      java.util.Arrays.fill(big.data(), 0.5f);
      float[] f = enc.encode(List.of(big)).get(0);
      FloatImage small = FloatImage.zeros(3, 16, 16);
      java.util.Arrays.fill(small.data(), 0.5f);
      assertArrayEquals(
          enc.run(List.of(PhotoEncoderTraining.normalise(small, meanStd))).get(0), f, 1e-4f);
      // the features keep the classes apart: each image is nearest its own class mean
      int right = 0;
      for (int i = 0; i < val.size(); i++) {
        float[] v = enc.encode(List.of(val.get(i))).get(0);
        int best = -1;
        double bestDistance = Double.MAX_VALUE;
        for (int k = 0; k < 3; k++) {
          double d = 0;
          for (int j = 0; j < 16; j++) {
            double diff = v[j] - ((Number) ((List<?>) means.get(k)).get(j)).doubleValue();
            d += diff * diff;
          }
          if (d < bestDistance) {
            bestDistance = d;
            best = k;
          }
        }
        right += best == valLabels.get(i) ? 1 : 0;
      }
      assertTrue(right >= 10, right + " of 12 validation images nearest their class mean");
    }
  }
}
