package com.synthscope.udfs.bench;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.dnf.DnfDetector;
import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.spark.HadoopConf;
import com.synthscope.udfs.spark.ImageScoring;
import com.synthscope.udfs.spark.MicrographBenchmark;
import com.synthscope.udfs.train.LabelledMicrograph;
import com.synthscope.udfs.train.MetalDam;
import com.synthscope.udfs.train.Split;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Memory soak, not a test: scores N images through {@code spark.ImageScoring} in one local executor
 * (local[1]) with the embedded detectors, sampling the JVM heap in use and the process RSS ({@code
 * /proc/self/status} VmRSS) every second into a CSV. RSS must level off: a native leak per batch
 * would make it climb with the images scored.
 *
 * <p>Usage: {@code ScoringSoak <metaldam-dir> <images> <detectors dnf|nsnet|dnf,nsnet> <out.csv>
 * [partitions]} (default 4 partitions). The images are 32 px MetalDAM tiles at scale 0.25 (the
 * detectors' domain), each one distinct.
 */
public final class ScoringSoak {

  public static void main(String[] args) throws Exception {
    Path metalDam = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    List<ImageDetector> detectors = new ArrayList<>();
    for (String d : args[2].split(",")) {
      detectors.add(d.equals("dnf") ? DnfDetector.embedded() : NsNetDetector.embedded());
    }
    Path csv = Path.of(args[3]);
    int partitions = args.length > 4 ? Integer.parseInt(args[4]) : 4;
    List<LabelledMicrograph> images = MetalDam.loadDownscaled(metalDam, Split.TRAIN, 0.25);
    List<Row> rows = new ArrayList<>();
    for (Row r :
        MicrographBenchmark.realCrops(
            images, Split.TRAIN, n, 32, false, new SplittableRandom(1), 0)) {
      rows.add(RowFactory.create(r.getLong(0), r.get(4)));
    }
    SparkSession spark =
        SparkSession.builder()
            .appName("soak")
            .master("local[1]")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    StructType schema =
        new StructType().add("id", DataTypes.LongType).add("content", DataTypes.BinaryType);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicBoolean done = new AtomicBoolean();
    long started = System.nanoTime();
    Thread sampler =
        new Thread(
            () -> {
              try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(csv))) {
                out.println("seconds,heap_used_mb,rss_mb");
                while (!done.get()) {
                  out.printf(
                      Locale.ROOT,
                      "%.1f,%.1f,%.1f%n",
                      (System.nanoTime() - started) / 1e9,
                      memory.getHeapMemoryUsage().getUsed() / 1048576.0,
                      MachineInfo.residentKb() / 1024.0);
                  out.flush();
                  Thread.sleep(1000);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "soak-sampler");
    sampler.setDaemon(true);
    sampler.start();
    long scored =
        ImageScoring.score(
                spark.createDataFrame(rows, schema).repartition(partitions),
                "content",
                detectors,
                8,
                DecodeLimits.defaults(),
                HadoopConf.of(spark))
            .filter(ImageScoring.ERROR + " IS NULL")
            .count();
    done.set(true);
    sampler.join();
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "scored %d images with %s in %.1f s (%.1f images/s); samples in %s%n",
        scored,
        args[2],
        seconds,
        scored / seconds,
        csv);
    spark.stop();
  }
}
