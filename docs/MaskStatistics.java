import java.awt.image.Raster;
import java.io.File;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The mask statistics of docs/pfdiffseg.md (issue 16, session 17): how the generated pairs of an
 * augment {@code --export-png} folder draw each class, against MetalDAM's training micrographs cut
 * into 32 px tiles at the model's scale 0.25 (labels cropped to their rows, images box-downscaled 4
 * times, each label tile the mode of its 4 x 4 block). Per class: share of pixels, mean grey, how
 * many crops hold it, its 4-connected regions per crop that holds it and pixels per region; over
 * all pixels the share on a class boundary and the mean absolute Laplacian of the grey image
 * (detail at 1-2 px). With the export's manifest.csv also, per minority class, how many requests
 * asked for it and how many crops hold it without being asked. Grey is read from the raster. JDK
 * only:
 *
 * <pre>java docs/MaskStatistics.java EXPORT_DIR ../shared/datasets/metaldam</pre>
 */
public class MaskStatistics {
  static final int SIZE = 32;
  static final int CLASSES = 5;
  static final String[] NAMES = {"matrix", "austenite", "MA", "precipitate", "defect"};
  static final int[] HELD_OUT = {3, 9, 14, 20, 26, 31, 37, 41, 1, 6, 11, 17, 23, 29, 34, 39};

  /** One crop: grey in 0..1 and class per pixel, row-major, SIZE x SIZE. */
  record Crop(double[] grey, int[] mask) {}

  public static void main(String[] args) throws Exception {
    File export = new File(args[0]);
    Map<String, Crop> generated = new LinkedHashMap<>();
    File[] images = new File(export, "images").listFiles((d, n) -> n.endsWith(".png"));
    Arrays.sort(images);
    for (File f : images) {
      File mask = new File(export, "masks/" + f.getName());
      generated.put(f.getName(), crop(ImageIO.read(f).getRaster(), ImageIO.read(mask).getRaster()));
    }
    print("real training tiles", realTiles(new File(args[1])));
    print("generated (" + export.getName() + ")", List.copyOf(generated.values()));
    File manifest = new File(export, "manifest.csv");
    if (manifest.exists()) {
      printRequests(Files.readAllLines(manifest.toPath()), generated);
    }
  }

  static Crop crop(Raster image, Raster mask) {
    double[] grey = new double[SIZE * SIZE];
    int[] classes = new int[SIZE * SIZE];
    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        grey[y * SIZE + x] = image.getSample(x, y, 0) / 255.0;
        classes[y * SIZE + x] = mask.getSample(x, y, 0);
      }
    }
    return new Crop(grey, classes);
  }

  static List<Crop> realTiles(File root) throws Exception {
    List<Crop> tiles = new ArrayList<>();
    for (int id = 0; id < 42; id++) {
      final int m = id;
      if (Arrays.stream(HELD_OUT).anyMatch(h -> h == m)) {
        continue;
      }
      Raster image = ImageIO.read(new File(root, "images/micrograph" + id + ".jpg")).getRaster();
      Raster label = ImageIO.read(new File(root, "labels/micrograph" + id + ".png")).getRaster();
      int w = label.getWidth() / 4;
      int h = label.getHeight() / 4;
      double[] grey = new double[w * h];
      int[] classes = new int[w * h];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int[] votes = new int[256];
          double sum = 0;
          for (int j = 0; j < 16; j++) {
            votes[label.getSample(4 * x + j % 4, 4 * y + j / 4, 0)]++;
            sum += image.getSample(4 * x + j % 4, 4 * y + j / 4, 0) / 255.0;
          }
          int mode = 0;
          for (int c = 1; c < 256; c++) {
            mode = votes[c] > votes[mode] ? c : mode;
          }
          grey[y * w + x] = sum / 16;
          classes[y * w + x] = mode;
        }
      }
      for (int y0 = 0; y0 + SIZE <= h; y0 += SIZE) {
        for (int x0 = 0; x0 + SIZE <= w; x0 += SIZE) {
          double[] g = new double[SIZE * SIZE];
          int[] c = new int[SIZE * SIZE];
          for (int y = 0; y < SIZE; y++) {
            System.arraycopy(grey, (y0 + y) * w + x0, g, y * SIZE, SIZE);
            System.arraycopy(classes, (y0 + y) * w + x0, c, y * SIZE, SIZE);
          }
          tiles.add(new Crop(g, c));
        }
      }
    }
    return tiles;
  }

  static void print(String name, List<Crop> crops) {
    double[] pixels = new double[CLASSES];
    double[] greySum = new double[CLASSES];
    double[] regions = new double[CLASSES];
    double[] holding = new double[CLASSES];
    double boundary = 0;
    double laplacian = 0;
    for (Crop c : crops) {
      int[] regionsHere = regionsPerClass(c.mask());
      for (int i = 0; i < SIZE * SIZE; i++) {
        int k = c.mask()[i];
        pixels[k]++;
        greySum[k] += c.grey()[i];
        int x = i % SIZE;
        int y = i / SIZE;
        boundary += onBoundary(c.mask(), x, y) ? 1 : 0;
        if (x > 0 && y > 0 && x + 1 < SIZE && y + 1 < SIZE) {
          double[] g = c.grey();
          laplacian += Math.abs(4 * g[i] - g[i - 1] - g[i + 1] - g[i - SIZE] - g[i + SIZE]);
        }
      }
      for (int k = 0; k < CLASSES; k++) {
        regions[k] += regionsHere[k];
        holding[k] += regionsHere[k] > 0 ? 1 : 0;
      }
    }
    double total = (double) crops.size() * SIZE * SIZE;
    System.out.printf(
        "%s: %d crops; pixels on a class boundary %.3f, mean |Laplacian| %.4f%n",
        name,
        crops.size(),
        boundary / total,
        laplacian / (crops.size() * (SIZE - 2.0) * (SIZE - 2.0)));
    for (int k = 0; k < CLASSES; k++) {
      System.out.printf(
          "  %-11s share %.4f  grey %.3f  in %.1f %% of crops  regions per such crop %.2f  pixels"
              + " per region %.1f%n",
          NAMES[k],
          pixels[k] / total,
          greySum[k] / Math.max(1, pixels[k]),
          100 * holding[k] / crops.size(),
          regions[k] / Math.max(1, holding[k]),
          pixels[k] / Math.max(1, regions[k]));
    }
  }

  static boolean onBoundary(int[] mask, int x, int y) {
    int k = mask[y * SIZE + x];
    return (x > 0 && mask[y * SIZE + x - 1] != k)
        || (x + 1 < SIZE && mask[y * SIZE + x + 1] != k)
        || (y > 0 && mask[(y - 1) * SIZE + x] != k)
        || (y + 1 < SIZE && mask[(y + 1) * SIZE + x] != k);
  }

  /** 4-connected regions of each class in one mask. */
  static int[] regionsPerClass(int[] mask) {
    int[] regions = new int[CLASSES];
    boolean[] seen = new boolean[mask.length];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int start = 0; start < mask.length; start++) {
      if (seen[start]) {
        continue;
      }
      int k = mask[start];
      regions[k]++;
      seen[start] = true;
      queue.push(start);
      while (!queue.isEmpty()) {
        int i = queue.pop();
        int x = i % SIZE;
        int y = i / SIZE;
        int[] next = {
          x > 0 ? i - 1 : -1,
          x + 1 < SIZE ? i + 1 : -1,
          y > 0 ? i - SIZE : -1,
          y + 1 < SIZE ? i + SIZE : -1
        };
        for (int j : next) {
          if (j >= 0 && !seen[j] && mask[j] == k) {
            seen[j] = true;
            queue.push(j);
          }
        }
      }
    }
    return regions;
  }

  /** manifest.csv: the image file in column 1, requested_* fractions in columns 5-9. */
  static void printRequests(List<String> manifest, Map<String, Crop> generated) {
    for (int k = 2; k < CLASSES; k++) {
      final int cls = k;
      int requested = 0;
      int unasked = 0;
      for (String row : manifest.subList(1, manifest.size())) {
        String[] cells = row.split(",");
        boolean asked = Double.parseDouble(cells[5 + k]) > 0;
        Crop crop = generated.get(new File(cells[1]).getName());
        boolean present = Arrays.stream(crop.mask()).anyMatch(c -> c == cls);
        requested += asked ? 1 : 0;
        unasked += !asked && present ? 1 : 0;
      }
      System.out.printf(
          "  %-11s requested in %d of %d pairs; present without being requested in %d%n",
          NAMES[k], requested, generated.size(), unasked);
    }
  }
}
