package com.synthscope.job;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.synthscope.job.audit.AuditTable;
import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.testing.ImageCorpus;
import com.synthscope.udfs.testing.SharedSpark;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine;

/**
 * What the job tests share: running the CLI in this JVM with its output captured, writing small
 * test images, and reading an audit's scores table. Every job test uses these instead of reaching
 * into another test's helpers.
 */
public final class JobTestSupport {

  private JobTestSupport() {}

  /** A finished CLI run: its exit code and what it printed. */
  public record Result(int code, String out, String err) {
    /** The JSON object every command prints as its last line of standard output. */
    public JsonObject lastLineJson() {
      List<String> lines = out.lines().toList();
      return JsonParser.parseString(lines.get(lines.size() - 1)).getAsJsonObject();
    }
  }

  /**
   * Runs {@code synthscope ARGS} on the shared local session (commands reuse it instead of starting
   * their own).
   */
  public static Result cli(String... args) {
    SharedSpark.session();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = SynthScopeCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * As {@link #cli(String...)}, with the commands made by {@code factory} (e.g. with test
   * detectors).
   */
  public static Result cli(CommandLine.IFactory factory, String... args) {
    SharedSpark.session();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        SynthScopeCli.run(factory, new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  /** {@code a} followed by {@code b}: a base command line with a few more options. */
  public static String[] concat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  /** Writes {@code img} as a PNG file, creating its folder. */
  public static void png(Path file, BufferedImage img) throws Exception {
    Files.createDirectories(file.getParent());
    Files.write(file, ImageCorpus.encode(img, "png"));
  }

  /** A 24 x 16 grey image of one level (0-255) with a little seeded noise. */
  public static BufferedImage grey(int level, long seed) {
    BufferedImage img = new BufferedImage(24, 16, BufferedImage.TYPE_BYTE_GRAY);
    Random r = new Random(seed);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 24; x++) {
        img.getRaster().setSample(x, y, 0, Math.max(0, Math.min(255, level + r.nextInt(21) - 10)));
      }
    }
    return img;
  }

  /**
   * The scores table of the audit folder {@code output} in either format; empty when nothing was
   * committed.
   */
  public static Dataset<Row> table(Path output) {
    return table(output.toString());
  }

  /** As {@link #table(Path)}, for an audit folder URI on any Hadoop filesystem. */
  public static Dataset<Row> table(String output) {
    Dataset<Row> t;
    try {
      t = AuditTable.read(SharedSpark.session(), output + "/scores", List.of("dnf", "nsnet"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return t != null
        ? t
        : SharedSpark.session()
            .createDataFrame(List.of(), AuditSchema.tableSchema(List.of("dnf", "nsnet")));
  }
}
