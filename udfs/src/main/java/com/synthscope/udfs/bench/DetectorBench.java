package com.synthscope.udfs.bench;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.DecodeResult;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.model.ExecutionSettings;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.hadoop.conf.Configuration;

/**
 * Throughput of the audit's parts without Spark: decoding ({@link ImageDecoder} over encoded bytes
 * in memory), scoring decoded pictures with one detector through the {@link ImageDetector.Scorer}
 * its {@code open} gives (the code path of the audit's tasks), and the bare loop the Spark audit is
 * compared with.
 */
public final class DetectorBench {

  /** Part names of {@link #bareLoop}'s time split, before the detectors' names. */
  public static final String READ = "read";

  public static final String DECODE = "decode";

  private DetectorBench() {}

  /** Images decoded per second; each thread goes through the list from its own starting point. */
  public static Throughput.Result decode(
      List<byte[]> encoded, DecodeLimits limits, Throughput.Plan plan, int restoreIntraOp) {
    return Throughput.measure(
        plan,
        thread -> {
          ImageDecoder decoder = new ImageDecoder(limits);
          int[] next = {thread * encoded.size() / plan.threads()};
          return () -> {
            decoded(decoder.decode(encoded.get(next[0]++ % encoded.size())));
            return 1;
          };
        },
        restoreIntraOp);
  }

  /**
   * Images scored per second by one detector in batches of {@code batch}, cycling through {@code
   * images}.
   */
  public static Throughput.Result score(
      ImageDetector detector,
      Configuration hadoopConf,
      List<BufferedImage> images,
      int batch,
      Throughput.Plan plan,
      int restoreIntraOp) {
    return Throughput.measure(
        plan,
        thread -> {
          ImageDetector.Scorer scorer =
              detector.open(hadoopConf, ExecutionSettings.cpu(plan.intraOp()));
          int[] next = {thread * images.size() / plan.threads()};
          return () -> {
            List<BufferedImage> b = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
              b.add(images.get(next[0]++ % images.size()));
            }
            double[] p = scorer.score(b);
            if (p.length != batch) {
              throw new IllegalStateException(
                  detector.name() + " gave " + p.length + " scores for " + batch);
            }
            return batch;
          };
        },
        restoreIntraOp);
  }

  /**
   * The audit's work in one process without Spark: P threads, each with a contiguous share of the
   * files (as Spark partitions are), one intra-op thread each; per batch of {@code batch} files:
   * read them, decode, score with every detector. Each thread first scores one batch of its share
   * untimed (warm-up), then its whole share once.
   */
  public static TimeSplit bareLoop(
      List<Path> files,
      List<ImageDetector> detectors,
      Configuration hadoopConf,
      DecodeLimits limits,
      int batch,
      int threads,
      int restoreIntraOp) {
    int parts = 2 + detectors.size();
    AtomicLongArray nanos = new AtomicLongArray(parts);
    Throughput.Plan plan = Throughput.Plan.once(threads, 1, 0);
    Throughput.Result r =
        Throughput.measure(
            plan,
            thread -> {
              List<Path> share =
                  files.subList(
                      thread * files.size() / threads, (thread + 1) * files.size() / threads);
              ImageDecoder decoder = new ImageDecoder(limits);
              List<ImageDetector.Scorer> scorers = new ArrayList<>();
              for (ImageDetector d : detectors) {
                scorers.add(d.open(hadoopConf, ExecutionSettings.cpu(1)));
              }
              runBatch(
                  share.subList(0, Math.min(batch, share.size())),
                  decoder,
                  scorers,
                  new long[parts]); // warm-up
              return () -> {
                long[] own = new long[parts];
                for (int start = 0; start < share.size(); start += batch) {
                  runBatch(
                      share.subList(start, Math.min(start + batch, share.size())),
                      decoder,
                      scorers,
                      own);
                }
                for (int k = 0; k < parts; k++) {
                  nanos.addAndGet(k, own[k]);
                }
                return share.size();
              };
            },
            restoreIntraOp);
    Map<String, Double> split = new LinkedHashMap<>();
    split.put(READ, nanos.get(0) / 1e9);
    split.put(DECODE, nanos.get(1) / 1e9);
    for (int k = 0; k < detectors.size(); k++) {
      split.put(detectors.get(k).name(), nanos.get(2 + k) / 1e9);
    }
    return new TimeSplit(r.items(), threads, r.seconds(), split, r.cpuSeconds());
  }

  private static void runBatch(
      List<Path> files, ImageDecoder decoder, List<ImageDetector.Scorer> scorers, long[] nanos)
      throws java.io.IOException {
    List<BufferedImage> images = new ArrayList<>(files.size());
    for (Path f : files) {
      long t0 = System.nanoTime();
      byte[] bytes = Files.readAllBytes(f);
      long t1 = System.nanoTime();
      if (decoder.decode(bytes) instanceof DecodeResult.Decoded d) {
        images.add(d.image());
      }
      nanos[0] += t1 - t0;
      nanos[1] += System.nanoTime() - t1;
    }
    if (images.isEmpty()) {
      return;
    }
    for (int k = 0; k < scorers.size(); k++) {
      long t0 = System.nanoTime();
      scorers.get(k).score(images);
      nanos[2 + k] += System.nanoTime() - t0;
    }
  }

  private static BufferedImage decoded(DecodeResult r) {
    if (r instanceof DecodeResult.Decoded d) {
      return d.image();
    }
    throw new IllegalArgumentException(
        "a benchmark image does not decode: " + ((DecodeResult.Failed) r).message());
  }

  /** Decodes every image once (for the scoring rows); refuses an image that does not decode. */
  public static List<BufferedImage> decodeAll(List<byte[]> encoded, DecodeLimits limits) {
    ImageDecoder decoder = new ImageDecoder(limits);
    List<BufferedImage> out = new ArrayList<>(encoded.size());
    for (byte[] e : encoded) {
      out.add(decoded(decoder.decode(e)));
    }
    return out;
  }
}
