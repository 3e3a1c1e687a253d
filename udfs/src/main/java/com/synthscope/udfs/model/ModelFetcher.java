package com.synthscope.udfs.model;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a model artifact from any Hadoop filesystem (file:, hdfs:, s3a:, ...) into a local cache
 * and verifies it.
 *
 * <p>A copy lands in a private temporary folder, is verified there, and only then is moved into
 * place under the manifest's checksum, so concurrent fetches (several executors on one host) never
 * see a half-copied model.
 *
 * <p>Trust rules: a cached copy is verified again (every file re-hashed against the pinned
 * manifest) each time it is fetched, which a JVM does once per model; a copy that fails is deleted
 * and fetched again from its source, with a warning, and when the source fails too the error says
 * both. The cache folder is created private ({@code 0700}) and refused when another user owns it or
 * others may write to it. Only the manifest and the files it lists are copied or unpacked (other
 * entries of a folder or .zip are skipped), at most {@link #maxUnpackBytes()} bytes.
 */
public final class ModelFetcher {

  private static final Logger LOG = LoggerFactory.getLogger(ModelFetcher.class);
  private static final String VERIFIED_MARKER = ".verified";

  /** System property: the most bytes one artifact may copy or unpack into the cache. */
  public static final String MAX_UNPACK_BYTES_PROPERTY = "synthscope.model.max-unpack-bytes";

  /** 16 GiB: room for the largest encoders (CLIP ViT-L/14 is 1.2 GB in fp32) with a wide margin. */
  public static final long DEFAULT_MAX_UNPACK_BYTES = 16L << 30;

  private static final long MAX_MANIFEST_BYTES = 1 << 20;

  private final Path cacheRoot;
  private final long maxUnpackBytes;

  public ModelFetcher(Path cacheRoot) {
    this(cacheRoot, Long.getLong(MAX_UNPACK_BYTES_PROPERTY, DEFAULT_MAX_UNPACK_BYTES));
  }

  public ModelFetcher(Path cacheRoot, long maxUnpackBytes) {
    this.cacheRoot = cacheRoot;
    this.maxUnpackBytes = maxUnpackBytes;
  }

  public long maxUnpackBytes() {
    return maxUnpackBytes;
  }

  /**
   * The cache folder: {@code -Dsynthscope.model.cache}, else {@code $SYNTHSCOPE_MODEL_CACHE}, else
   * {@code java.io.tmpdir/synthscope-models-USER}, a folder of this user's own, created {@code
   * 0700} (never one shared temp folder that another user could fill first).
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
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir"), "synthscope-models-" + user);
  }

  /**
   * Creates the cache folder private to this user, or checks an existing one: owned by this user
   * and not writable by others; otherwise a {@link ModelException} says so (a cache others can
   * write could serve them code).
   */
  static void ensurePrivate(Path root) throws IOException {
    boolean posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!Files.exists(root)) {
      if (root.getParent() != null) {
        Files.createDirectories(root.getParent());
      }
      try {
        if (posix) {
          Files.createDirectory(
              root,
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
          Files.createDirectory(root);
        }
      } catch (FileAlreadyExistsException raced) {
        // another fetch created it: checked below
      }
    }
    if (!posix) {
      return;
    }
    String me = System.getProperty("user.name");
    String owner = Files.getOwner(root).getName();
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(root);
    if ((me != null && !me.equals(owner)) || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new ModelException(
          "cache",
          "the model cache "
              + root
              + " is owned by "
              + owner
              + " with permissions "
              + PosixFilePermissions.toString(perms)
              + ", so others could replace models in it",
          "use a folder of your own: -Dsynthscope.model.cache=DIR or SYNTHSCOPE_MODEL_CACHE=DIR (created 0700)");
    }
  }

  /**
   * The verified local copy of a model, fetched into the cache unless a verified copy is there. A
   * model of another kind than the reference expects is refused here, the one place every preflight
   * and load passes.
   */
  public FetchedModel fetch(ModelRef ref, Configuration hadoopConf) {
    FetchedModel fetched = fetchVerified(ref, hadoopConf);
    requireKind(ref, fetched.manifest());
    return fetched;
  }

  /** Refuses a manifest of another kind than the reference expects. */
  static void requireKind(ModelRef ref, ModelManifest manifest) {
    if (ref.kind() != null && !ref.kind().equals(manifest.kind())) {
      throw new ModelException(
          ref.displayName(),
          "is a " + manifest.kind() + " model, not " + ref.kind(),
          "pass a "
              + ref.kind()
              + " artifact (see 'synthscope train --help' for the commands that make one)");
    }
  }

  private FetchedModel fetchVerified(ModelRef ref, Configuration hadoopConf) {
    String name = ref.displayName();
    try {
      ensurePrivate(cacheRoot);
    } catch (IOException e) {
      throw new ModelException(
          name,
          "cannot create the model cache " + cacheRoot + ": " + e,
          "make it writable or set -Dsynthscope.model.cache",
          e);
    }
    String damaged = null;
    if (ref.sha256() != null) {
      Path cached = cacheRoot.resolve(ref.sha256());
      if (Files.isRegularFile(cached.resolve(VERIFIED_MARKER))) {
        try {
          // never trusted on its marker alone: what is loaded is what was pinned
          FetchedModel v = verify(ref, cached);
          return new FetchedModel(ref, cached, v.manifest(), v.manifestSha256());
        } catch (ModelException | UncheckedIOException e) {
          damaged = e.getMessage();
          LOG.warn(
              "{}: the cached copy in {} failed verification ({}); fetching it again from {}",
              name,
              cached,
              damaged,
              ref.uri());
          deleteQuietly(cached);
        }
      }
    }
    try {
      return fetchFromSource(ref, hadoopConf);
    } catch (ModelException e) {
      if (damaged == null) {
        throw e;
      }
      throw new ModelException(
          name,
          "the cached copy was damaged ("
              + damaged
              + ") and fetching it again failed: "
              + e.getMessage(),
          "restore the artifact at " + ref.uri(),
          e);
    }
  }

  private FetchedModel fetchFromSource(ModelRef ref, Configuration hadoopConf) {
    String name = ref.displayName();
    Path incoming = cacheRoot.resolve(".incoming-" + UUID.randomUUID());
    try {
      Files.createDirectories(incoming);
      copyArtifact(ref, hadoopConf, incoming);
      FetchedModel verified = verify(ref, incoming);
      Files.writeString(
          incoming.resolve(VERIFIED_MARKER), verified.modelId(), StandardCharsets.UTF_8);
      Path target = cacheRoot.resolve(verified.manifestSha256());
      moveIntoPlace(incoming, target);
      return new FetchedModel(ref, target, verified.manifest(), verified.manifestSha256());
    } catch (IOException e) {
      throw new ModelException(
          name,
          "cannot fetch the artifact: " + e,
          "check that the URI exists and is readable"
              + " from every node, and that the local model cache "
              + cacheRoot
              + " is writable",
          e);
    } finally {
      deleteQuietly(incoming);
    }
  }

  /** Checks a local artifact folder against the reference and the manifest's own checksums. */
  public static FetchedModel verify(ModelRef ref, Path folder) {
    String name = ref.displayName();
    Path manifestFile = folder.resolve(ModelManifest.FILE_NAME);
    if (!Files.isRegularFile(manifestFile)) {
      throw new ModelException(
          name,
          "no " + ModelManifest.FILE_NAME + " in the artifact",
          "point the model URI at the folder or .zip that contains " + ModelManifest.FILE_NAME);
    }
    String manifestSha = sha256(manifestFile);
    if (ref.sha256() != null && !ref.sha256().equals(manifestSha)) {
      throw new ModelException(
          name,
          "checksum mismatch: manifest sha256 is " + manifestSha + ", expected " + ref.sha256(),
          "restore the artifact, or update the expected sha256 if it was replaced on purpose");
    }
    ModelManifest manifest = ModelManifest.read(folder, name);
    if (manifest.formatType() != ref.format() || manifest.engineType() != ref.engine()) {
      throw new ModelException(
          name,
          "is "
              + manifest.format()
              + " on "
              + manifest.engine()
              + ", but the job expects "
              + ref.format()
              + " on "
              + ref.engine(),
          "give a model exported in the expected format");
    }
    for (Map.Entry<String, String> file : manifest.files().entrySet()) {
      Path p = folder.resolve(file.getKey()).normalize();
      if (!p.startsWith(folder) || !Files.isRegularFile(p)) {
        throw new ModelException(
            name,
            "file " + file.getKey() + " listed in the manifest is missing",
            "copy the complete artifact folder");
      }
      String actual = sha256(p);
      if (!actual.equals(file.getValue())) {
        throw new ModelException(
            name,
            "checksum mismatch for "
                + file.getKey()
                + ": sha256 is "
                + actual
                + ", manifest says "
                + file.getValue(),
            "the file is corrupt or was replaced: restore the artifact");
      }
    }
    return new FetchedModel(ref, folder, manifest, manifestSha);
  }

  private void copyArtifact(ModelRef ref, Configuration conf, Path into) throws IOException {
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
      throw new ModelException(
          ref.displayName(),
          "not found",
          "check the model URI; it must name a folder or .zip"
              + " holding "
              + ModelManifest.FILE_NAME,
          e);
    }
    if (status.isDirectory()) {
      copyFolder(ref, fs, status.getPath(), into);
    } else if (src.getName().toLowerCase(Locale.ROOT).endsWith(".zip")) {
      unzip(ref, fs, src, into);
    } else {
      throw new ModelException(
          ref.displayName(), "is a plain file", "give the artifact folder or a .zip of it");
    }
  }

  /** Copies the manifest and the files it lists (nothing else) from an artifact folder. */
  private void copyFolder(ModelRef ref, FileSystem fs, org.apache.hadoop.fs.Path src, Path into)
      throws IOException {
    org.apache.hadoop.fs.Path manifestPath =
        new org.apache.hadoop.fs.Path(src, ModelManifest.FILE_NAME);
    if (!fs.exists(manifestPath)) {
      throw new ModelException(
          ref.displayName(),
          "no " + ModelManifest.FILE_NAME + " in the artifact",
          "point the model URI at the folder or .zip that contains " + ModelManifest.FILE_NAME);
    }
    byte[] manifest;
    try (InputStream in = fs.open(manifestPath)) {
      manifest = readCapped(in, MAX_MANIFEST_BYTES, ref, ModelManifest.FILE_NAME);
    }
    Files.write(into.resolve(ModelManifest.FILE_NAME), manifest);
    long total = manifest.length;
    for (String rel : listedFiles(ref, manifest)) {
      org.apache.hadoop.fs.Path f = new org.apache.hadoop.fs.Path(src, rel);
      Path dst = into.resolve(rel).normalize();
      if (!dst.startsWith(into) || !fs.exists(f)) {
        continue; // verify() names a missing or escaping file
      }
      Files.createDirectories(dst.getParent());
      try (InputStream in = fs.open(f)) {
        total += copyCapped(in, dst, maxUnpackBytes - total, ref, rel);
      }
    }
  }

  /**
   * Unpacks the manifest and the files it lists from a .zip (the manifest at the top or inside one
   * top folder); other entries are skipped, and the bytes written are capped.
   */
  private void unzip(ModelRef ref, FileSystem fs, org.apache.hadoop.fs.Path src, Path into)
      throws IOException {
    // pass 1: the manifest, to know which entries belong to the artifact
    String prefix = null;
    byte[] manifest = null;
    try (ZipInputStream zip = new ZipInputStream(fs.open(src))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        String n = e.getName();
        String f = ModelManifest.FILE_NAME;
        String p;
        if (n.equals(f)) {
          p = "";
        } else if (n.endsWith("/" + f) && n.indexOf('/') == n.length() - f.length() - 1) {
          p = n.substring(0, n.length() - f.length()); // one top folder, e.g. "tiny-onnx/"
        } else {
          continue;
        }
        if (manifest == null || p.isEmpty()) {
          prefix = p;
          manifest = readCapped(zip, MAX_MANIFEST_BYTES, ref, n);
        }
        if (p.isEmpty()) {
          break; // a top-level manifest wins
        }
      }
    }
    if (manifest == null) {
      throw new ModelException(
          ref.displayName(),
          "no " + ModelManifest.FILE_NAME + " in the artifact",
          "point the model URI at the folder or .zip that contains " + ModelManifest.FILE_NAME);
    }
    Files.write(into.resolve(ModelManifest.FILE_NAME), manifest);
    Set<String> wanted = new HashSet<>(listedFiles(ref, manifest));
    long total = manifest.length;
    int skipped = 0;
    // pass 2: the listed files only
    try (ZipInputStream zip = new ZipInputStream(fs.open(src))) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        if (e.isDirectory()) {
          continue;
        }
        String n = e.getName();
        String rel = n.startsWith(prefix) ? n.substring(prefix.length()) : null;
        if (rel == null || !wanted.remove(rel)) {
          if (!n.equals(prefix + ModelManifest.FILE_NAME)) {
            skipped++;
          }
          continue;
        }
        Path dst = into.resolve(rel).normalize();
        if (!dst.startsWith(into)) {
          throw new IOException("zip entry escapes the artifact: " + n);
        }
        Files.createDirectories(dst.getParent());
        total += copyCapped(zip, dst, maxUnpackBytes - total, ref, rel);
      }
    }
    if (skipped > 0) {
      LOG.warn("{}: skipped {} zip entries its manifest does not list", ref.displayName(), skipped);
    }
  }

  /** The files a manifest lists (validated by {@link ModelManifest#parse}). */
  private static List<String> listedFiles(ModelRef ref, byte[] manifest) {
    return List.copyOf(
        ModelManifest.parse(new String(manifest, StandardCharsets.UTF_8), ref.displayName())
            .files()
            .keySet());
  }

  private static byte[] readCapped(InputStream in, long cap, ModelRef ref, String what)
      throws IOException {
    byte[] b = in.readNBytes((int) cap + 1);
    if (b.length > cap) {
      throw new ModelException(
          ref.displayName(),
          what + " is larger than " + cap + " bytes",
          "this is not a SynthScope manifest");
    }
    return b;
  }

  /** Copies at most {@code room} bytes; more is a {@link ModelException} naming the cap. */
  private long copyCapped(InputStream in, Path dst, long room, ModelRef ref, String what)
      throws IOException {
    long n = 0;
    byte[] buf = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(dst)) {
      for (int r; (r = in.read(buf)) > 0; ) {
        n += r;
        if (n > room) {
          throw new ModelException(
              ref.displayName(),
              "unpacks more than " + maxUnpackBytes + " bytes (at " + what + ")",
              "an artifact this large is refused; raise -D"
                  + MAX_UNPACK_BYTES_PROPERTY
                  + " if it is genuine");
        }
        out.write(buf, 0, r);
      }
    }
    return n;
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
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
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
