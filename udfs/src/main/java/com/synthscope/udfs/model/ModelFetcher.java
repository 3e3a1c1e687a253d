package com.synthscope.udfs.model;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Copies a model artifact from any Hadoop filesystem (file:, hdfs:, s3a:, ...) into a local cache and verifies it.
 *
 * <p>A copy lands in a private temporary folder, is verified there, and only then is moved into place under the
 * manifest's checksum, so concurrent fetches (several executors on one host) never see a half-copied model.
 */
public final class ModelFetcher {

  private static final String VERIFIED_MARKER = ".verified";
  private final Path cacheRoot;

  public ModelFetcher(Path cacheRoot) {
    this.cacheRoot = cacheRoot;
  }

  /**
   * The cache folder: {@code -Dsynthscope.model.cache}, else {@code $SYNTHSCOPE_MODEL_CACHE}, else
   * {@code java.io.tmpdir/synthscope-models} (on executors that is inside Spark's local dirs only if configured so).
   */
  public static Path defaultCacheRoot() {
    String prop = System.getProperty("synthscope.model.cache");
    if (prop != null && !prop.isBlank()) {
      return Path.of(prop);
    }
    String env = System.getenv("SYNTHSCOPE_MODEL_CACHE");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "synthscope-models");
  }

  public FetchedModel fetch(ModelRef ref, Configuration hadoopConf) {
    String name = ref.displayName();
    if (ref.sha256() != null) {
      Path cached = cacheRoot.resolve(ref.sha256());
      if (Files.isRegularFile(cached.resolve(VERIFIED_MARKER))) {
        return new FetchedModel(ref, cached, ModelManifest.read(cached, name), ref.sha256());
      }
    }
    Path incoming = cacheRoot.resolve(".incoming-" + UUID.randomUUID());
    try {
      Files.createDirectories(incoming);
      copyArtifact(ref, hadoopConf, incoming);
      FetchedModel verified = verify(ref, incoming);
      Files.writeString(incoming.resolve(VERIFIED_MARKER), verified.modelId(), StandardCharsets.UTF_8);
      Path target = cacheRoot.resolve(verified.manifestSha256());
      moveIntoPlace(incoming, target);
      return new FetchedModel(ref, target, verified.manifest(), verified.manifestSha256());
    } catch (IOException e) {
      throw new ModelException(name, "cannot fetch the artifact: " + e, "check that the URI exists and is readable"
          + " from every node, and that the local model cache " + cacheRoot + " is writable", e);
    } finally {
      deleteQuietly(incoming);
    }
  }

  /** Checks a local artifact folder against the reference and the manifest's own checksums. */
  public static FetchedModel verify(ModelRef ref, Path folder) {
    String name = ref.displayName();
    Path manifestFile = folder.resolve(ModelManifest.FILE_NAME);
    if (!Files.isRegularFile(manifestFile)) {
      throw new ModelException(name, "no " + ModelManifest.FILE_NAME + " in the artifact",
          "point the model URI at the folder or .zip that contains " + ModelManifest.FILE_NAME);
    }
    String manifestSha = sha256(manifestFile);
    if (ref.sha256() != null && !ref.sha256().equals(manifestSha)) {
      throw new ModelException(name, "checksum mismatch: manifest sha256 is " + manifestSha + ", expected "
          + ref.sha256(), "restore the artifact, or update the expected sha256 if it was replaced on purpose");
    }
    ModelManifest manifest = ModelManifest.read(folder, name);
    if (manifest.formatType() != ref.format() || manifest.engineType() != ref.engine()) {
      throw new ModelException(name, "is " + manifest.format() + " on " + manifest.engine() + ", but the job expects "
          + ref.format() + " on " + ref.engine(), "give a model exported in the expected format");
    }
    for (Map.Entry<String, String> file : manifest.files().entrySet()) {
      Path p = folder.resolve(file.getKey()).normalize();
      if (!p.startsWith(folder) || !Files.isRegularFile(p)) {
        throw new ModelException(name, "file " + file.getKey() + " listed in the manifest is missing",
            "copy the complete artifact folder");
      }
      String actual = sha256(p);
      if (!actual.equals(file.getValue())) {
        throw new ModelException(name, "checksum mismatch for " + file.getKey() + ": sha256 is " + actual
            + ", manifest says " + file.getValue(), "the file is corrupt or was replaced: restore the artifact");
      }
    }
    return new FetchedModel(ref, folder, manifest, manifestSha);
  }

  private static void copyArtifact(ModelRef ref, Configuration conf, Path into) throws IOException {
    if (EmbeddedModels.isEmbedded(ref.uri())) {
      EmbeddedModels.copy(ref, into);
      return;
    }
    org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(ref.uri());
    FileSystem fs = src.getFileSystem(conf);
    FileStatus status;
    try {
      status = fs.getFileStatus(src);
    } catch (FileNotFoundException e) {
      throw new ModelException(ref.displayName(), "not found", "check the model URI; it must name a folder or .zip"
          + " holding " + ModelManifest.FILE_NAME, e);
    }
    if (status.isDirectory()) {
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(src, true);
      String base = status.getPath().toUri().getPath();
      while (files.hasNext()) {
        LocatedFileStatus f = files.next();
        String rel = f.getPath().toUri().getPath().substring(base.length()).replaceFirst("^/+", "");
        Path dst = into.resolve(rel).normalize();
        Files.createDirectories(dst.getParent());
        try (InputStream in = fs.open(f.getPath())) {
          Files.copy(in, dst, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } else if (src.getName().toLowerCase(Locale.ROOT).endsWith(".zip")) {
      try (ZipInputStream zip = new ZipInputStream(fs.open(src))) {
        unzip(zip, into);
      }
    } else {
      throw new ModelException(ref.displayName(), "is a plain file", "give the artifact folder or a .zip of it");
    }
  }

  private static void unzip(ZipInputStream zip, Path into) throws IOException {
    // Archives made by zipping the artifact folder itself hold one top folder: strip it when the manifest is there.
    Path staging = into.resolve(".unzip");
    for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
      Path dst = staging.resolve(e.getName()).normalize();
      if (!dst.startsWith(staging)) {
        throw new IOException("zip entry escapes the artifact: " + e.getName());
      }
      if (e.isDirectory()) {
        Files.createDirectories(dst);
      } else {
        Files.createDirectories(dst.getParent());
        Files.copy(zip, dst, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    Path root = staging;
    if (!Files.exists(staging.resolve(ModelManifest.FILE_NAME))) {
      try (Stream<Path> top = Files.list(staging)) {
        var dirs = top.filter(Files::isDirectory).toList();
        if (dirs.size() == 1) {
          root = dirs.get(0);
        }
      }
    }
    try (Stream<Path> entries = Files.list(root)) {
      for (Path p : entries.toList()) {
        Files.move(p, into.resolve(p.getFileName().toString()));
      }
    }
    deleteQuietly(staging);
  }

  private static void moveIntoPlace(Path incoming, Path target) throws IOException {
    if (Files.isRegularFile(target.resolve(VERIFIED_MARKER))) {
      return; // another fetch won the race with identical content
    }
    deleteQuietly(target); // a leftover without marker is an interrupted copy
    try {
      Files.move(incoming, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
      if (!Files.isRegularFile(target.resolve(VERIFIED_MARKER))) {
        throw e;
      }
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(incoming, target);
    }
  }

  /** SHA-256 of a local file, lower-case hex. */
  public static String sha256(Path file) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteQuietly(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(q -> q.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // best effort: a leftover temp folder is harmless and never used
    }
  }
}
