package com.synthscope.udfs.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.synthscope.udfs.nets.ResNets;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real training of a small ResNet on a task with a known answer. */
class ClassifierTrainerTest {

  private static final Shape SAMPLE = new Shape(1, 16, 16);

  @TempDir Path tmp;

  /**
   * Generated = the image plus a faint checkerboard (a high-frequency trace, as generators leave).
   */
  private static List<ClassifierTrainer.Example> examples(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<ClassifierTrainer.Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = i % 2;
      float[] x = new float[256];
      for (int p = 0; p < 256; p++) {
        x[p] =
            (float) (r.nextDouble() - 0.5)
                + (label == 1 ? (((p / 16 + p % 16) % 2) == 0 ? 0.6f : -0.6f) : 0f);
      }
      out.add(new ClassifierTrainer.Example(x, label));
    }
    return out;
  }

  private ClassifierTrainer trainer(Path out, int maxEpochs) {
    return new ClassifierTrainer(
        new ClassifierTrainer.Recipe(16, 3e-3f, 2, 1e-6f, maxEpochs, true, 5),
        ResNets.build(18, 1, 4),
        SAMPLE,
        ClassifierTrainer.binaryCrossEntropy(),
        out,
        new PrintStream(new ByteArrayOutputStream()));
  }

  @Test
  void theLossFallsAndValidationAccuracyRises() throws Exception {
    Path out = tmp.resolve("run");
    ClassifierTrainer.Summary s = trainer(out, 4).run(examples(96, 1), examples(32, 2), false);
    List<String> lines = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals(5, lines.size(), "header + one line per epoch");
    double first = Double.parseDouble(lines.get(1).split(",")[2]);
    double last = Double.parseDouble(lines.get(4).split(",")[2]);
    assertTrue(last < 0.7 * first, "training loss " + first + " -> " + last);
    assertTrue(s.bestValidationAccuracy() >= 0.9, "val accuracy " + s.bestValidationAccuracy());
    assertTrue(
        Files.isRegularFile(
            out.resolve("best").resolve(ClassifierTrainer.PREFIX + "-0000.params")));
  }

  @Test
  void resumeContinuesAfterTheLastEpochAndRefusesOtherOptions() throws Exception {
    Path out = tmp.resolve("resumed");
    trainer(out, 2).run(examples(32, 1), examples(16, 2), false);
    assertThrows(
        IllegalStateException.class,
        () -> trainer(out, 3).run(examples(32, 1), examples(16, 2), false),
        "an existing checkpoint needs --resume");
    ClassifierTrainer.Summary s = trainer(out, 3).run(examples(32, 1), examples(16, 2), true);
    assertEquals(3, s.epochs());
    assertEquals(
        4, Files.readAllLines(out.resolve("metrics.csv")).size(), "epochs 1, 2 and then 3 only");
    ClassifierTrainer other =
        new ClassifierTrainer(
            new ClassifierTrainer.Recipe(8, 3e-3f, 2, 1e-6f, 4, true, 5),
            ResNets.build(18, 1, 4),
            SAMPLE,
            ClassifierTrainer.binaryCrossEntropy(),
            out,
            new PrintStream(new ByteArrayOutputStream()));
    assertThrows(
        IllegalStateException.class, () -> other.run(examples(32, 1), examples(16, 2), true));
  }

  @Test
  void flipsMirrorEachRow() {
    ClassifierTrainer t =
        new ClassifierTrainer(
            new ClassifierTrainer.Recipe(2, 1e-3f, 1, 1e-6f, 1, true, 1),
            ResNets.build(18, 1, 4),
            new Shape(2, 2, 3),
            ClassifierTrainer.binaryCrossEntropy(),
            tmp,
            new PrintStream(new ByteArrayOutputStream()));
    assertArrayEquals(
        new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7, 12, 11, 10},
        t.flipped(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  }

  @Test
  void dihedralSymmetriesFlipEachPlaneTopBottomAndTransposeSquares() {
    ClassifierTrainer.Recipe recipe =
        new ClassifierTrainer.Recipe(2, 1e-3f, 1, 1e-6f, 1, true, 1).withDihedral(true);
    assertTrue(recipe.dihedral());
    assertEquals(Boolean.TRUE, recipe.toMap().get("dihedral"));
    assertFalse(recipe.withDihedral(false).toMap().containsKey("dihedral"), "absent when unused");
    ClassifierTrainer square = forSamples(recipe, new Shape(2, 2, 2));
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8}; // two 2 x 2 planes: [[1 2] [3 4]], [[5 6] [7 8]]
    assertArrayEquals(new float[] {3, 4, 1, 2, 7, 8, 5, 6}, square.flippedVertically(x));
    assertArrayEquals(new float[] {1, 3, 2, 4, 5, 7, 6, 8}, square.transposed(x));
    ClassifierTrainer wide = forSamples(recipe, new Shape(1, 2, 3));
    float[] y = {1, 2, 3, 4, 5, 6};
    assertArrayEquals(new float[] {4, 5, 6, 1, 2, 3}, wide.flippedVertically(y));
    assertArrayEquals(y, wide.transposed(y), "a sample that is not square is not transposed");
  }

  /** A trainer for samples of this shape, to call its sample transforms. */
  private ClassifierTrainer forSamples(ClassifierTrainer.Recipe recipe, Shape sample) {
    return new ClassifierTrainer(
        recipe,
        ResNets.build(18, 1, 4),
        sample,
        ClassifierTrainer.binaryCrossEntropy(),
        tmp,
        new PrintStream(new ByteArrayOutputStream()));
  }

  /** Three classes: a bright square in one of three places, in noise. */
  private static List<ClassifierTrainer.Example> threeClasses(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<ClassifierTrainer.Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = i % 3;
      float[] x = new float[256];
      for (int p = 0; p < 256; p++) {
        int row = p / 16;
        int col = p % 16;
        boolean square = row >= 5 && row < 11 && col >= 1 + 5 * label && col < 5 + 5 * label;
        x[p] = (float) (r.nextDouble() - 0.5) * 0.5f + (square ? 1f : 0f);
      }
      out.add(new ClassifierTrainer.Example(x, label));
    }
    return out;
  }

  @Test
  void softmaxCrossEntropyLearnsThreeClasses() throws Exception {
    Path out = tmp.resolve("multi");
    ClassifierTrainer t =
        new ClassifierTrainer(
            new ClassifierTrainer.Recipe(16, 3e-3f, 2, 1e-6f, 4, false, 5, 1),
            new com.synthscope.udfs.nets.CifarResNet(
                8, 4, 3, com.synthscope.udfs.nets.CifarResNet.Role.CLASSIFIER),
            SAMPLE,
            ClassifierTrainer.softmaxCrossEntropy(3),
            out,
            new PrintStream(new ByteArrayOutputStream()));
    ClassifierTrainer.Summary s = t.run(threeClasses(96, 1), threeClasses(30, 2), false);
    List<String> lines = Files.readAllLines(out.resolve("metrics.csv"));
    double first = Double.parseDouble(lines.get(1).split(",")[2]);
    double last = Double.parseDouble(lines.get(lines.size() - 1).split(",")[2]);
    assertTrue(last < 0.7 * first, "training loss " + first + " -> " + last);
    assertTrue(
        s.bestValidationAccuracy() >= 0.9,
        "val accuracy " + s.bestValidationAccuracy() + " (chance 1/3)");
  }

  @Test
  void softmaxNeedsTwoClassesAndCropPaddingIsRecordedOnlyWhenUsed() {
    assertThrows(IllegalArgumentException.class, () -> ClassifierTrainer.softmaxCrossEntropy(1));
    assertTrue(
        new ClassifierTrainer.Recipe(8, 1e-3f, 2, 1e-6f, 4, true, 5, 4)
            .toMap()
            .containsKey("crop_padding"));
    assertTrue(
        !new ClassifierTrainer.Recipe(8, 1e-3f, 2, 1e-6f, 4, true, 5)
            .toMap()
            .containsKey("crop_padding"),
        "checkpoints written before the option existed still resume");
    assertThrows(
        IllegalArgumentException.class,
        () -> new ClassifierTrainer.Recipe(8, 1e-3f, 2, 1e-6f, 4, true, 5, -1));
  }

  @Test
  void shiftsTranslateEachChannelWithZeroFill() {
    ClassifierTrainer t =
        new ClassifierTrainer(
            new ClassifierTrainer.Recipe(2, 1e-3f, 1, 1e-6f, 1, true, 1),
            ResNets.build(18, 1, 4),
            new Shape(2, 2, 3),
            ClassifierTrainer.binaryCrossEntropy(),
            tmp,
            new PrintStream(new ByteArrayOutputStream()));
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    // down one row, right one column: row 0 and column 0 become 0
    assertArrayEquals(new float[] {0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 7, 8}, t.shifted(x, 1, 1));
    // left one column
    assertArrayEquals(new float[] {2, 3, 0, 5, 6, 0, 8, 9, 0, 11, 12, 0}, t.shifted(x, 0, -1));
    assertArrayEquals(x, t.shifted(x, 0, 0));
  }
}
