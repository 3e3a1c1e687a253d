package com.synthscope.udfs.bench;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.dnf.DnfDetector;
import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.spark.MicrographBenchmark;
import com.synthscope.udfs.train.MetalDam;
import com.synthscope.udfs.train.Split;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;

/**
 * Memory soak, not a test: one caller thread after another scores the same tiles with an embedded
 * detector, as Spark's task threads come and go in a long executor, and the process RSS is printed
 * after each thread ends. It must not grow per thread (it did by about 1.6 GB per thread for NS-Net
 * while models ran on the caller's thread).
 *
 * <p>Usage: {@code ThreadChurnSoak <metaldam-dir> <dnf|nsnet> <threads> <images per thread>}.
 */
public final class ThreadChurnSoak {

  public static void main(String[] args) throws Exception {
    List<BufferedImage> tiles = new ArrayList<>();
    for (Row r :
        MicrographBenchmark.realCrops(
            MetalDam.loadDownscaled(Path.of(args[0]), Split.TRAIN, 0.25),
            Split.TRAIN,
            Integer.parseInt(args[3]),
            32,
            false,
            new SplittableRandom(1),
            0)) {
      tiles.add(ImageIO.read(new ByteArrayInputStream((byte[]) r.get(4))));
    }
    ImageDetector detector =
        args[1].equals("dnf") ? DnfDetector.embedded() : NsNetDetector.embedded();
    int threads = Integer.parseInt(args[2]);
    System.out.printf("before: RSS %.0f MB%n", MachineInfo.residentKb() / 1024.0);
    for (int t = 1; t <= threads; t++) {
      Thread caller =
          new Thread(
              () -> {
                ImageDetector.Scorer scorer =
                    detector.open(new Configuration(), ExecutionSettings.cpu(1));
                for (int i = 0; i + 8 <= tiles.size(); i += 8) {
                  scorer.score(tiles.subList(i, i + 8));
                }
              },
              "caller-" + t);
      caller.start();
      caller.join();
      System.out.printf(
          "after caller thread %d: RSS %.0f MB%n", t, MachineInfo.residentKb() / 1024.0);
    }
  }
}
