package com.synthscope.udfs.detect.dnf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.ImageScore;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.ModelException;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelRef;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A classifier whose manifest says {@code mirror_average} scores each image as the mean of its own
 * and its left-right mirror image's logits: checked against the same weights without the key,
 * through the real PyTorch engine.
 */
class MirrorAverageTest {

  private static final String EMBEDDED = "synthscope/models/photos-pixels-classifier/";

  @Test
  void theLogitIsTheMeanOfTheImageAndItsMirror(@TempDir Path tmp) throws Exception {
    Path plain = copyEmbeddedPhotoClassifier(tmp.resolve("plain"), false);
    Path mirrored = copyEmbeddedPhotoClassifier(tmp.resolve("mirrored"), true);
    BufferedImage img = asymmetric(7);
    BufferedImage flipped = mirror(img);

    List<ImageScore> p = open(plain).scoreImages(List.of(img, flipped));
    List<ImageScore> m = open(mirrored).scoreImages(List.of(img, flipped));

    double expected = (p.get(0).logit() + p.get(1).logit()) / 2;
    assertTrue(
        Math.abs(p.get(0).logit() - p.get(1).logit()) > 1e-3,
        "the test image must score differently from its mirror: " + p);
    assertEquals(expected, m.get(0).logit(), 1e-4);
    // an image and its mirror get the same averaged score
    assertEquals(m.get(0).logit(), m.get(1).logit(), 1e-4);
  }

  @Test
  void mirrorAveragingWithoutAContractIsRefusedOnTheDriver(@TempDir Path tmp) throws Exception {
    Path dir = copyEmbeddedPhotoClassifier(tmp.resolve("no-contract"), true);
    Path manifest = dir.resolve("synthscope-model.json");
    JsonObject m = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
    m.getAsJsonObject("preprocessing").remove("contract");
    Files.writeString(manifest, m.toString());
    ModelRef ref =
        ModelRef.of(dir.toUri(), null, ModelFormat.DJL_PARAMS, DnfFeature.CLASSIFIER_KIND);
    ModelException e =
        assertThrows(
            ModelException.class,
            () -> new DnfDetector(ref, null, 8).describe(new Configuration()));
    assertTrue(e.getMessage().contains(DnfDetector.MIRROR_AVERAGE_KEY), e.getMessage());
  }

  private static ImageDetector.Scorer open(Path artifact) {
    ModelRef ref =
        ModelRef.of(artifact.toUri(), null, ModelFormat.DJL_PARAMS, DnfFeature.CLASSIFIER_KIND);
    return new DnfDetector(ref, null, 8).open(new Configuration(), ExecutionSettings.cpu(1));
  }

  private static Path copyEmbeddedPhotoClassifier(Path dir, boolean mirror) throws Exception {
    Files.createDirectories(dir);
    JsonObject manifest;
    try (InputStream in = resource("synthscope-model.json")) {
      manifest =
          JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
              .getAsJsonObject();
    }
    String weights = manifest.get("entry").getAsString();
    try (InputStream in = resource(weights)) {
      Files.copy(in, dir.resolve(weights));
    }
    // the embedded artifact itself is scored with mirror averaging: set the key both ways
    manifest.getAsJsonObject("preprocessing").addProperty(DnfDetector.MIRROR_AVERAGE_KEY, mirror);
    Files.writeString(dir.resolve("synthscope-model.json"), manifest.toString());
    return dir;
  }

  private static InputStream resource(String name) {
    InputStream in = MirrorAverageTest.class.getClassLoader().getResourceAsStream(EMBEDDED + name);
    if (in == null) {
      throw new IllegalStateException("missing resource " + EMBEDDED + name);
    }
    return in;
  }

  /** Random colour noise with a bright left half: no left-right symmetry. */
  private static BufferedImage asymmetric(long seed) {
    Random r = new Random(seed);
    BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        int base = x < 16 ? 160 : 0;
        int red = base + r.nextInt(96);
        int green = base / 2 + r.nextInt(96);
        int blue = r.nextInt(256);
        img.setRGB(x, y, (red << 16) | (green << 8) | blue);
      }
    }
    return img;
  }

  private static BufferedImage mirror(BufferedImage img) {
    BufferedImage m = new BufferedImage(img.getWidth(), img.getHeight(), img.getType());
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        m.setRGB(img.getWidth() - 1 - x, y, img.getRGB(x, y));
      }
    }
    return m;
  }
}
