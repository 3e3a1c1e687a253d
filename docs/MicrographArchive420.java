import java.awt.image.BufferedImage;
import java.io.File;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The 420-image archive of docs/bench.md's steady-state audit throughput: each MetalDAM micrograph as it is and
 * mirrored left-right (the information band stays at the bottom), re-encoded as a 3-component JPEG at quality 95, 90,
 * 85, 80 and 75, so every file has its own bytes and is scored. JDK only, run as a single-file program:
 *
 * <pre>java docs/MicrographArchive420.java ../shared/datasets/metaldam/images /tmp/arch420</pre>
 */
public class MicrographArchive420 {
  public static void main(String[] args) throws Exception {
    File out = new File(args[1]);
    out.mkdirs();
    File[] files = new File(args[0]).listFiles((d, n) -> n.endsWith(".jpg"));
    java.util.Arrays.sort(files);
    for (File f : files) {
      BufferedImage src = ImageIO.read(f);
      int w = src.getWidth();
      int h = src.getHeight();
      BufferedImage plain = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
      plain.getGraphics().drawImage(src, 0, 0, null);
      BufferedImage mirrored = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          mirrored.setRGB(x, y, plain.getRGB(w - 1 - x, y));
        }
      }
      String stem = f.getName().replace(".jpg", "");
      for (int q : new int[] {95, 90, 85, 80, 75}) {
        write(plain, new File(out, stem + "-q" + q + ".jpg"), q);
        write(mirrored, new File(out, stem + "-m-q" + q + ".jpg"), q);
      }
    }
  }

  static void write(BufferedImage img, File file, int quality) throws Exception {
    ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam p = w.getDefaultWriteParam();
    p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    p.setCompressionQuality(quality / 100f);
    try (ImageOutputStream os = ImageIO.createImageOutputStream(file)) {
      w.setOutput(os);
      w.write(null, new IIOImage(img, null, null), p);
    } finally {
      w.dispose();
    }
  }
}
