package com.synthscope.udfs.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Replaces a Parquet output only once the new one is complete: readers see the old table or the
 * new, never half, and a failed write leaves the old one as it was. An output written with an owner
 * carries a marker file ({@value #MARKER}, skipped by Spark readers as its name starts with {@code
 * _}) naming the command that wrote it; such a replacement deletes nothing but an empty folder or a
 * folder with that command's marker.
 */
public final class ParquetOutput {

  /**
   * The file naming the command that wrote an output folder: {@code synthscope <command>} on its
   * first line.
   */
  public static final String MARKER = "_synthscope-output";

  private ParquetOutput() {}

  /**
   * Replaces {@code output} with no ownership check and no marker (outputs inside a command's own
   * folder).
   */
  public static void replace(Dataset<Row> data, String output) throws IOException {
    replace(data, output, null);
  }

  /**
   * Writes {@code data} beside {@code output}, marks it as {@code owner}'s (when not null) and
   * swaps it in. With an owner, an existing {@code output} is deleted only when it is an empty
   * folder or holds {@code owner}'s marker; anything else fails before the swap, the old output
   * untouched (callers check {@link #replaceable} up front).
   */
  public static void replace(Dataset<Row> data, String output, String owner) throws IOException {
    Path target = new Path(output);
    FileSystem fs = target.getFileSystem(data.sparkSession().sessionState().newHadoopConf());
    target = fs.makeQualified(target);
    Path staging =
        new Path(target.getParent(), "." + target.getName() + ".staging-" + UUID.randomUUID());
    try {
      data.write().parquet(staging.toString());
      if (owner != null) {
        try (FSDataOutputStream out = fs.create(new Path(staging, MARKER), false)) {
          out.write(
              ("synthscope "
                      + owner
                      + "\nwritten by synthscope "
                      + owner
                      + "; it may replace this folder (and nothing that lacks this file)\n")
                  .getBytes(StandardCharsets.UTF_8));
        }
      }
      if (fs.exists(target)) {
        if (owner != null && !replaceable(fs, target, owner)) {
          throw new IOException(
              target
                  + " is not an output of synthscope "
                  + owner
                  + " (no "
                  + MARKER
                  + " naming it): left as it is");
        }
        if (!fs.delete(target, true)) {
          throw new IOException("cannot remove the previous output " + target);
        }
      }
      if (!fs.rename(staging, target)) {
        throw new IOException("cannot move " + staging + " to " + target);
      }
    } finally {
      if (fs.exists(staging)) {
        fs.delete(staging, true);
      }
    }
  }

  /**
   * Whether {@code target} may be deleted to make room for {@code owner}'s output: absent, empty,
   * or marked.
   */
  public static boolean replaceable(FileSystem fs, Path target, String owner) throws IOException {
    if (!fs.exists(target)) {
      return true;
    }
    FileStatus status = fs.getFileStatus(target);
    if (!status.isDirectory()) {
      return false;
    }
    if (fs.listStatus(target).length == 0) {
      return true;
    }
    return ("synthscope " + owner).equals(markerOwner(fs, target));
  }

  /** The first line of the folder's marker, or null when it has none. */
  public static String markerOwner(FileSystem fs, Path folder) throws IOException {
    Path marker = new Path(folder, MARKER);
    if (!fs.exists(marker)) {
      return null;
    }
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(fs.open(marker), StandardCharsets.UTF_8))) {
      String line = r.readLine();
      return line == null ? "" : line.strip();
    }
  }
}
