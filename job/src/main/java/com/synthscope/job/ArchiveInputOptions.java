package com.synthscope.job;

import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.spark.IngestOptions;
import picocli.CommandLine.Option;

/**
 * What a command that reads an image archive takes (ingest, audit): the input, which of its files,
 * and the decode limits past which a file becomes an error row instead of being decoded.
 */
public final class ArchiveInputOptions {

  @Option(
      names = "--input",
      required = true,
      paramLabel = "URI",
      description = "Folder or file on any Hadoop filesystem (file:, hdfs:, s3a:).")
  String input;

  @Option(
      names = "--glob",
      paramLabel = "PATTERN",
      description =
          "Only files whose name matches, e.g. '*.{jpg,png}' (--input itself is always taken literally).")
  String glob;

  @Option(names = "--recursive", description = "Descend into sub-folders.")
  boolean recursive;

  @Option(
      names = "--max-file-bytes",
      paramLabel = "N",
      defaultValue = "268435456",
      description =
          "Larger files become 'too_large' error rows without being read (default: ${DEFAULT-VALUE}).")
  long maxFileBytes;

  @Option(
      names = "--max-pixels",
      paramLabel = "N",
      defaultValue = "100000000",
      description =
          "Images whose header claims more pixels become 'too_many_pixels' error rows before decoding (default: ${DEFAULT-VALUE}).")
  long maxPixels;

  @Option(
      names = "--min-side",
      paramLabel = "N",
      defaultValue = "8",
      description =
          "Images with a smaller side become 'too_small' error rows (default: ${DEFAULT-VALUE}).")
  int minSide;

  /** {@code --input} as given. */
  public String input() {
    return input;
  }

  /** The decode limits; exit 2 when one is out of range. */
  public DecodeLimits limits() {
    try {
      return new DecodeLimits(maxFileBytes, maxPixels, minSide);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }

  /**
   * The listing and decoding of the input under {@code limits} (from {@link #limits()}, checked
   * before the run).
   */
  public IngestOptions ingestOptions(DecodeLimits limits) {
    return new IngestOptions(input, glob, recursive, limits);
  }
}
