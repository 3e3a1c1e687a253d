import com.synthscope.udfs.image.TwoSampleRealism;
import com.synthscope.udfs.train.MetalDam;
import com.synthscope.udfs.train.PairCrops;
import com.synthscope.udfs.train.Split;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;

/**
 * The realism diagnosis of docs/pfdiffseg.md (issue 16, session 8): how much of the two-sample separability of
 * generated PF-DiffSeg crops is their brightness and contrast, and where their texture's spectrum differs.
 *
 * <ol>
 *   <li>The eval's two-sample test ({@code TwoSampleRealism.compare}) of the generated crops against real test crops,
 *       and of real training crops against the same test crops (the split-shift floor), each as is, with every
 *       crop's mean moved to 0.4, and with every crop's mean and standard deviation set to 0.4 / 0.09; mean and
 *       standard deviation over SEEDS draws of the real crops and of the classifier's split.
 *   <li>The mean radially averaged power spectrum of each set with every crop's mean removed and its standard
 *       deviation set to 1 (only the spectral shape counts), as log10 ratios to the real test crops per radius.
 * </ol>
 *
 * Generated crops are read from an augment {@code --export-png} folder's images/ (grey from the raster). Runs as a
 * single-file program against the built job jar (for the MetalDAM reader and the eval's test):
 *
 * <pre>java -cp job/target/synthscope-job-0.1.0-SNAPSHOT.jar docs/RealismDiagnosis.java IMAGES_DIR ../shared/datasets/metaldam [SEEDS]</pre>
 */
public class RealismDiagnosis {
  public static void main(String[] a) throws Exception {
    File[] files = new File(a[0]).listFiles((d, n) -> n.endsWith(".png"));
    Arrays.sort(files);
    List<float[]> gen = new ArrayList<>();
    for (File f : files) {
      BufferedImage im = ImageIO.read(f);
      Raster r = im.getRaster();
      float[] g = new float[im.getWidth() * im.getHeight()];
      for (int y = 0; y < im.getHeight(); y++)
        for (int x = 0; x < im.getWidth(); x++) g[y * im.getWidth() + x] = r.getSample(x, y, 0) / 255f;
      gen.add(g);
    }
    int size = 32, n = gen.size();
    Path data = Path.of(a[1]);
    int seeds = a.length > 2 ? Integer.parseInt(a[2]) : 5;
    UnaryOperator<float[]> same = g -> g;
    UnaryOperator<float[]> mean = g -> norm(g, false);
    UnaryOperator<float[]> meanSd = g -> norm(g, true);
    String[] names = {"as is", "crop means set to 0.4", "crop means and sds set to 0.4 / 0.09"};
    List<UnaryOperator<float[]>> ops = List.of(same, mean, meanSd);
    double[][] acc = new double[6][seeds], tv = new double[6][seeds], sp = new double[6][seeds];
    for (int s = 0; s < seeds; s++) {
      // other real crops and another classifier split per seed; the generated set stays
      PairCrops test = new PairCrops(MetalDam.loadDownscaled(data, Split.TEST, 0.25), size, 11 + s);
      PairCrops train = new PairCrops(MetalDam.loadDownscaled(data, Split.TRAIN, 0.25), size, 111 + s);
      List<float[]> real = new ArrayList<>(), tr = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        real.add(test.next().grey());
        tr.add(train.next().grey());
      }
      for (int k = 0; k < 3; k++) {
        UnaryOperator<float[]> op = ops.get(k);
        TwoSampleRealism.Result g = TwoSampleRealism.compare(map(real, op), map(gen, op), size, 11 + s);
        TwoSampleRealism.Result t = TwoSampleRealism.compare(map(real, op), map(tr, op), size, 11 + s);
        acc[k][s] = g.classifierAccuracy(); tv[k][s] = g.histogramDistance(); sp[k][s] = g.spectrumDistance();
        acc[k + 3][s] = t.classifierAccuracy(); tv[k + 3][s] = t.histogramDistance(); sp[k + 3][s] = t.spectrumDistance();
      }
    }
    System.out.println("| crops (" + n + " each), mean ± sd over " + seeds + " seeds | generated vs real test: accuracy / histogram TV / spectra | real train vs real test: accuracy / histogram TV / spectra |");
    System.out.println("|---|---|---|");
    for (int k = 0; k < 3; k++) {
      System.out.printf("| %s | %s / %s / %s | %s / %s / %s |%n", names[k], ms(acc[k]), ms(tv[k]), ms(sp[k]),
          ms(acc[k + 3]), ms(tv[k + 3]), ms(sp[k + 3]));
    }
    PairCrops test = new PairCrops(MetalDam.loadDownscaled(data, Split.TEST, 0.25), size, 11);
    PairCrops train = new PairCrops(MetalDam.loadDownscaled(data, Split.TRAIN, 0.25), size, 111);
    List<float[]> real = new ArrayList<>(), tr = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      real.add(test.next().grey());
      tr.add(train.next().grey());
    }
    System.out.println();
    double[] pg = spectrum(gen, size), pr = spectrum(real, size), pt = spectrum(tr, size);
    System.out.println("| radius (cycles per 32 px) | generated / real test (log10) | real train / real test (log10) |");
    System.out.println("|---|---|---|");
    for (int k = 1; k <= size / 2; k++)
      System.out.printf("| %d | %+.3f | %+.3f |%n", k, Math.log10(pg[k] / pr[k]), Math.log10(pt[k] / pr[k]));
  }

  static String ms(double[] v) {
    double m = 0, q = 0;
    for (double x : v) m += x;
    m /= v.length;
    for (double x : v) q += (x - m) * (x - m);
    return String.format("%.3f ± %.3f", m, Math.sqrt(q / Math.max(1, v.length - 1)));
  }

  static List<float[]> map(List<float[]> l, UnaryOperator<float[]> op) {
    List<float[]> o = new ArrayList<>();
    for (float[] g : l) o.add(op.apply(g));
    return o;
  }

  static float[] norm(float[] g, boolean sd) {
    double m = 0, v = 0;
    for (float x : g) m += x;
    m /= g.length;
    for (float x : g) v += (x - m) * (x - m);
    double s = Math.sqrt(v / g.length) + 1e-6;
    float[] o = new float[g.length];
    for (int i = 0; i < g.length; i++) {
      double z = sd ? (g[i] - m) / s * 0.09 + 0.4 : g[i] - m + 0.4;
      o[i] = (float) Math.min(1, Math.max(0, z));
    }
    return o;
  }

  static double[] spectrum(List<float[]> imgs, int size) {
    double[] sum = new double[size / 2 + 1];
    int[] cnt = new int[size / 2 + 1];
    for (float[] g : imgs) {
      double m = 0, v = 0;
      for (float x : g) m += x;
      m /= g.length;
      for (float x : g) v += (x - m) * (x - m);
      double s = Math.sqrt(v / g.length) + 1e-6;
      for (int u = 0; u < size; u++)
        for (int w = 0; w < size; w++) {
          double re = 0, im = 0;
          for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) {
              double z = (g[y * size + x] - m) / s, ph = -2 * Math.PI * ((double) u * y + (double) w * x) / size;
              re += z * Math.cos(ph); im += z * Math.sin(ph);
            }
          int fu = Math.min(u, size - u), fw = Math.min(w, size - w);
          int r = (int) Math.round(Math.sqrt(fu * fu + fw * fw));
          if (r <= size / 2) { sum[r] += re * re + im * im; cnt[r]++; }
        }
    }
    for (int r = 0; r < sum.length; r++) sum[r] /= Math.max(1, cnt[r]);
    return sum;
  }
}
