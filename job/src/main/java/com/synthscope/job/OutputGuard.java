package com.synthscope.job;

import com.synthscope.udfs.spark.ParquetOutput;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The checks a command makes on its outputs before any work (README "Reliability"): an output may
 * not be, lie inside or contain an input; an existing output is replaced only when asked to and
 * only when it is the same command's earlier output; the place an output goes must be writable.
 * Each refusal is a {@link ConfigurationException}: exit 2, nothing touched.
 */
public final class OutputGuard {

  private OutputGuard() {}

  /**
   * Refuses {@code output} when it equals, lies inside or contains one of {@code inputs} (option
   * name -> URI; null values are ignored). Local paths are compared after resolving links, so a
   * link to the input is the input.
   */
  public static void refuseOverlap(
      Configuration conf, String outputOption, String output, Map<String, String> inputs) {
    String out = canonical(conf, output);
    for (Map.Entry<String, String> in : inputs.entrySet()) {
      if (in.getValue() == null) {
        continue;
      }
      String input = canonical(conf, in.getValue());
      String relation =
          out.equals(input)
              ? "is"
              : out.startsWith(slash(input))
                  ? "lies inside"
                  : input.startsWith(slash(out)) ? "contains" : null;
      if (relation != null) {
        throw new ConfigurationException(
            outputOption
                + " "
                + output
                + " "
                + relation
                + " "
                + in.getKey()
                + " "
                + in.getValue()
                + ": writing there could replace or delete the input; choose an output elsewhere");
      }
    }
  }

  /**
   * Refuses an existing {@code output} that may not be replaced: without {@code overwrite}, any
   * existing path ({@code refuseEmpty}) or any non-empty one; with it, anything but an empty folder
   * or {@code command}'s own earlier output (its {@link ParquetOutput#MARKER}).
   */
  public static void checkReplaceable(
      Configuration conf,
      String outputOption,
      String output,
      String command,
      boolean overwrite,
      boolean refuseEmpty) {
    try {
      Path p = new Path(output);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        return;
      }
      boolean empty = fs.getFileStatus(p).isDirectory() && fs.listStatus(p).length == 0;
      if (!overwrite) {
        if (refuseEmpty || !empty) {
          throw new ConfigurationException(
              outputOption
                  + " "
                  + output
                  + " already exists; pass --overwrite to"
                  + " replace an earlier output of synthscope "
                  + command);
        }
        return;
      }
      if (!ParquetOutput.replaceable(fs, p, command)) {
        String owner = ParquetOutput.markerOwner(fs, p);
        throw new ConfigurationException(
            outputOption
                + " "
                + output
                + " is not an output of synthscope "
                + command
                + (owner == null
                    ? " (it has no " + ParquetOutput.MARKER + " marker)"
                    : " (its marker says " + owner + ")")
                + ": --overwrite replaces only that command's own output; remove it yourself or choose another path");
      }
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot check " + outputOption + " " + output + ": " + e.getMessage(), e);
    }
  }

  /**
   * Makes sure {@code folder} can be written, so that an unwritable output fails before the work
   * instead of after it: a probe file is created and deleted in the folder or, when it does not
   * exist yet, in its nearest existing parent (which must be a folder). Nothing is left behind.
   */
  public static void checkWritable(
      Configuration conf, String outputOption, String output, Path folder) {
    try {
      FileSystem fs = folder.getFileSystem(conf);
      Path existing = fs.makeQualified(folder);
      while (existing != null && !fs.exists(existing)) {
        existing = existing.getParent();
      }
      if (existing == null) {
        throw new IOException("no part of " + folder + " exists");
      }
      if (!fs.getFileStatus(existing).isDirectory()) {
        throw new IOException(existing + " is a file, not a folder");
      }
      Path probe = new Path(existing, "._synthscope-probe-" + UUID.randomUUID());
      fs.create(probe, false).close();
      fs.delete(probe, false);
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot write " + outputOption + " " + output + ": " + oneLine(e), e);
    }
  }

  /**
   * {@link #checkWritable} for an output written beside itself first (staged in its parent, then
   * renamed).
   */
  public static void checkWritableBeside(Configuration conf, String outputOption, String output) {
    Path p = new Path(output);
    try {
      p = p.getFileSystem(conf).makeQualified(p);
    } catch (IOException e) {
      throw new ConfigurationException(
          "cannot write " + outputOption + " " + output + ": " + oneLine(e), e);
    }
    if (p.getParent() == null) {
      throw new ConfigurationException(
          outputOption + " " + output + " is a filesystem root; choose a folder in it");
    }
    checkWritable(conf, outputOption, output, p.getParent());
  }

  private static String oneLine(IOException e) {
    String m =
        e instanceof java.nio.file.AccessDeniedException
                || e instanceof org.apache.hadoop.security.AccessControlException
            ? "permission denied"
            : e.getMessage();
    if (m == null) {
      m = e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static String slash(String s) {
    return s.endsWith("/") ? s : s + "/";
  }

  /**
   * The qualified path; for local paths the real path of its longest existing prefix, links
   * resolved.
   */
  static String canonical(Configuration conf, String uri) {
    try {
      Path p = new Path(uri);
      FileSystem fs = p.getFileSystem(conf);
      Path q = fs.makeQualified(p);
      URI u = q.toUri();
      if (!"file".equals(u.getScheme())) {
        String s = q.toString();
        return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
      }
      java.nio.file.Path local = java.nio.file.Path.of(u).normalize();
      List<String> rest = new ArrayList<>();
      while (local != null && !Files.exists(local)) {
        rest.add(local.getFileName().toString());
        local = local.getParent();
      }
      java.nio.file.Path real = local == null ? java.nio.file.Path.of("/") : local.toRealPath();
      Collections.reverse(rest);
      for (String r : rest) {
        real = real.resolve(r);
      }
      return "file:" + real;
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigurationException("cannot resolve " + uri + ": " + e.getMessage(), e);
    }
  }
}
