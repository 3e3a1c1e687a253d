package com.synthscope.job.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.job.ConfigurationException;
import com.synthscope.job.JobTestSupport;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.dnf.DnfDetector;
import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.testing.SharedSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 11: model batches sized by memory; a batch that cannot fit is capped, one image
 * that cannot is refused.
 */
class BatchSizingTest {

  @TempDir Path tmp;

  private static final long GB = 1_000_000_000L;

  @Test
  void aBatchIsCappedToWhatATasksMemoryHoldsAndRefusedWhenOneImageDoesNot() {
    List<ImageDetector> both = List.of(DnfDetector.embedded(), NsNetDetector.embedded());
    long perImage = NsNetDetector.embedded().batchImageBytes();
    assertTrue(perImage > DnfDetector.embedded().batchImageBytes(), "NS-Net is the heavier one");
    StringWriter log = new StringWriter();
    BatchSizing.Room room = new BatchSizing.Room(2 * GB, "test");
    int capped = BatchSizing.fit(64, both, room, new PrintWriter(log, true));
    assertEquals((int) (2 * GB / perImage), capped);
    assertTrue(
        log.toString().contains("--batch 64 needs about")
            && log.toString().contains("using batch " + capped),
        log.toString());
    assertEquals(
        4,
        BatchSizing.fit(4, both, room, new PrintWriter(new StringWriter())),
        "a batch that fits stays");
    ConfigurationException e =
        assertThrows(
            ConfigurationException.class,
            () ->
                BatchSizing.fit(
                    8,
                    both,
                    new BatchSizing.Room(perImage / 2, "test"),
                    new PrintWriter(new StringWriter())));
    assertTrue(e.getMessage().startsWith("nsnet needs about"), e.getMessage());
  }

  @Test
  void aTasksRoomComesFromTheSettingOrTheExecutorsOverheadOrTheMachine() {
    SparkConf cluster =
        new SparkConf(false)
            .set("spark.executor.memory", "8g")
            .set("spark.executor.memoryOverhead", "4g")
            .set("spark.executor.cores", "4");
    assertEquals(
        1L << 30,
        BatchSizing.room(cluster, false, 16, 0).bytes(),
        "4 GiB of overhead over 4 task slots");
    SparkConf defaults = new SparkConf(false).set("spark.executor.memory", "8g");
    assertEquals(
        (long) ((8L << 30) * 0.1),
        BatchSizing.room(defaults, false, 16, 0).bytes(),
        "10 % of the heap");
    assertEquals(
        3 * GB,
        BatchSizing.room(new SparkConf(false), true, 2, 6 * GB).bytes(),
        "local: available / slots");
    assertEquals(
        1L << 30,
        BatchSizing.room(cluster.clone().set(BatchSizing.MODEL_MEMORY, "1g"), false, 16, 0)
            .bytes());
  }

  @Test
  void theAuditSaysWhenItCapsTheBatchAndRefusesBeforeAnyWork() throws Exception {
    Path in = tmp.resolve("in");
    for (int i = 0; i < 3; i++) {
      JobTestSupport.png(in.resolve("img-" + i + ".png"), JobTestSupport.grey(40 + 50 * i, i));
    }
    Path out = tmp.resolve("audit");
    try {
      Result capped =
          JobTestSupport.cli(
              "audit",
              "--input",
              in.toString(),
              "--output",
              out.toString(),
              "--detectors",
              "nsnet",
              "--batch",
              "64",
              "--conf",
              BatchSizing.MODEL_MEMORY + "=1g");
      assertEquals(0, capped.code(), capped.err());
      int expected = (int) ((1L << 30) / NsNetDetector.embedded().batchImageBytes());
      assertTrue(
          capped.out().contains("--batch 64 needs about")
              && capped.out().contains("using batch " + expected),
          capped.out());
      assertEquals(3, capped.lastLineJson().get("new").getAsLong());

      Path out2 = tmp.resolve("audit2");
      Result refused =
          JobTestSupport.cli(
              "audit",
              "--input",
              in.toString(),
              "--output",
              out2.toString(),
              "--detectors",
              "nsnet",
              "--conf",
              BatchSizing.MODEL_MEMORY + "=100m");
      assertEquals(2, refused.code(), refused.err());
      assertTrue(refused.err().contains("nsnet needs about"), refused.err());
      assertFalse(Files.exists(out2), "nothing written");
    } finally {
      SharedSpark.session().conf().unset(BatchSizing.MODEL_MEMORY);
    }
  }
}
