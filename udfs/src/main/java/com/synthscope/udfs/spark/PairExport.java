package com.synthscope.udfs.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes an augmentation set as files common segmentation trainers read: {@code images/<id>.png},
 * {@code masks/<id>.png} (class index per pixel, as MetalDAM labels) and {@code manifest.csv}.
 * Executors write the PNGs in parallel; file names depend only on the sample id, so a rerun
 * overwrites rather than duplicates.
 */
public final class PairExport {

  private PairExport() {}

  public static long export(Dataset<Row> set, String dir, HadoopConf conf, List<String> classNames)
      throws IOException {
    set.select("sample_id", "image_png", "mask_png")
        .foreachPartition(
            (ForeachPartitionFunction<Row>)
                rows -> {
                  Path root = new Path(dir);
                  FileSystem fs = root.getFileSystem(conf.get());
                  fs.setWriteChecksum(false); // no .crc files beside the PNGs on local filesystems
                  while (rows.hasNext()) {
                    Row r = rows.next();
                    write(fs, new Path(root, "images/" + name(r.getLong(0))), (byte[]) r.get(1));
                    write(fs, new Path(root, "masks/" + name(r.getLong(0))), (byte[]) r.get(2));
                  }
                });
    StringBuilder csv = new StringBuilder("sample_id,image,mask,qc_pass,fraction_l1");
    classNames.forEach(c -> csv.append(",requested_").append(c));
    classNames.forEach(c -> csv.append(",achieved_").append(c));
    csv.append('\n');
    List<Row> meta =
        set.select("sample_id", "qc_pass", "fraction_l1", "requested", "achieved")
            .orderBy("sample_id")
            .collectAsList();
    for (Row r : meta) {
      String n = name(r.getLong(0));
      csv.append(r.getLong(0))
          .append(",images/")
          .append(n)
          .append(",masks/")
          .append(n)
          .append(',')
          .append(r.getBoolean(1))
          .append(',')
          .append(String.format(Locale.ROOT, "%.5f", r.getFloat(2)));
      for (int col = 3; col <= 4; col++) {
        for (Object v : r.getList(col)) {
          csv.append(',').append(String.format(Locale.ROOT, "%.5f", (Float) v));
        }
      }
      csv.append('\n');
    }
    Path manifest = new Path(dir, "manifest.csv");
    FileSystem fs = manifest.getFileSystem(conf.get());
    fs.setWriteChecksum(false);
    write(fs, manifest, csv.toString().getBytes(StandardCharsets.UTF_8));
    return meta.size();
  }

  private static String name(long id) {
    return String.format(Locale.ROOT, "%06d.png", id);
  }

  private static void write(FileSystem fs, Path p, byte[] bytes) throws IOException {
    try (OutputStream out = fs.create(p, true)) {
      out.write(bytes);
    }
  }
}
