package com.synthscope.udfs.spark;

import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.DecodeResult;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.image.ImageTensors;
import com.synthscope.udfs.image.Resampler;
import com.synthscope.udfs.image.ResizeFilter;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Small PNG previews of a few images (a report's top flagged), made on executors: each file is read
 * again through its Hadoop filesystem, decoded under the same limits, converted to sRGB (alpha over
 * white), box-filtered so the longer side is at most {@code maxSide}, and returned as a {@code
 * data:image/png;base64,...} URI.
 */
public final class Thumbnails {

  private static final StructType SCHEMA =
      new StructType()
          .add("path", DataTypes.StringType, false)
          .add("uri", DataTypes.StringType, true);

  private Thumbnails() {}

  /** path -> data URI, for the paths that could be read and decoded (the others are left out). */
  public static Map<String, String> dataUris(
      SparkSession spark, List<String> paths, int maxSide, DecodeLimits limits, HadoopConf conf) {
    Map<String, String> out = new LinkedHashMap<>();
    if (paths.isEmpty()) {
      return out;
    }
    int parts = Math.max(1, Math.min(paths.size(), spark.sparkContext().defaultParallelism()));
    List<Row> rows = new ArrayList<>();
    paths.forEach(p -> rows.add(RowFactory.create(p, null)));
    List<Row> made =
        spark
            .createDataFrame(rows, SCHEMA)
            .repartition(parts)
            .mapPartitions(
                (MapPartitionsFunction<Row, Row>)
                    it -> {
                      ImageDecoder decoder = new ImageDecoder(limits);
                      List<Row> res = new ArrayList<>();
                      while (it.hasNext()) {
                        String path = it.next().getString(0);
                        res.add(
                            RowFactory.create(path, dataUri(path, maxSide, decoder, limits, conf)));
                      }
                      return res.iterator();
                    },
                Encoders.row(SCHEMA))
            .collectAsList();
    Map<String, String> byPath = new LinkedHashMap<>();
    made.forEach(r -> byPath.put(r.getString(0), r.getString(1)));
    for (String p : paths) {
      if (byPath.get(p) != null) {
        out.put(p, byPath.get(p));
      }
    }
    return out;
  }

  private static String dataUri(
      String path, int maxSide, ImageDecoder decoder, DecodeLimits limits, HadoopConf conf) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf.get());
      if (fs.getFileStatus(p).getLen() > limits.maxFileBytes()) {
        return null;
      }
      byte[] bytes;
      try (InputStream in = fs.open(p)) {
        bytes = in.readAllBytes();
      }
      if (!(decoder.decode(bytes) instanceof DecodeResult.Decoded d)) {
        return null;
      }
      return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(d.image(), maxSide));
    } catch (IOException e) {
      return null; // the file went away or became unreadable since the scan: no preview
    }
  }

  /** The image as an 8-bit sRGB PNG whose longer side is at most {@code maxSide}. */
  public static byte[] png(BufferedImage image, int maxSide) {
    FloatImage rgb = ImageTensors.toFloat(image, ColorMode.RGB);
    double scale = Math.min(1.0, (double) maxSide / Math.max(rgb.width(), rgb.height()));
    int w = Math.max(1, (int) Math.round(rgb.width() * scale));
    int h = Math.max(1, (int) Math.round(rgb.height() * scale));
    FloatImage small = scale < 1 ? Resampler.resize(rgb, h, w, ResizeFilter.BOX) : rgb;
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    int n = w * h;
    float[] data = small.data();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        out.setRGB(
            x, y, (byte8(data[i]) << 16) | (byte8(data[n + i]) << 8) | byte8(data[2 * n + i]));
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(out, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static int byte8(float v) {
    return Math.max(0, Math.min(255, Math.round(v * 255f)));
  }
}
