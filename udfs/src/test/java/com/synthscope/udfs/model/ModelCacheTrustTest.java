package com.synthscope.udfs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 9: the model cache is verified on every fetch (not trusted on its marker), private
 * to the user, and an artifact unpacks only what its manifest lists, up to a byte cap.
 */
class ModelCacheTrustTest {

  @TempDir Path tmp;

  private ModelRef pinned(Path src) {
    return ModelRef.of(
        src.toUri(), ModelFetcher.sha256(src.resolve(ModelManifest.FILE_NAME)), ModelFormat.ONNX);
  }

  /** Overwrites a file with other bytes of the same length and puts its modification time back. */
  private static void corruptKeepingSizeAndTime(Path file) throws IOException {
    FileTime t = Files.getLastModifiedTime(file);
    byte[] b = Files.readAllBytes(file);
    for (int i = b.length / 2; i < b.length / 2 + 16 && i < b.length; i++) {
      b[i] ^= 0x5a;
    }
    Files.write(file, b);
    Files.setLastModifiedTime(file, t);
  }

  @Test
  void corruptedCachedWeightsAreNoticedAndFetchedAgainFromTheSource() throws IOException {
    Path src = ModelFixtures.copy("tiny-onnx", tmp);
    ModelRef ref = pinned(src);
    ModelFetcher fetcher = new ModelFetcher(tmp.resolve("cache"));
    FetchedModel first = fetcher.fetch(ref, new Configuration());
    Path weights = first.folder().resolve("tiny.onnx");
    String good = ModelFetcher.sha256(weights);
    corruptKeepingSizeAndTime(weights);
    assertNotEquals(good, ModelFetcher.sha256(weights));

    FetchedModel again = fetcher.fetch(ref, new Configuration());
    assertEquals(
        good,
        ModelFetcher.sha256(again.folder().resolve("tiny.onnx")),
        "what is loaded is the pinned file");
    assertEquals(first.modelId(), again.modelId());
  }

  @Test
  void corruptedCachedWeightsWithTheSourceGoneFailWithAClearMessage() throws IOException {
    Path src = ModelFixtures.copy("tiny-onnx", tmp);
    ModelRef ref = pinned(src);
    ModelFetcher fetcher = new ModelFetcher(tmp.resolve("cache"));
    FetchedModel first = fetcher.fetch(ref, new Configuration());
    corruptKeepingSizeAndTime(first.folder().resolve("tiny.onnx"));
    try (Stream<Path> files = Files.list(src)) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(src);
    ModelException e =
        assertThrows(ModelException.class, () -> fetcher.fetch(ref, new Configuration()));
    assertTrue(
        e.getMessage().contains("the cached copy was damaged (")
            && e.getMessage().contains("checksum mismatch for tiny.onnx")
            && e.getMessage().contains("fetching it again failed"),
        e.getMessage());
    assertFalse(Files.exists(first.folder()), "the damaged copy is not left to be used");
  }

  @Test
  void aZipUnpacksOnlyTheFilesItsManifestListsAndNoMoreThanTheCap() throws IOException {
    Path src = ModelFixtures.folder("tiny-onnx");
    Path zip = tmp.resolve("tiny-onnx.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip));
        Stream<Path> files = Files.list(src)) {
      out.putNextEntry(new ZipEntry("tiny-onnx/extra/payload.sh"));
      out.write("#!/bin/sh\necho not part of the model\n".getBytes());
      out.closeEntry();
      out.putNextEntry(new ZipEntry("tiny-onnx/padding.bin"));
      out.write(new byte[1 << 20]); // 1 MiB of zeros: compresses to about 1 KB
      out.closeEntry();
      for (Path p : files.toList()) {
        out.putNextEntry(new ZipEntry("tiny-onnx/" + p.getFileName()));
        Files.copy(p, out);
        out.closeEntry();
      }
    }
    ModelRef ref = ModelRef.of(zip.toUri(), null, ModelFormat.ONNX);
    FetchedModel f = new ModelFetcher(tmp.resolve("cache")).fetch(ref, new Configuration());
    assertTrue(Files.isRegularFile(f.folder().resolve("tiny.onnx")));
    assertFalse(
        Files.exists(f.folder().resolve("extra")),
        "an entry the manifest does not list is not unpacked");
    assertFalse(Files.exists(f.folder().resolve("padding.bin")));

    long artifactBytes = Files.size(src.resolve("tiny.onnx"));
    ModelFetcher capped = new ModelFetcher(tmp.resolve("cache-capped"), artifactBytes / 2);
    ModelException e =
        assertThrows(ModelException.class, () -> capped.fetch(ref, new Configuration()));
    assertTrue(
        e.getMessage().contains("unpacks more than " + artifactBytes / 2 + " bytes"),
        e.getMessage());
  }

  @Test
  void theDefaultCacheIsPrivateToTheUserAndACacheOthersCanWriteIsRefused() throws IOException {
    String configured = System.getProperty("synthscope.model.cache");
    try {
      System.clearProperty("synthscope.model.cache");
      if (System.getenv("SYNTHSCOPE_MODEL_CACHE") == null) {
        Path root = ModelFetcher.defaultCacheRoot();
        assertEquals(
            "synthscope-models-" + System.getProperty("user.name"), root.getFileName().toString());
      }
    } finally {
      if (configured != null) {
        System.setProperty("synthscope.model.cache", configured);
      }
    }
    Path fresh = tmp.resolve("fresh-cache");
    new ModelFetcher(fresh).fetch(ModelFixtures.onnx(), new Configuration());
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));

    Path open = tmp.resolve("open-cache");
    Files.createDirectories(open);
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    ModelException e =
        assertThrows(
            ModelException.class,
            () -> new ModelFetcher(open).fetch(ModelFixtures.onnx(), new Configuration()));
    assertTrue(e.getMessage().contains("so others could replace models in it"), e.getMessage());
  }
}
