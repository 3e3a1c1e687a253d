package com.synthscope.udfs.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Lists every entry under an input without reading any content: the one listing behind {@code
 * ingest}, {@code audit} and any job that joins the listing against earlier results (path, length
 * and modification time are all a nightly increment needs). Spark's own listing is not used: it
 * leaves out names starting with {@code _} or {@code .}, follows folder links without cycle
 * detection, reads {@code --input} as a glob and fails the whole job on one unreadable folder.
 *
 * <p>The rules (README "Reliability"):
 *
 * <ul>
 *   <li>{@code input} is a literal path (a folder named {@code batch[1]} is that folder); {@code
 *       glob}, when given, filters file names (Hadoop glob syntax).
 *   <li>Every file gets an entry, hidden names ({@code _x}, {@code .x}) included; folders give no
 *       entry of their own. Without {@code recursive}, only the input folder's own files are
 *       listed.
 *   <li>Entries that cannot be read get an error: {@value #UNREADABLE} (a folder that cannot be
 *       listed, the entry carries the folder's path), {@value #DANGLING_LINK}, {@value #NOT_A_FILE}
 *       (fifo, socket, device: reading one could block forever), {@value #INCOMPLETE} (a {@code
 *       *._COPYING_} file, still being copied).
 *   <li>A link to a file is read through; its entry carries the link's path. A link to a folder is
 *       followed (with {@code recursive}) only after every real folder is listed and only when it
 *       leads to a folder not listed yet; otherwise it gets an entry with {@value #SYMLINK_CYCLE}
 *       (it leads to one of its own ancestors, e.g. {@code latest -> .}) or {@value
 *       #SYMLINK_DUPLICATE} (it leads to a folder listed under another path). Each folder is listed
 *       once, so nothing is repeated and nothing loops.
 *   <li>The walk keeps its own stack: a tree thousands of folders deep lists like a flat one.
 * </ul>
 *
 * {@link #list} is the sequential walk, in one JVM (the reference, and what Spark-free callers
 * use); {@link DistributedListing} runs the same per-folder step ({@link Lister}) on the driver for
 * the top of the tree and in Spark tasks for the rest, and gives the same entries.
 *
 * <p>Local files ({@code file:}) are walked with java.nio, because Hadoop's local filesystem
 * reports links as their targets and silently drops dangling ones; every other filesystem through
 * Hadoop's {@link FileSystem}.
 */
public final class FileListing {

  public static final String UNREADABLE = "unreadable";
  public static final String DANGLING_LINK = "dangling_link";
  public static final String NOT_A_FILE = "not_a_file";
  public static final String INCOMPLETE = "incomplete";
  public static final String SYMLINK_CYCLE = "symlink_cycle";
  public static final String SYMLINK_DUPLICATE = "symlink_duplicate";

  /** Hadoop's suffix of a file {@code hdfs dfs -put} is still writing. */
  static final String COPYING_SUFFIX = "._COPYING_";

  /**
   * One listed entry.
   *
   * @param path the path as Hadoop prints it ({@code file:/a/b c.jpg}): the inventory's {@code
   *     path}
   * @param uri the same as an encoded URI, to open the file with ({@code file:///a/b%20c.jpg})
   * @param error null for a file to read, else {@code reason: detail}
   */
  public record Entry(String path, String uri, long length, long modificationTime, String error)
      implements Serializable {}

  /**
   * The input named a path that does not exist, or one that cannot be listed at all: the input is
   * wrong.
   */
  public static final class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InputException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private FileListing() {}

  /**
   * The entries under {@code input}, sorted by path within each folder.
   *
   * @throws InputException when {@code input} does not exist or cannot be listed
   * @throws UncheckedIOException when the filesystem fails (unreachable, timed out)
   */
  public static List<Entry> list(Configuration conf, String input, String glob, boolean recursive) {
    Path p = new Path(input);
    try {
      FileSystem fs = p.getFileSystem(conf);
      Path qualified = fs.makeQualified(p);
      List<Entry> out = new ArrayList<>();
      new Walk(new Lister(treeFor(fs, qualified), glob, recursive, (key, e) -> out.add(e)))
          .run(qualified);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + input + ": " + e.getMessage(), e);
    }
  }

  /** What the walk needs to know of an entry. */
  enum Kind {
    FILE,
    FOLDER,
    OTHER,
    DANGLING
  }

  /**
   * @param link whether the name is a link (kind, length and identity are the target's)
   * @param identity the folder itself (inode or resolved path), equal for every path that leads to
   *     it; a string, so that it travels to and from Spark tasks
   */
  record Node(
      Path path,
      String name,
      Kind kind,
      boolean link,
      long length,
      long modified,
      String identity,
      String detail) {}

  interface Tree {
    /** The input itself, links followed; null when it does not exist. */
    Node root(Path path) throws IOException;

    /** The folder's entries; throws when the folder cannot be listed. */
    List<Node> children(Node folder) throws IOException;
  }

  /** java.nio for {@code file:} (see the class comment), Hadoop's FileSystem for the rest. */
  static Tree treeFor(FileSystem fs, Path qualified) {
    return "file".equals(qualified.toUri().getScheme()) ? new LocalTree() : new HadoopTree(fs);
  }

  /** The input folder's key (see {@link Frame#key}): round 0 of {@link DistributedListing}. */
  static final String ROOT_KEY = "\u0001";

  /**
   * Between the names of a key: below every character a name can hold, so that comparing keys as
   * strings compares them name by name (a folder before its sub-folders, siblings by name).
   */
  static final char SEPARATOR = '\u0000';

  /**
   * Names in code point order, which is also the byte order of their UTF-8 (Spark's string order):
   * the order of a folder's entries and of keys.
   */
  static final Comparator<String> CODE_POINT_ORDER =
      (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
          int ca = a.codePointAt(i);
          int cb = b.codePointAt(j);
          if (ca != cb) {
            return Integer.compare(ca, cb);
          }
          i += Character.charCount(ca);
          j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
      };

  /**
   * A folder waiting to be listed, with the chain of folders above it (for cycle detection).
   *
   * @param key the folder's place in the order of the sequential walk: the round's mark, then its
   *     names from the walk's root, each after a {@link #SEPARATOR}. The walk lists real folders
   *     depth first in name order, and a folder link only after everything listed before it, so of
   *     two paths to one folder the one with the smaller key is the one it keeps ({@link
   *     DistributedListing} relies on this to pick the same path across tasks)
   */
  record Frame(Node folder, String key, Frame parent) {
    boolean hasAncestor(String identity) {
      for (Frame f = this; f != null; f = f.parent) {
        if (f.folder.identity().equals(identity)) {
          return true;
        }
      }
      return false;
    }

    Frame child(Node n) {
      return new Frame(n, key + SEPARATOR + n.name(), this);
    }

    /** The identities of this folder and the ones above it, outermost first. */
    List<String> chain() {
      List<String> ids = new ArrayList<>();
      for (Frame f = this; f != null; f = f.parent) {
        ids.add(f.folder.identity());
      }
      Collections.reverse(ids);
      return ids;
    }

    /** A chain of folders known only by their identities (outermost first): a task's ancestors. */
    static Frame ancestors(List<String> identities) {
      Frame f = null;
      for (String id : identities) {
        f = new Frame(new Node(null, null, Kind.FOLDER, false, 0, 0, id, null), null, f);
      }
      return f;
    }
  }

  /** Where a walk's findings go. */
  interface Sink {
    /** A file, or an entry with an error, found while listing the folder with key folderKey. */
    void entry(String folderKey, Entry e);

    /** A folder about to be listed (the distributed walk only). */
    default void folder(Frame folder) {}

    /** A link to a folder that is not one of its parents (the distributed walk only). */
    default void link(Frame link) {}
  }

  /**
   * One folder's listing, the step every walk (sequential, the driver's part and the tasks' of
   * {@link DistributedListing}) shares: its files and the entries that cannot be read go to the
   * sink, its sub-folders and links to folders come back for the walk to order.
   */
  static final class Lister {
    final Tree tree;
    final GlobPattern glob;
    final boolean recursive;
    final Sink sink;

    Lister(Tree tree, String glob, boolean recursive, Sink sink) {
      this.tree = tree;
      this.glob = glob == null || glob.isBlank() ? null : new GlobPattern(glob);
      this.recursive = recursive;
      this.sink = sink;
    }

    /** Real sub-folders and links to folders (only with recursive), in name order. */
    record Found(List<Frame> folders, List<Frame> links) {}

    /**
     * The input as the walk's first frame; null when it is a file (its entry is in the sink).
     *
     * @throws InputException when it does not exist
     */
    Frame start(Path input) throws IOException {
      Node root = tree.root(input);
      if (root == null) {
        throw new InputException("Path does not exist: " + input, null);
      }
      if (root.kind() != Kind.FOLDER) {
        file(ROOT_KEY, root);
        return null;
      }
      return new Frame(root, ROOT_KEY, null);
    }

    /** Lists the input folder: one that cannot be listed is a wrong input, not an error row. */
    Found listRoot(Frame root) throws IOException {
      try {
        return list(root, true);
      } catch (AccessDeniedException e) {
        throw new InputException("cannot list " + root.folder().path() + ": permission denied", e);
      }
    }

    /**
     * Lists a folder; null when it cannot be listed (an {@value #UNREADABLE} entry is in the sink;
     * the root throws instead).
     */
    Found list(Frame frame, boolean root) throws IOException {
      List<Node> children;
      try {
        children = tree.children(frame.folder());
      } catch (IOException e) {
        if (root) {
          throw e;
        }
        sink.entry(
            frame.key(),
            error(frame.folder(), UNREADABLE + ": cannot list folder: " + reasonOf(e)));
        return null;
      }
      children.sort(Comparator.comparing(Node::name, CODE_POINT_ORDER));
      List<Frame> folders = new ArrayList<>();
      List<Frame> links = new ArrayList<>();
      for (Node c : children) {
        switch (c.kind()) {
          case FOLDER -> {
            if (recursive) {
              (c.link() ? links : folders).add(frame.child(c));
            }
          }
          case FILE -> file(frame.key(), c);
          case DANGLING -> {
            if (matches(c)) {
              sink.entry(frame.key(), error(c, DANGLING_LINK + ": " + c.detail()));
            }
          }
          case OTHER -> {
            if (matches(c)) {
              sink.entry(frame.key(), error(c, NOT_A_FILE + ": " + c.detail() + ", not read"));
            }
          }
        }
      }
      return new Found(folders, links);
    }

    /**
     * The entry of a folder (or link to one) that is not listed because its folder is listed
     * already: one row, never a second walk.
     */
    void notFollowed(Frame f, boolean cycle) {
      sink.entry(f.parent() == null ? f.key() : f.parent().key(), notFollowed(f.folder(), cycle));
    }

    static Entry notFollowed(Node folder, boolean cycle) {
      return error(folder, notFollowedError(folder.link(), cycle));
    }

    static String notFollowedError(boolean link, boolean cycle) {
      return (cycle ? SYMLINK_CYCLE : SYMLINK_DUPLICATE)
          + ": "
          + (link ? "link to " : "")
          + "a folder already listed ("
          + (cycle ? "one of its own parents" : "under another path")
          + "), not followed";
    }

    private void file(String folderKey, Node n) {
      if (!matches(n)) {
        return;
      }
      if (n.name().endsWith(COPYING_SUFFIX)) {
        sink.entry(
            folderKey,
            error(
                n,
                INCOMPLETE
                    + ": name ends in "
                    + COPYING_SUFFIX
                    + " (still being copied), not read"));
        return;
      }
      sink.entry(
          folderKey,
          new Entry(
              n.path().toString(), n.path().toUri().toString(), n.length(), n.modified(), null));
    }

    private boolean matches(Node n) {
      return glob == null || glob.matches(n.name());
    }

    static Entry error(Node n, String message) {
      return new Entry(
          n.path().toString(),
          n.path().toUri().toString(),
          Math.max(n.length(), 0),
          n.modified(),
          message);
    }
  }

  /**
   * The sequential walk, all in one JVM: real folders depth first in name order, each folder once
   * (by identity); links to folders only after every real folder, in the order they were found.
   */
  private static final class Walk {
    private final Lister lister;
    private final Set<String> listed = new HashSet<>();
    private final Deque<Frame> folders = new ArrayDeque<>();

    /** Links to folders, followed only once every real folder is listed. */
    private final Deque<Frame> links = new ArrayDeque<>();

    Walk(Lister lister) {
      this.lister = lister;
    }

    void run(Path input) throws IOException {
      Frame root = lister.start(input);
      if (root == null) {
        return;
      }
      listed.add(root.folder().identity());
      push(lister.listRoot(root));
      while (!folders.isEmpty() || !links.isEmpty()) {
        Frame next = !folders.isEmpty() ? folders.pop() : links.removeFirst();
        if (listed.contains(next.folder().identity())) {
          // a link (or a bind mount) back into what is listed already: one row, never a second walk
          lister.notFollowed(next, next.parent().hasAncestor(next.folder().identity()));
          continue;
        }
        listed.add(next.folder().identity());
        push(lister.list(next, false));
      }
    }

    private void push(Lister.Found found) {
      if (found == null) {
        return;
      }
      links.addAll(found.links());
      // depth first, in name order: push in reverse
      for (int i = found.folders().size() - 1; i >= 0; i--) {
        folders.push(found.folders().get(i));
      }
    }
  }

  /**
   * The walk of {@link DistributedListing}'s parts (the driver's first folders, breadth first, and
   * each task's sub-trees, depth first): lists the real folders of {@code pending} until {@code
   * stop} says so, each to {@link Sink#folder}, and follows no link to a folder: a link (or a
   * folder) leading to one of its own parents is a {@value #SYMLINK_CYCLE} entry here, every other
   * link goes to {@link Sink#link} and is settled once every part is listed. A folder is not
   * checked against the others listed in this part (the part does not see the others): duplicates
   * are settled with the rest, by key.
   */
  static void walkParts(
      Lister lister, Deque<Frame> pending, boolean breadthFirst, BooleanSupplier stop)
      throws IOException {
    while (!pending.isEmpty() && !stop.getAsBoolean()) {
      Frame f = breadthFirst ? pending.pollFirst() : pending.pop();
      lister.sink.folder(f);
      expand(lister, f, lister.list(f, false), breadthFirst, pending);
    }
  }

  /** What {@link #walkParts} does with a folder's listing ({@code found}: null if unreadable). */
  static void expand(
      Lister lister, Frame f, Lister.Found found, boolean breadthFirst, Deque<Frame> pending) {
    if (found == null) {
      return;
    }
    List<Frame> sub = new ArrayList<>();
    for (Frame c : found.folders()) {
      if (f.hasAncestor(c.folder().identity())) {
        lister.notFollowed(c, true);
      } else {
        sub.add(c);
      }
    }
    if (breadthFirst) {
      sub.forEach(pending::addLast);
    } else {
      for (int i = sub.size() - 1; i >= 0; i--) {
        pending.push(sub.get(i));
      }
    }
    for (Frame l : found.links()) {
      if (f.hasAncestor(l.folder().identity())) {
        lister.notFollowed(l, true);
      } else {
        lister.sink.link(l);
      }
    }
  }

  /**
   * A short, true reason for an I/O failure: "permission denied", "no such file", else the message.
   */
  static String reasonOf(IOException e) {
    if (e instanceof AccessDeniedException
        || e instanceof org.apache.hadoop.security.AccessControlException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    String m =
        e instanceof FileSystemException f && f.getReason() != null
            ? f.getReason()
            : e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    m = m.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /**
   * The local filesystem through java.nio: links seen as links, dangling ones kept, inodes as
   * identities.
   */
  static final class LocalTree implements Tree {

    @Override
    public Node root(Path path) throws IOException {
      java.nio.file.Path p = java.nio.file.Path.of(path.toUri());
      if (!Files.exists(p)) {
        return null;
      }
      return node(p, path);
    }

    @Override
    public List<Node> children(Node folder) throws IOException {
      java.nio.file.Path dir = java.nio.file.Path.of(folder.path().toUri());
      List<Node> out = new ArrayList<>();
      try (DirectoryStream<java.nio.file.Path> s = Files.newDirectoryStream(dir)) {
        for (java.nio.file.Path c : s) {
          // not c.toUri(): that ends a folder's URI in '/'; Hadoop's Path quotes '%', ':' and
          // spaces itself
          out.add(node(c, new Path("file", null, c.toAbsolutePath().toString())));
        }
      }
      return out;
    }

    private static Node node(java.nio.file.Path p, Path hadoopPath) throws IOException {
      String name = p.getFileName() == null ? p.toString() : p.getFileName().toString();
      BasicFileAttributes own;
      try {
        own = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        return new Node(
            hadoopPath, name, Kind.DANGLING, false, 0, 0, null, "deleted while listing");
      }
      boolean link = own.isSymbolicLink();
      BasicFileAttributes a = own;
      if (link) {
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException e) {
          String target = "?";
          try {
            target = Files.readSymbolicLink(p).toString();
          } catch (IOException ignored) {
            // keep "?"
          }
          return new Node(
              hadoopPath,
              name,
              Kind.DANGLING,
              true,
              0,
              own.lastModifiedTime().toMillis(),
              null,
              "link to " + target + " which cannot be reached (" + reasonOf(e) + ")");
        }
      }
      long modified = a.lastModifiedTime().toMillis();
      if (a.isDirectory()) {
        String id = a.fileKey() != null ? a.fileKey().toString() : p.toRealPath().toString();
        return new Node(hadoopPath, name, Kind.FOLDER, link, 0, modified, id, null);
      }
      if (a.isRegularFile()) {
        return new Node(hadoopPath, name, Kind.FILE, link, a.size(), modified, null, null);
      }
      return new Node(
          hadoopPath,
          name,
          Kind.OTHER,
          link,
          0,
          modified,
          null,
          "a special file (fifo, socket or device)");
    }
  }

  /** Any Hadoop filesystem (HDFS, S3A ...): folder identities are resolved paths. */
  static final class HadoopTree implements Tree {
    private final FileSystem fs;

    HadoopTree(FileSystem fs) {
      this.fs = fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    @Override
    public Node root(Path path) throws IOException {
      FileStatus s;
      try {
        s = fs.getFileStatus(path);
      } catch (FileNotFoundException e) {
        return null;
      }
      return node(s, path);
    }

    @Override
    public List<Node> children(Node folder) throws IOException {
      List<Node> out = new ArrayList<>();
      RemoteIterator<FileStatus> it = fs.listStatusIterator(folder.path());
      while (it.hasNext()) {
        FileStatus s = it.next();
        out.add(node(s, s.getPath()));
      }
      return out;
    }

    private Node node(FileStatus s, Path path) throws IOException {
      String name = path.getName();
      boolean link = s.isSymlink();
      FileStatus target = s;
      if (link) {
        try {
          target = fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
          return new Node(
              path,
              name,
              Kind.DANGLING,
              true,
              0,
              s.getModificationTime(),
              null,
              "link to " + s.getSymlink() + " which does not exist");
        }
      }
      if (target.isDirectory()) {
        String id =
            link
                ? fs.makeQualified(fs.resolvePath(path)).toString()
                : fs.makeQualified(path).toString();
        return new Node(path, name, Kind.FOLDER, link, 0, target.getModificationTime(), id, null);
      }
      if (target.isFile()) {
        return new Node(
            path, name, Kind.FILE, link, target.getLen(), target.getModificationTime(), null, null);
      }
      return new Node(
          path,
          name,
          Kind.OTHER,
          link,
          0,
          target.getModificationTime(),
          null,
          "not a regular file");
    }
  }
}
