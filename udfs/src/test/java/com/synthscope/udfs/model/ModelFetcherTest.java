package com.synthscope.udfs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFetcherTest {

  @TempDir Path tmp;

  private ModelFetcher fetcher() {
    return new ModelFetcher(tmp.resolve("cache"));
  }

  @Test
  void fetchesAFolderIntoTheCacheUnderTheManifestChecksum() {
    FetchedModel f = fetcher().fetch(ModelFixtures.onnx(), new Configuration());
    String sha =
        ModelFetcher.sha256(ModelFixtures.folder("tiny-onnx").resolve("synthscope-model.json"));
    assertEquals(sha, f.manifestSha256());
    assertEquals(tmp.resolve("cache").resolve(sha), f.folder());
    assertTrue(Files.isRegularFile(f.folder().resolve("tiny.onnx")));
    assertEquals("tiny-onnx@" + sha, f.modelId());
  }

  @Test
  void aPinnedChecksumIsServedFromTheCacheAfterTheFirstFetch() throws IOException {
    Path src = ModelFixtures.copy("tiny-onnx", tmp);
    String sha = ModelFetcher.sha256(src.resolve("synthscope-model.json"));
    ModelRef pinned = ModelRef.of(src.toUri(), sha, ModelFormat.ONNX);
    fetcher().fetch(pinned, new Configuration());
    deleteTree(src); // the source is gone: only the cache can answer now
    FetchedModel again = fetcher().fetch(pinned, new Configuration());
    assertEquals(sha, again.manifestSha256());
  }

  @Test
  void fetchesAZipOfTheArtifactFolder() throws IOException {
    Path zip = tmp.resolve("tiny-onnx.zip");
    Path src = ModelFixtures.folder("tiny-onnx");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
        Stream<Path> files = Files.list(src)) {
      for (Path p : files.toList()) {
        out.putNextEntry(new ZipEntry("tiny-onnx/" + p.getFileName()));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
    FetchedModel f =
        fetcher().fetch(ModelRef.of(zip.toUri(), null, ModelFormat.ONNX), new Configuration());
    assertEquals("tiny-onnx", f.manifest().id());
    assertTrue(Files.isRegularFile(f.folder().resolve("tiny.onnx")));
  }

  @Test
  void wrongExpectedChecksumFailsWithBothValues() {
    ModelRef ref =
        ModelRef.of(ModelFixtures.folder("tiny-onnx").toUri(), "0".repeat(64), ModelFormat.ONNX);
    ModelException e =
        assertThrows(ModelException.class, () -> fetcher().fetch(ref, new Configuration()));
    assertTrue(e.getMessage().contains("checksum mismatch: manifest sha256 is "), e.getMessage());
    assertTrue(e.getMessage().contains("expected " + "0".repeat(64)), e.getMessage());
    assertEquals(0, cachedEntries(), "nothing half-fetched may stay in the cache");
  }

  @Test
  void aDamagedWeightFileIsNamed() throws IOException {
    Path src = ModelFixtures.copy("tiny-onnx", tmp);
    try (OutputStream out =
        Files.newOutputStream(src.resolve("tiny.onnx"), java.nio.file.StandardOpenOption.APPEND)) {
      out.write(1);
    }
    ModelException e =
        assertThrows(
            ModelException.class,
            () ->
                fetcher()
                    .fetch(ModelRef.of(src.toUri(), null, ModelFormat.ONNX), new Configuration()));
    assertTrue(e.getMessage().contains("checksum mismatch for tiny.onnx"), e.getMessage());
  }

  @Test
  void aMissingArtifactSaysNotFound() {
    ModelRef ref = ModelRef.of(tmp.resolve("no-such-model").toUri(), null, ModelFormat.ONNX);
    ModelException e =
        assertThrows(ModelException.class, () -> fetcher().fetch(ref, new Configuration()));
    assertTrue(
        e.getMessage().contains("no-such-model") && e.getMessage().contains("not found"),
        e.getMessage());
  }

  @Test
  void aFormatOtherThanExpectedIsRefused() {
    ModelRef ref =
        ModelRef.of(ModelFixtures.folder("tiny-onnx").toUri(), null, ModelFormat.TORCHSCRIPT);
    ModelException e =
        assertThrows(ModelException.class, () -> fetcher().fetch(ref, new Configuration()));
    assertTrue(
        e.getMessage().contains("is onnx on OnnxRuntime, but the job expects torchscript"),
        e.getMessage());
  }

  @Test
  void anUnknownFilesystemIsReportedAsUnreachable() {
    ModelRef ref =
        ModelRef.of(java.net.URI.create("nosuchfs://host/models/m"), null, ModelFormat.ONNX);
    ModelException e =
        assertThrows(ModelException.class, () -> fetcher().fetch(ref, new Configuration()));
    assertTrue(e.getMessage().contains("cannot fetch the artifact"), e.getMessage());
  }

  private long cachedEntries() {
    try (Stream<Path> s = Files.list(tmp.resolve("cache"))) {
      return s.count();
    } catch (IOException e) {
      return 0;
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
