package com.synthscope.udfs.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FractionSamplersTest {

  /** DATA.md's shares of all labelled pixels. */
  private static final float[] METALDAM_MEAN = {0.346f, 0.555f, 0.090f, 0.0024f, 0.0069f};

  private static void assertSumsToOne(float[] v) {
    double s = 0;
    for (float x : v) {
      assertTrue(x >= 0 && x <= 1, Arrays.toString(v));
      s += x;
    }
    assertEquals(1.0, s, 1e-5, Arrays.toString(v));
  }

  @Test
  void empiricalPicksRealVectorsDeterministically() {
    List<float[]> real =
        List.of(new float[] {1, 0, 0}, new float[] {0, 2, 2}, new float[] {0.2f, 0.3f, 0.5f});
    FractionSampler s = FractionSamplers.empirical(real);
    var seen = new java.util.HashSet<String>();
    for (long seed = 0; seed < 200; seed++) {
      float[] v = s.sample(seed);
      assertArrayEquals(v, s.sample(seed));
      assertSumsToOne(v);
      seen.add(Arrays.toString(v));
    }
    assertEquals(3, seen.size(), "every real vector is used; {0,2,2} normalised: " + seen);
    assertTrue(seen.contains(Arrays.toString(new float[] {0, 0.5f, 0.5f})));
    assertThrows(IllegalArgumentException.class, () -> FractionSamplers.empirical(List.of()));
  }

  @Test
  void dirichletIsDeterministicPerSeedAndSumsToOne() {
    FractionSampler s =
        FractionSamplers.dirichlet(
            METALDAM_MEAN, FractionSamplers.DEFAULT_CONCENTRATION, FractionSamplers.DEFAULT_BOOST);
    assertArrayEquals(s.sample(17), s.sample(17));
    assertFalse(Arrays.equals(s.sample(17), s.sample(18)));
    for (long seed = 0; seed < 500; seed++) {
      assertSumsToOne(s.sample(seed));
    }
    assertTrue(s.name().startsWith("dirichlet("), s.name());
  }

  @Test
  void dirichletMeanIsTheNormalisedBoostedMeanAndFavoursMinorities() {
    float[] boost = FractionSamplers.DEFAULT_BOOST;
    FractionSampler s =
        FractionSamplers.dirichlet(METALDAM_MEAN, FractionSamplers.DEFAULT_CONCENTRATION, boost);
    int n = 20000;
    double[] mean = new double[5];
    for (long seed = 0; seed < n; seed++) {
      float[] v = s.sample(seed);
      for (int k = 0; k < 5; k++) {
        mean[k] += v[k] / n;
      }
    }
    double total = 0;
    double[] expected = new double[5];
    for (int k = 0; k < 5; k++) {
      expected[k] = METALDAM_MEAN[k] * boost[k];
      total += expected[k];
    }
    for (int k = 0; k < 5; k++) {
      expected[k] /= total;
      // standard error of the mean is about sqrt(p(1-p)/21/n) < 0.001
      assertEquals(expected[k], mean[k], 0.005, "class " + k + " " + Arrays.toString(mean));
    }
    double minorityEmpirical = METALDAM_MEAN[2] + METALDAM_MEAN[3] + METALDAM_MEAN[4];
    double minorityRequested = mean[2] + mean[3] + mean[4];
    assertTrue(
        minorityRequested > 2.5 * minorityEmpirical,
        minorityRequested + " vs " + minorityEmpirical);
    for (int k = 2; k < 5; k++) {
      assertTrue(mean[k] > METALDAM_MEAN[k] * 2, "class " + k);
    }
  }

  @Test
  void dirichletWithoutBoostCentresOnTheMeanAndConcentrationControlsSpread() {
    float[] mean = {0.5f, 0.3f, 0.2f};
    FractionSampler loose = FractionSamplers.dirichlet(mean, 2f, null);
    FractionSampler tight = FractionSamplers.dirichlet(mean, 500f, null);
    double[] m = new double[3];
    double varLoose = 0;
    double varTight = 0;
    int n = 5000;
    for (long seed = 0; seed < n; seed++) {
      float[] a = loose.sample(seed);
      float[] b = tight.sample(seed);
      for (int k = 0; k < 3; k++) {
        m[k] += a[k] / n;
      }
      varLoose += (a[0] - 0.5) * (a[0] - 0.5) / n;
      varTight += (b[0] - 0.5) * (b[0] - 0.5) / n;
    }
    assertEquals(0.5, m[0], 0.02);
    assertEquals(0.3, m[1], 0.02);
    assertEquals(0.5 * 0.5 / 3, varLoose, 0.01); // p(1-p)/(c+1)
    assertEquals(0.5 * 0.5 / 501, varTight, 0.0002);
    // a zero-mean class is never requested
    FractionSampler zero = FractionSamplers.dirichlet(new float[] {0.7f, 0f, 0.3f}, 20f, null);
    for (long seed = 0; seed < 100; seed++) {
      assertEquals(0f, zero.sample(seed)[1]);
    }
    assertThrows(IllegalArgumentException.class, () -> FractionSamplers.dirichlet(mean, 0f, null));
    assertThrows(
        IllegalArgumentException.class, () -> FractionSamplers.dirichlet(mean, 1f, new float[2]));
    assertThrows(
        IllegalArgumentException.class, () -> FractionSamplers.dirichlet(new float[3], 1f, null));
  }

  @Test
  void samplersSurviveJavaSerialization() throws Exception {
    FractionSampler s =
        FractionSamplers.dirichlet(METALDAM_MEAN, 20f, FractionSamplers.DEFAULT_BOOST);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    FractionSampler copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (FractionSampler) in.readObject();
    }
    assertArrayEquals(s.sample(99), copy.sample(99));
    assertEquals(s.name(), copy.name());
  }

  @Test
  void fromFileReadsNormalisesAndCyclesBySeed(@TempDir Path dir) throws IOException {
    Path csv = dir.resolve("fractions.csv");
    Files.writeString(csv, "matrix,austenite,ma\n# a comment\n1,1,2\n\n 0.2 , 0.3 , 0.5 \n0,0,3\n");
    FractionSampler s = FractionSamplers.fromFile(csv, 3);
    assertArrayEquals(new float[] {0.25f, 0.25f, 0.5f}, s.sample(0), 1e-6f);
    assertArrayEquals(new float[] {0.2f, 0.3f, 0.5f}, s.sample(1), 1e-6f);
    assertArrayEquals(new float[] {0f, 0f, 1f}, s.sample(2), 1e-6f);
    assertArrayEquals(s.sample(0), s.sample(3));
    assertArrayEquals(s.sample(2), s.sample(-1));
    assertEquals("file:fractions.csv", s.name());

    Path noHeader = dir.resolve("plain.csv");
    Files.writeString(noHeader, "0.5,0.5\n");
    assertArrayEquals(
        new float[] {0.5f, 0.5f}, FractionSamplers.fromFile(noHeader, 2).sample(123), 0f);
  }

  @Test
  void fromLinesParsesLikeFromFileAndNamesItsSource() throws IOException {
    String source = "hdfs://nn:8020/conf/fractions.csv";
    FractionSampler s = FractionSamplers.fromLines(List.of("matrix,austenite", "3,1"), source, 2);
    assertArrayEquals(new float[] {0.75f, 0.25f}, s.sample(7), 0f);
    assertEquals("file:fractions.csv", s.name());
    IOException e =
        assertThrows(
            IOException.class, () -> FractionSamplers.fromLines(List.of("1,2,3"), source, 2));
    assertTrue(e.getMessage().startsWith(source + " line 1"), e.getMessage());
  }

  @Test
  void fromFileRejectsBadLinesNamingFileAndLine(@TempDir Path dir) throws IOException {
    assertFileError(dir, "a,b,c\n0.1,0.9\n", "line 2", "2 values, expected 3");
    assertFileError(dir, "0.5,-0.1,0.6\n", "line 1", "negative");
    assertFileError(dir, "0.5,0.1,0.4\n0.5,x,0.4\n", "line 2", "not a number");
    assertFileError(dir, "0,0,0\n", "line 1", "sum to 0");
    assertFileError(dir, "0.5,NaN,0.4\n", "line 1", "not finite");
    assertFileError(dir, "header,only,here\n", "bad.csv", "no fraction vectors");
    assertThrows(IOException.class, () -> FractionSamplers.fromFile(dir.resolve("absent.csv"), 3));
  }

  private static void assertFileError(Path dir, String content, String where, String what)
      throws IOException {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, content);
    IOException e = assertThrows(IOException.class, () -> FractionSamplers.fromFile(csv, 3));
    assertTrue(
        e.getMessage().contains("bad.csv")
            && e.getMessage().contains(where)
            && e.getMessage().contains(what),
        e.getMessage());
  }
}
