package com.synthscope.udfs.spark;

import com.synthscope.udfs.image.DecodeLimits;
import java.util.Objects;

/**
 * What to ingest and how carefully.
 *
 * @param input any Hadoop filesystem URI: a folder or a file
 * @param glob file-name pattern (Hadoop glob syntax on the file name), or null for every file
 * @param recursive descend into sub-folders
 * @param limits guards against huge files and decompression bombs
 */
public record IngestOptions(String input, String glob, boolean recursive, DecodeLimits limits) {

  public IngestOptions {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(limits, "limits");
  }
}
