package com.synthscope.udfs.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.augment.FractionSamplers;
import com.synthscope.udfs.augment.PfDiffSegGenerator;
import com.synthscope.udfs.augment.PhaseFractions;
import com.synthscope.udfs.augment.SamplerSpec;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.testing.SharedSpark;
import com.synthscope.udfs.train.DiffusionRecipe;
import com.synthscope.udfs.train.PfDiffSegTraining;
import com.synthscope.udfs.train.Split;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bulk generation in Spark with a real (briefly trained, tiny) PF-DiffSeg artifact. */
class AugmentationTest {

  @TempDir static Path tmp;
  private static ModelRef ref;
  private static FetchedModel fetched;

  @BeforeAll
  static void trainATinyModel() throws Exception {
    Path artifact =
        PfDiffSegTraining.run(
            SharedSpark.metalDam(),
            Split.TRAIN,
            new DiffusionRecipe(16, 0.125, 4, 4, 1e-3f, 0.9f, 5, "linear", 1000, 0.1f, 4),
            new UNetConfig(6, 8, List.of(1, 2), 1, 5),
            tmp.resolve("train"),
            false,
            new PrintStream(new ByteArrayOutputStream()));
    ref = ModelRef.of(artifact.toUri(), null, ModelFormat.DJL_PARAMS);
    fetched = ModelPreflight.check(ref, new Configuration(), null);
  }

  private static List<Row> generate(long count, int partitions, int batch, long seed)
      throws Exception {
    var sampler =
        FractionSamplers.empirical(
            FractionSamplers.readVectors(
                fetched.folder().resolve(PfDiffSegTraining.FRACTIONS_FILE), 5));
    var settings =
        new Augmentation.Settings(
            ref,
            fetched.modelId(),
            new PfDiffSegGenerator.Settings(SamplerSpec.parse("ddim:3"), 2f),
            batch,
            0.05f);
    return Augmentation.generate(
            Augmentation.plan(SharedSpark.session(), count, partitions, seed, sampler),
            settings,
            HadoopConf.of(SharedSpark.session()))
        .orderBy("sample_id")
        .collectAsList();
  }

  @Test
  void everySampleIdComesOutExactlyOnceWithConsistentQc() throws Exception {
    List<Row> rows = generate(11, 3, 4, 7);
    assertEquals(11, rows.size());
    Set<Long> ids = new HashSet<>();
    for (Row r : rows) {
      assertTrue(ids.add(r.getLong(0)), "duplicate id " + r.getLong(0));
      float[] requested = Augmentation.unboxed(r.getList(2));
      float[] achieved = Augmentation.unboxed(r.getList(3));
      var mask = ImageIO.read(new ByteArrayInputStream((byte[]) r.getAs("mask_png")));
      var image = ImageIO.read(new ByteArrayInputStream((byte[]) r.getAs("image_png")));
      assertEquals(16, mask.getWidth());
      assertEquals(16, image.getHeight());
      byte[] labels = new byte[256];
      for (int y = 0; y < 16; y++) {
        for (int x = 0; x < 16; x++) {
          labels[y * 16 + x] = (byte) mask.getRaster().getSample(x, y, 0);
        }
      }
      assertArrayEquals(
          PhaseFractions.of(labels, 5), achieved, 1e-6f, "achieved = fractions of the stored mask");
      assertEquals(PhaseFractions.l1(requested, achieved), (float) r.getAs("fraction_l1"), 1e-5f);
      assertEquals((float) r.getAs("fraction_l1") <= 0.05f, r.getAs("qc_pass"));
      assertEquals("ddim:3", r.getAs("sampler"));
      assertEquals(fetched.modelId(), r.getAs("model"));
    }
    assertEquals(Set.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), ids);
  }

  @Test
  void theSameSeedGivesTheSameBytesWhateverThePartitioning() throws Exception {
    List<Row> a = generate(6, 1, 4, 3);
    List<Row> b = generate(6, 4, 4, 3);
    List<Row> other = generate(6, 2, 4, 4);
    for (int i = 0; i < 6; i++) {
      assertArrayEquals(
          (byte[]) a.get(i).getAs("image_png"), (byte[]) b.get(i).getAs("image_png"), "image " + i);
      assertArrayEquals(
          (byte[]) a.get(i).getAs("mask_png"), (byte[]) b.get(i).getAs("mask_png"), "mask " + i);
    }
    assertTrue(
        !java.util.Arrays.equals(
            (byte[]) a.get(0).getAs("image_png"), (byte[]) other.get(0).getAs("image_png")),
        "another run seed gives another sample");
  }

  @Test
  void exportWritesPngPairsAndAManifest() throws Exception {
    var set =
        SharedSpark.session().createDataFrame(generate(3, 2, 4, 9), AugmentationSchema.SCHEMA);
    Path dir = tmp.resolve("png");
    long n =
        PairExport.export(
            set,
            dir.toString(),
            HadoopConf.of(SharedSpark.session()),
            List.of("matrix", "austenite", "martensite_austenite", "precipitate", "defect"));
    assertEquals(3, n);
    for (String f : List.of("images/000000.png", "masks/000002.png")) {
      assertEquals(16, ImageIO.read(dir.resolve(f).toFile()).getWidth(), f);
    }
    List<String> manifest = Files.readAllLines(dir.resolve("manifest.csv"));
    assertEquals(4, manifest.size());
    assertTrue(
        manifest.get(1).startsWith("0,images/000000.png,masks/000000.png,"), manifest.get(1));
    try (var files = Files.list(dir.resolve("images"))) {
      assertEquals(3, files.count(), "no checksum side files");
    }
  }
}
