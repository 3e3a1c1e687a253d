import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The grey statistics of docs/pfdiffseg.md (issue 16, session 7): generated PF-DiffSeg images (an augment
 * {@code --export-png} folder's images/) against 32 px crops of MetalDAM's train and test micrographs, cropped to their
 * labels and box-downscaled 4 times (the model's scale 0.25), 24 seeded random crops per micrograph. Per set: the mean
 * and standard deviation of the crop means, the share of pixels at the embedded grey stretch's limits, the mean
 * within-crop standard deviation and absolute horizontal gradient, and pooled percentiles. Grey is read from the
 * raster (not getRGB, which converts a grey PNG's linear values to sRGB). JDK only, run as a single-file program:
 *
 * <pre>java docs/GreyStatistics.java GENERATED_IMAGES_DIR ../shared/datasets/metaldam [GREY_LOW GREY_HIGH]</pre>
 *
 * GREY_LOW and GREY_HIGH default to the long run's manifest values (0.1113, 0.7451).
 */
public class GreyStatistics {
  static final int SIZE = 32;
  static final int[] TEST = {3, 9, 14, 20, 26, 31, 37, 41};
  static final int[] VALIDATION = {1, 6, 11, 17, 23, 29, 34, 39};

  public static void main(String[] args) throws Exception {
    double low = args.length > 2 ? Double.parseDouble(args[2]) : 0.1113;
    double high = args.length > 3 ? Double.parseDouble(args[3]) : 0.7451;
    File root = new File(args[1]);
    List<int[]> splits = List.of(train(), TEST);
    String[] names = {"real train", "real test"};
    Random random = new Random(1);
    System.out.println(
        "set: mean of crop means, sd of crop means, share <= low, share >= high, mean crop sd, mean |dx|,"
            + " pooled p1 p10 p50 p90 p99");
    for (int s = 0; s < splits.size(); s++) {
      List<double[]> crops = new ArrayList<>();
      for (int id : splits.get(s)) {
        crops.addAll(realCrops(root, id, random));
      }
      print(names[s], crops, low, high);
    }
    List<double[]> generated = new ArrayList<>();
    File[] files = new File(args[0]).listFiles((d, n) -> n.endsWith(".png"));
    Arrays.sort(files);
    for (File f : files) {
      BufferedImage im = ImageIO.read(f);
      double[] c = new double[im.getWidth() * im.getHeight()];
      for (int y = 0; y < im.getHeight(); y++) {
        for (int x = 0; x < im.getWidth(); x++) {
          c[y * im.getWidth() + x] = grey(im.getRaster(), x, y);
        }
      }
      generated.add(c);
    }
    print("generated (" + generated.size() + ")", generated, low, high);
  }

  static int[] train() {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < 42; i++) {
      final int id = i;
      if (Arrays.stream(TEST).noneMatch(t -> t == id)
          && Arrays.stream(VALIDATION).noneMatch(v -> v == id)) {
        ids.add(id);
      }
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  static List<double[]> realCrops(File root, int id, Random random) throws Exception {
    BufferedImage image = ImageIO.read(new File(root, "images/micrograph" + id + ".jpg"));
    BufferedImage label = ImageIO.read(new File(root, "labels/micrograph" + id + ".png"));
    int w = label.getWidth() / 4;
    int h = label.getHeight() / 4;
    double[] small = new double[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double sum = 0;
        for (int j = 0; j < 4; j++) {
          for (int i = 0; i < 4; i++) {
            sum += grey(image.getRaster(), 4 * x + i, 4 * y + j);
          }
        }
        small[y * w + x] = sum / 16;
      }
    }
    List<double[]> crops = new ArrayList<>();
    for (int k = 0; k < 24; k++) {
      int x0 = random.nextInt(w - SIZE);
      int y0 = random.nextInt(h - SIZE);
      double[] c = new double[SIZE * SIZE];
      for (int y = 0; y < SIZE; y++) {
        System.arraycopy(small, (y0 + y) * w + x0, c, y * SIZE, SIZE);
      }
      crops.add(c);
    }
    return crops;
  }

  static double grey(Raster r, int x, int y) {
    if (r.getNumBands() == 1) {
      return r.getSample(x, y, 0) / 255.0;
    }
    return (r.getSample(x, y, 0) + r.getSample(x, y, 1) + r.getSample(x, y, 2)) / 765.0;
  }

  static void print(String name, List<double[]> crops, double low, double high) {
    double sumMeans = 0;
    double sumSquaredMeans = 0;
    double sumSd = 0;
    double sumGradient = 0;
    long atLow = 0;
    long atHigh = 0;
    List<Double> pooled = new ArrayList<>();
    for (double[] c : crops) {
      double mean = Arrays.stream(c).average().orElse(0);
      double var = 0;
      for (double v : c) {
        var += (v - mean) * (v - mean);
        pooled.add(v);
        atLow += v <= low + 1e-3 ? 1 : 0;
        atHigh += v >= high - 1e-3 ? 1 : 0;
      }
      int side = (int) Math.sqrt(c.length);
      double gradient = 0;
      for (int y = 0; y < side; y++) {
        for (int x = 0; x + 1 < side; x++) {
          gradient += Math.abs(c[y * side + x + 1] - c[y * side + x]);
        }
      }
      sumMeans += mean;
      sumSquaredMeans += mean * mean;
      sumSd += Math.sqrt(var / c.length);
      sumGradient += gradient / (side * (side - 1));
    }
    int n = crops.size();
    double meanOfMeans = sumMeans / n;
    pooled.sort(null);
    int p = pooled.size();
    System.out.printf(
        "%s: %.3f, %.3f, %.1f %%, %.1f %%, %.3f, %.3f, %.3f %.3f %.3f %.3f %.3f%n",
        name,
        meanOfMeans,
        Math.sqrt(sumSquaredMeans / n - meanOfMeans * meanOfMeans),
        100.0 * atLow / p,
        100.0 * atHigh / p,
        sumSd / n,
        sumGradient / n,
        pooled.get(p / 100),
        pooled.get(p / 10),
        pooled.get(p / 2),
        pooled.get(9 * p / 10),
        pooled.get(99 * p / 100));
  }
}
