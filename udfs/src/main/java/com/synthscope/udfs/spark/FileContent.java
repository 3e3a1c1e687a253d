package com.synthscope.udfs.spark;

import com.synthscope.udfs.image.DecodeFailure;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads one listed file's bytes, in a task, and turns every way that can fail into a short true
 * reason instead of an exception: the file went away after the listing ({@value #VANISHED}), cannot
 * be opened or read ({@value FileListing#UNREADABLE}: permission denied, I/O error), or is larger
 * than the limit, also when it grew after the listing ({@code too_large}). Nothing here fails a
 * task for one file.
 */
public final class FileContent {

  /** The largest file one Java array holds: the hard upper bound of {@code --max-file-bytes}. */
  public static final long MAX_BYTES_IN_MEMORY = Integer.MAX_VALUE - 8;

  public static final String VANISHED = "vanished";

  /** The bytes, or the error row's message ({@code reason: detail}); exactly one is null. */
  public record Read(byte[] content, String error) {}

  private FileContent() {}

  /** The effective limit: {@code maxFileBytes}, but never more than one array can hold. */
  public static long limit(long maxFileBytes) {
    return Math.min(maxFileBytes, MAX_BYTES_IN_MEMORY);
  }

  /** The message of a file over the limit, read or not. */
  public static String tooLarge(long length, long maxFileBytes) {
    String why =
        maxFileBytes > MAX_BYTES_IN_MEMORY && length > MAX_BYTES_IN_MEMORY
            ? "the " + MAX_BYTES_IN_MEMORY + " bytes one file can hold in memory"
            : "the limit of " + limit(maxFileBytes);
    return DecodeFailure.TOO_LARGE.code() + ": " + length + " bytes exceeds " + why;
  }

  /** The listed file's content, or why there is none. */
  public static Read read(Configuration conf, FileListing.Entry entry, long maxFileBytes) {
    if (entry.error() != null) {
      return new Read(null, entry.error());
    }
    long limit = limit(maxFileBytes);
    if (entry.length() > limit) {
      return new Read(null, tooLarge(entry.length(), maxFileBytes));
    }
    URI uri = URI.create(entry.uri());
    try (InputStream in = open(conf, uri)) {
      byte[] bytes = in.readNBytes((int) limit + 1);
      if (bytes.length > limit) {
        return new Read(
            null,
            DecodeFailure.TOO_LARGE.code()
                + ": grew to more than "
                + limit
                + " bytes after the listing");
      }
      return new Read(bytes, null);
    } catch (NoSuchFileException e) {
      return new Read(null, VANISHED + ": deleted after the listing");
    } catch (FileNotFoundException e) {
      // Hadoop says "not found" also for files it may not open: ask again before calling it gone
      return new Read(
          null,
          exists(conf, uri)
              ? FileListing.UNREADABLE + ": " + hadoopReason(e)
              : VANISHED + ": deleted after the listing");
    } catch (AccessDeniedException e) {
      return new Read(null, FileListing.UNREADABLE + ": permission denied");
    } catch (IOException | RuntimeException e) {
      return new Read(
          null,
          FileListing.UNREADABLE
              + ": "
              + (e instanceof IOException io ? FileListing.reasonOf(io) : e.toString()));
    } catch (OutOfMemoryError e) {
      return new Read(
          null,
          DecodeFailure.TOO_LARGE.code()
              + ": "
              + entry.length()
              + " bytes do not fit in this task's memory");
    }
  }

  private static InputStream open(Configuration conf, URI uri) throws IOException {
    if ("file".equals(uri.getScheme())) {
      // java.nio tells "permission denied" from "no such file"; Hadoop's local filesystem does not
      java.nio.file.Path p = java.nio.file.Path.of(uri);
      if (Files.isDirectory(p)) {
        throw new IOException("is a folder now");
      }
      return Files.newInputStream(p);
    }
    FileSystem fs = FileSystem.get(uri, conf);
    return fs.open(new Path(uri));
  }

  private static boolean exists(Configuration conf, URI uri) {
    try {
      FileSystem fs = FileSystem.get(uri, conf);
      if (fs instanceof LocalFileSystem local) {
        fs = local.getRawFileSystem();
      }
      return fs.exists(new Path(uri));
    } catch (IOException e) {
      return true; // cannot tell: do not claim it is gone
    }
  }

  private static String hadoopReason(FileNotFoundException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    return m.toLowerCase(java.util.Locale.ROOT).contains("permission denied")
        ? "permission denied"
        : FileListing.reasonOf(e);
  }
}
