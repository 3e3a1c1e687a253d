package com.synthscope.job.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.job.JobTestSupport;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.udfs.testing.SharedSpark;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench-data whole: the labelled folders of the whole-image protocol, and a clear refusal of a
 * wrong --data.
 */
class BenchDataWholeCommandTest {

  @TempDir Path tmp;

  @Test
  void buildsRealCropsUpsampledFakesAndThreeVariantsOfEachGenerator() throws Exception {
    Path gen = Files.createDirectories(tmp.resolve("gen"));
    for (int i = 0; i < 2; i++) {
      BufferedImage g = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
      g.getRaster().setSample(i, 3, 0, 200);
      ImageIO.write(g, "png", gen.resolve("00000" + i + ".png").toFile());
    }
    Path out = tmp.resolve("whole");
    Result r =
        JobTestSupport.cli(
            "bench-data",
            "whole",
            "--data",
            SharedSpark.metalDam().toString(),
            "--split",
            "test",
            "--crops",
            "2",
            "--upsampled",
            "4",
            "--out",
            out.toString(),
            "--fakes",
            "pf=" + gen);
    assertEquals(0, r.code(), r.err() + r.out());
    // the 8 whole test micrographs with their band, and 2 crops of each
    assertEquals(8, count(out.resolve("real/0_real"), ".jpg"));
    assertEquals(16, count(out.resolve("real/0_real"), ".png"));
    assertEquals(4, count(out.resolve("upsampled/1_fake"), ".png"));
    assertEquals(2, count(out.resolve("pf/1_fake"), ".png"));
    assertEquals(2, count(out.resolve("pf-jpeg85/1_fake"), ".jpg"));
    BufferedImage resized = ImageIO.read(out.resolve("pf-resized1.5/1_fake/000000.png").toFile());
    assertEquals(48, resized.getWidth());
    assertTrue(r.lastLineJson().get("real").getAsInt() == 24, r.out());
  }

  @Test
  void refusesAFolderThatIsNotMetalDamBeforeWritingAnything() throws Exception {
    Path out = tmp.resolve("whole");
    Result r =
        JobTestSupport.cli(
            "bench-data",
            "whole",
            "--data",
            tmp.resolve("nowhere").toString(),
            "--out",
            out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("is not the metaldam folder (no images/ in it)"), r.err());
    assertFalse(Files.exists(out), "nothing written");
  }

  private static long count(Path dir, String suffix) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(suffix)).count();
    }
  }
}
