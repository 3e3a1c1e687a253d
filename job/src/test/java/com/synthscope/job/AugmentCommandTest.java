package com.synthscope.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.testing.SharedSpark;
import com.synthscope.udfs.train.DiffusionRecipe;
import com.synthscope.udfs.train.PfDiffSegTraining;
import com.synthscope.udfs.train.Split;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code augment} and {@code eval pfdiffseg} end to end with a briefly trained tiny model. */
class AugmentCommandTest {

  @TempDir static Path tmp;
  private static String model;

  @BeforeAll
  static void tinyModel() throws Exception {
    model = PfDiffSegTraining.run(SharedSpark.metalDam(), Split.TRAIN,
        new DiffusionRecipe(16, 0.125, 3, 4, 1e-3f, 0.9f, 5, "linear", 1000, 0.1f, 3),
        new UNetConfig(6, 8, List.of(1, 2), 1, 5), tmp.resolve("train"), false,
        new PrintStream(new ByteArrayOutputStream())).toString();
  }

  @Test
  void aRerunWithTheSameArgumentsWritesTheSameBytes() throws Exception {
    String[] args = {"augment", "--count", "5", "--output", tmp.resolve("aug").toString(), "--export-png",
        tmp.resolve("png").toString(), "--model", model, "--sampler", "ddim:2", "--batch", "2"};
    IngestCommandTest.Result first = IngestCommandTest.cli(args);
    assertEquals(0, first.code(), first.err());
    List<byte[]> before = pngs(tmp.resolve("png"));
    IngestCommandTest.Result refused = IngestCommandTest.cli(args);
    assertEquals(2, refused.code(), "an existing output needs --overwrite: " + refused.err());
    IngestCommandTest.Result second = IngestCommandTest.cli(concat(args, "--overwrite"));
    assertEquals(0, second.code(), second.err());
    List<byte[]> after = pngs(tmp.resolve("png"));
    assertEquals(10, before.size(), "5 images + 5 masks");
    for (int i = 0; i < before.size(); i++) {
      assertTrue(java.util.Arrays.equals(before.get(i), after.get(i)), "file " + i);
    }
    JsonObject json = second.lastLineJson();
    assertEquals(5, json.get("rows").getAsLong());
    assertEquals(5, SharedSpark.session().read().parquet(tmp.resolve("aug").toString()).count(),
        "the rerun replaced the table instead of appending");
  }

  // issue 14 item 2: a folder augment did not write is never replaced, --overwrite or not
  @Test
  void anExistingFolderOfOtherFilesIsRefusedEvenWithOverwrite() throws Exception {
    Path photos = Files.createDirectories(tmp.resolve("photos"));
    Files.write(photos.resolve("a.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2});
    Files.writeString(photos.resolve("labels.csv"), "a.jpg,1\n");
    String[] args = {"augment", "--count", "2", "--output", photos.toString(), "--model", model, "--sampler",
        "ddim:2", "--batch", "2"};
    for (String[] a : List.of(args, concat(args, "--overwrite"))) {
      IngestCommandTest.Result r = IngestCommandTest.cli(a);
      assertEquals(2, r.code(), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
    }
    try (Stream<Path> left = Files.list(photos)) {
      assertEquals(List.of("a.jpg", "labels.csv"), left.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertEquals("a.jpg,1\n", Files.readString(photos.resolve("labels.csv")));
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void aMissingModelOrBadSamplerIsAConfigurationError() {
    IngestCommandTest.Result missing = IngestCommandTest.cli("augment", "--count", "2", "--output",
        tmp.resolve("x").toString(), "--model", tmp.resolve("nope").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("not found"), missing.err());
    assertEquals(2, IngestCommandTest.cli("augment", "--count", "2", "--output", "y", "--sampler", "ddim").code());
  }

  @Test
  void evalReportsFractionControlAndSpeedAsJson() {
    IngestCommandTest.Result r = IngestCommandTest.cli("eval", "pfdiffseg", "--model", model, "--count", "4",
        "--allow-small", "--batch", "2", "--sampler", "ddim:2", "--speed", "ddim:2,ddim:1", "--grid",
        tmp.resolve("grid.png").toString());
    assertEquals(0, r.code(), r.err());
    JsonObject json = r.lastLineJson();
    assertEquals(4, json.getAsJsonObject("empirical").get("samples").getAsInt());
    assertTrue(json.getAsJsonObject("dirichlet").getAsJsonObject("mean_requested").has("precipitate"));
    assertTrue(json.getAsJsonObject("samples_per_second").has("ddim:1"));
    assertTrue(Files.isRegularFile(tmp.resolve("grid.png")));
    assertEquals(2, IngestCommandTest.cli("eval", "pfdiffseg", "--model", model, "--count", "8").code(),
        "fewer than 64 samples is refused");
  }

  private static List<byte[]> pngs(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".png")).sorted().map(p -> {
        try {
          return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }
}
