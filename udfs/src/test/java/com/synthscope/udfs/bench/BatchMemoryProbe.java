package com.synthscope.udfs.bench;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.dnf.DnfDetector;
import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.model.ExecutionSettings;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The native memory one image costs in a model batch (README, Reliability; {@link
 * ImageDetector#batchImageBytes()}): opens an embedded detector on one thread, scores one image,
 * reads the process's peak resident memory (VmHWM), scores three batches of B random 256 px images
 * and reads it again. Run one fresh JVM per (detector, B):
 *
 * <pre>
 * mvn -pl udfs test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -Dai.djl.offline=true -cp udfs/target/test-classes:udfs/target/classes:$(cat /tmp/cp.txt) \
 *   com.synthscope.udfs.bench.BatchMemoryProbe nsnet 8
 * </pre>
 */
public final class BatchMemoryProbe {

  private BatchMemoryProbe() {}

  static long peakKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmHWM in /proc/self/status");
  }

  public static void main(String[] args) throws IOException {
    ImageDetector detector =
        args[0].equals("dnf") ? DnfDetector.embedded() : NsNetDetector.embedded();
    int batch = Integer.parseInt(args[1]);
    ImageDetector.Scorer scorer =
        detector.open(new org.apache.hadoop.conf.Configuration(), ExecutionSettings.cpu(1));
    Random random = new Random(1);
    List<BufferedImage> images = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      BufferedImage b = new BufferedImage(256, 256, BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < 256; y++) {
        for (int x = 0; x < 256; x++) {
          b.getRaster().setSample(x, y, 0, random.nextInt(256));
        }
      }
      images.add(b);
    }
    scorer.score(images.subList(0, 1));
    long before = peakKb();
    for (int k = 0; k < 3; k++) {
      scorer.score(images);
    }
    long after = peakKb();
    System.out.printf(
        "%s batch %d: VmHWM %d MB after a batch of 1, %d MB after three batches of %d: +%d MB%n",
        args[0], batch, before / 1024, after / 1024, batch, (after - before) / 1024);
    System.exit(0);
  }
}
