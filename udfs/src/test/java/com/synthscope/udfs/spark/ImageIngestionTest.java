package com.synthscope.udfs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.testing.ImageCorpus;
import com.synthscope.udfs.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inventory of real files on disk, through a real SparkSession and real Parquet. */
class ImageIngestionTest {

  @TempDir Path tmp;

  private static Map<String, Row> byFileName(Dataset<Row> inventory) {
    Map<String, Row> rows = new HashMap<>();
    for (Row r : inventory.collectAsList()) {
      String path = r.getAs(InventorySchema.PATH);
      rows.put(
          path.substring(path.lastIndexOf('/') + 1),
          r); // binaryFile paths are Hadoop Path strings, not URIs
    }
    return rows;
  }

  @Test
  void everyCorpusFileGetsTheRightStatusAndReasonAndTheJobSucceeds() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("corpus"));
    List<ImageCorpus.Case> cases = ImageCorpus.write(dir);
    Path out = tmp.resolve("inventory");
    ImageIngestion.inventory(
            SharedSpark.session(),
            new IngestOptions(dir.toString(), null, false, DecodeLimits.defaults()))
        .write()
        .parquet(out.toString());

    Dataset<Row> written = SharedSpark.session().read().parquet(out.toString());
    assertEquals(InventorySchema.SCHEMA.fieldNames().length, written.schema().fields().length);
    Map<String, Row> rows = byFileName(written);
    assertEquals(cases.size(), rows.size(), "one row per file: " + rows.keySet());
    for (ImageCorpus.Case c : cases) {
      Row r = rows.get(c.fileName());
      assertNotNull(r, "no row for " + c.fileName() + " among " + rows.keySet());
      assertEquals(c.expectedStatus(), r.getAs(InventorySchema.STATUS), c.fileName());
      assertEquals(
          Files.size(dir.resolve(c.fileName())),
          (long) r.getAs(InventorySchema.LENGTH),
          c.fileName());
      assertEquals(
          sha256(dir.resolve(c.fileName())), r.getAs(InventorySchema.SHA256), c.fileName());
      assertNotNull(r.getAs(InventorySchema.MODIFICATION_TIME), c.fileName());
      if (c.expectedReason() == null) {
        assertNull(r.getAs(InventorySchema.ERROR), c.fileName());
        assertEquals(c.expectedFormat(), r.getAs(InventorySchema.FORMAT), c.fileName());
        assertEquals(c.expectedWidth(), (int) r.getAs(InventorySchema.WIDTH), c.fileName());
        assertEquals(c.expectedHeight(), (int) r.getAs(InventorySchema.HEIGHT), c.fileName());
        assertEquals(c.expectedChannels(), (int) r.getAs(InventorySchema.CHANNELS), c.fileName());
        assertEquals(c.expectedBitDepth(), (int) r.getAs(InventorySchema.BIT_DEPTH), c.fileName());
      } else {
        String error = r.getAs(InventorySchema.ERROR);
        assertEquals(
            c.expectedReason(), InventorySchema.reasonOf(error), c.fileName() + ": " + error);
        assertTrue(
            error.length() < 300 && !error.contains("\n"), "short one-line reason: " + error);
      }
    }
  }

  @Test
  void filesOverTheSizeLimitAreRefusedWithoutReading() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("sizes"));
    ImageCorpus.write(dir);
    long limit = 2000;
    Dataset<Row> inv =
        ImageIngestion.inventory(
            SharedSpark.session(),
            new IngestOptions(
                dir.toString(),
                null,
                false,
                new DecodeLimits(
                    limit,
                    DecodeLimits.defaults().maxPixels(),
                    DecodeLimits.defaults().minSide())));
    for (Row r : inv.collectAsList()) {
      long length = r.getAs(InventorySchema.LENGTH);
      String error = r.getAs(InventorySchema.ERROR);
      if (length > limit) {
        assertEquals(
            "too_large", InventorySchema.reasonOf(error), (String) r.getAs(InventorySchema.PATH));
        assertNull(r.getAs(InventorySchema.SHA256), "an oversized file is never read");
      } else {
        assertTrue(error == null || !error.startsWith("too_large"), error);
      }
    }
  }

  @Test
  void recursiveAndGlobSelectTheFiles() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("tree"));
    Path sub = Files.createDirectories(dir.resolve("nested").resolve("run_date=2026-01-01"));
    Path image = Files.createDirectories(tmp.resolve("one"));
    Path png = image.resolve(okPng(ImageCorpus.write(image)));
    Files.copy(png, dir.resolve("top.png"));
    Files.copy(png, sub.resolve("deep.png"));
    Files.writeString(dir.resolve("readme.txt"), "not an image");

    assertEquals(2, count(new IngestOptions(dir.toString(), null, false, DecodeLimits.defaults())));
    assertEquals(3, count(new IngestOptions(dir.toString(), null, true, DecodeLimits.defaults())));
    assertEquals(
        2, count(new IngestOptions(dir.toString(), "*.png", true, DecodeLimits.defaults())));
  }

  /**
   * Hidden names, links that loop, a dangling link, a colon in a name: every file a row, each once,
   * no hang.
   */
  @Test
  void everyFileUnderTheInputGetsExactlyOneRowWhateverItsNameOrLinks() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("camera"));
    Path image = Files.createDirectories(tmp.resolve("one"));
    Path png = image.resolve(okPng(ImageCorpus.write(image)));
    Files.copy(png, dir.resolve("_DSC0001.png"));
    Files.copy(png, dir.resolve(".hidden.png"));
    Files.copy(png, dir.resolve("12:30:00.png"));
    Files.copy(png, Files.createDirectories(dir.resolve("_raw")).resolve("deep.png"));
    Files.writeString(dir.resolve("late.png._COPYING_"), "half");
    Files.createSymbolicLink(dir.resolve("latest"), Path.of("."));
    Files.createSymbolicLink(dir.resolve("current"), Path.of("."));
    Files.createSymbolicLink(dir.resolve("_raw").resolve("loop"), Path.of(".."));
    Files.createSymbolicLink(dir.resolve("gone.png"), Path.of("nowhere.png"));

    Map<String, Row> rows =
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
            java.time.Duration.ofMinutes(3),
            () ->
                byRelativePath(
                    dir,
                    ImageIngestion.inventory(
                        SharedSpark.session(),
                        new IngestOptions(dir.toString(), null, true, DecodeLimits.defaults()))));

    assertEquals(
        List.of(
            ".hidden.png",
            "12:30:00.png",
            "_DSC0001.png",
            "_raw/deep.png",
            "_raw/loop",
            "current",
            "gone.png",
            "late.png._COPYING_",
            "latest"),
        List.copyOf(new java.util.TreeSet<>(rows.keySet())));
    for (String ok : List.of(".hidden.png", "12:30:00.png", "_DSC0001.png", "_raw/deep.png")) {
      assertEquals(InventorySchema.STATUS_OK, rows.get(ok).getAs(InventorySchema.STATUS), ok);
      assertEquals(sha256(png), rows.get(ok).getAs(InventorySchema.SHA256), ok);
    }
    Map<String, String> reasons =
        Map.of(
            "_raw/loop",
            "symlink_cycle",
            "current",
            "symlink_cycle",
            "latest",
            "symlink_cycle",
            "gone.png",
            "dangling_link",
            "late.png._COPYING_",
            "incomplete");
    reasons.forEach(
        (name, reason) ->
            assertEquals(
                reason,
                InventorySchema.reasonOf(rows.get(name).getAs(InventorySchema.ERROR)),
                name));
  }

  @Test
  void aFileDeletedBetweenListingAndReadingIsAVanishedRow() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("vanishing"));
    List<ImageCorpus.Case> cases = ImageCorpus.write(dir);
    String victim = okPng(cases);
    Dataset<Row> inventory =
        ImageIngestion.inventory(
            SharedSpark.session(),
            new IngestOptions(
                dir.toString(),
                null,
                false,
                DecodeLimits.defaults())); // listed now, read when collected
    Files.delete(dir.resolve(victim));

    Map<String, Row> rows = byFileName(inventory);

    assertEquals(cases.size(), rows.size());
    assertEquals(
        "vanished", InventorySchema.reasonOf(rows.get(victim).getAs(InventorySchema.ERROR)));
  }

  @Test
  void aFileOverTwoGibibytesIsATooLargeRowEvenWhenTheLimitIsRaised() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("huge"));
    try (java.io.RandomAccessFile f =
        new java.io.RandomAccessFile(dir.resolve("huge.tif").toFile(), "rw")) {
      f.setLength(2_200_000_000L); // sparse: takes no disk space
    }
    Path image = Files.createDirectories(tmp.resolve("small"));
    Files.copy(image.resolve(okPng(ImageCorpus.write(image))), dir.resolve("small.png"));

    Map<String, Row> rows =
        byFileName(
            ImageIngestion.inventory(
                SharedSpark.session(),
                new IngestOptions(
                    dir.toString(),
                    null,
                    false,
                    new DecodeLimits(
                        4_000_000_000L,
                        DecodeLimits.DEFAULT_MAX_PIXELS,
                        DecodeLimits.DEFAULT_MIN_SIDE))));

    String error = rows.get("huge.tif").getAs(InventorySchema.ERROR);
    assertEquals("too_large", InventorySchema.reasonOf(error), error);
    assertTrue(error.contains("in memory"), error);
    assertEquals(InventorySchema.STATUS_OK, rows.get("small.png").getAs(InventorySchema.STATUS));
  }

  /**
   * The listing alone, as a nightly increment joins it against the scores table: no content is
   * read.
   */
  @Test
  void theListingGivesPathLengthAndModificationTimeWithoutReading() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("listing"));
    List<ImageCorpus.Case> cases = ImageCorpus.write(dir);
    Files.createSymbolicLink(dir.resolve("gone.png"), Path.of("nowhere.png"));

    Dataset<Row> listing =
        ImageIngestion.listing(
            SharedSpark.session(),
            new IngestOptions(dir.toString(), null, false, DecodeLimits.defaults()));

    assertEquals(
        java.util.Arrays.asList(ImageIngestion.LISTING_SCHEMA.fieldNames()),
        java.util.Arrays.asList(listing.schema().fieldNames()));
    Map<String, Row> rows = byFileName(listing);
    assertEquals(cases.size() + 1, rows.size());
    for (ImageCorpus.Case c : cases) {
      Row r = rows.get(c.fileName());
      assertEquals(
          Files.size(dir.resolve(c.fileName())),
          (long) r.getAs(InventorySchema.LENGTH),
          c.fileName());
      assertEquals(
          Files.getLastModifiedTime(dir.resolve(c.fileName())).toMillis(),
          r.<java.sql.Timestamp>getAs(InventorySchema.MODIFICATION_TIME).getTime(),
          c.fileName());
      assertNull(r.getAs(InventorySchema.ERROR), c.fileName());
    }
    assertEquals(
        "dangling_link",
        InventorySchema.reasonOf(rows.get("gone.png").getAs(InventorySchema.ERROR)));
  }

  @Test
  void aScoringScanIsCutIntoSeveralTasksPerCoreWithinTheBytesBound() {
    var spark = SharedSpark.session();
    int cores = spark.sparkContext().defaultParallelism();
    long perPartition = spark.sessionState().conf().filesMaxPartitionBytes();
    // 100 000 images of 3.2 KB: by bytes alone 3 partitions (two cores, the last task alone);
    // scoring: 4 per core
    assertEquals(3, ImageIngestion.partitions(spark, 100_000, 317_200_000L));
    assertEquals(
        Math.max(3, ImageIngestion.SCORING_TASKS_PER_CORE * cores),
        ImageIngestion.scoringPartitions(spark, 100_000, 317_200_000L));
    // the bytes bound still holds when it asks for more (no partition holds more than Spark's 128
    // MiB)
    assertEquals(100, ImageIngestion.scoringPartitions(spark, 100_000, 100 * perPartition));
    // never more partitions than files, never none
    assertEquals(5, ImageIngestion.scoringPartitions(spark, 5, 5_000));
    assertEquals(1, ImageIngestion.scoringPartitions(spark, 0, 0));
  }

  private static Map<String, Row> byRelativePath(Path dir, Dataset<Row> inventory) {
    String root = new org.apache.hadoop.fs.Path("file", null, dir.toString()).toString() + "/";
    Map<String, Row> rows = new HashMap<>();
    for (Row r : inventory.collectAsList()) {
      String path = r.getAs(InventorySchema.PATH);
      assertTrue(path.startsWith(root), path);
      assertNull(rows.put(path.substring(root.length()), r), "two rows for " + path);
    }
    return rows;
  }

  private static String okPng(List<ImageCorpus.Case> cases) {
    return cases.stream()
        .filter(c -> c.expectedReason() == null && c.fileName().endsWith(".png"))
        .findFirst()
        .orElseThrow()
        .fileName();
  }

  private static long count(IngestOptions options) {
    return ImageIngestion.inventory(SharedSpark.session(), options).count();
  }

  private static String sha256(Path p) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }
}
