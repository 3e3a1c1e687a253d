package com.synthscope.job;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.synthscope.udfs.model.ModelManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writing test files and embedded model artifacts to a Hadoop filesystem (HDFS, S3) for the
 * remote-storage tests.
 */
final class RemoteFiles {
  private RemoteFiles() {}

  /** Writes {@code bytes} to {@code p}, replacing it. */
  static void write(FileSystem fs, Path p, byte[] bytes) throws IOException {
    try (OutputStream o = fs.create(p, true)) {
      o.write(bytes);
    }
  }

  /** Copies an embedded model artifact (its manifest and the files it lists) to {@code to}. */
  static void putEmbedded(FileSystem fs, String name, Path to) throws IOException {
    String base = "/synthscope/models/" + name + "/";
    byte[] manifest = resource(base + ModelManifest.FILE_NAME);
    write(fs, new Path(to, ModelManifest.FILE_NAME), manifest);
    for (String f :
        ModelManifest.parse(new String(manifest, StandardCharsets.UTF_8), name).files().keySet()) {
      write(fs, new Path(to, f), resource(base + f));
    }
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = RemoteFiles.class.getResourceAsStream(name)) {
      assertNotNull(in, name);
      return in.readAllBytes();
    }
  }
}
