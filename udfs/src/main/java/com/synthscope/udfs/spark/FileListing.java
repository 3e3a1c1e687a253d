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
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Lists every entry under an input, on the driver, without reading any content: the one listing
 * behind {@code ingest}, {@code audit} and any job that joins the listing against earlier results
 * (path, length and modification time are all a nightly increment needs). Spark's own listing is
 * not used: it leaves out names starting with {@code _} or {@code .}, follows folder links without
 * cycle detection, reads {@code --input} as a glob and fails the whole job on one unreadable
 * folder.
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
 * Local files ({@code file:}) are walked with java.nio, because Hadoop's local filesystem reports
 * links as their targets and silently drops dangling ones; every other filesystem through Hadoop's
 * {@link FileSystem}.
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
    GlobPattern pattern = glob == null || glob.isBlank() ? null : new GlobPattern(glob);
    Path p = new Path(input);
    try {
      FileSystem fs = p.getFileSystem(conf);
      Path qualified = fs.makeQualified(p);
      Tree tree =
          "file".equals(qualified.toUri().getScheme()) ? new LocalTree() : new HadoopTree(fs);
      return new Walk(tree, pattern, recursive).run(qualified);
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
   *     it
   */
  record Node(
      Path path,
      String name,
      Kind kind,
      boolean link,
      long length,
      long modified,
      Object identity,
      String detail) {}

  interface Tree {
    /** The input itself, links followed; null when it does not exist. */
    Node root(Path path) throws IOException;

    /** The folder's entries; throws when the folder cannot be listed. */
    List<Node> children(Node folder) throws IOException;
  }

  /** A folder waiting to be listed, with the chain of folders above it (for cycle detection). */
  private record Frame(Node folder, Frame parent) {
    boolean hasAncestor(Object identity) {
      for (Frame f = this; f != null; f = f.parent) {
        if (f.folder.identity().equals(identity)) {
          return true;
        }
      }
      return false;
    }
  }

  private static final class Walk {
    private final Tree tree;
    private final GlobPattern glob;
    private final boolean recursive;
    private final List<Entry> out = new ArrayList<>();
    private final Set<Object> listed = new HashSet<>();
    private final Deque<Frame> folders = new ArrayDeque<>();

    /** Links to folders, followed only once every real folder is listed. */
    private final Deque<Frame> links = new ArrayDeque<>();

    Walk(Tree tree, GlobPattern glob, boolean recursive) {
      this.tree = tree;
      this.glob = glob;
      this.recursive = recursive;
    }

    List<Entry> run(Path input) throws IOException {
      Node root = tree.root(input);
      if (root == null) {
        throw new InputException("Path does not exist: " + input, null);
      }
      if (root.kind() != Kind.FOLDER) {
        file(root);
        return out;
      }
      try {
        visit(new Frame(root, null), true);
      } catch (AccessDeniedException e) {
        throw new InputException("cannot list " + input + ": permission denied", e);
      }
      while (!folders.isEmpty() || !links.isEmpty()) {
        Frame next = !folders.isEmpty() ? folders.pop() : links.removeFirst();
        if (listed.contains(next.folder().identity())) {
          // a link (or a bind mount) back into what is listed already: one row, never a second walk
          boolean cycle = next.parent().hasAncestor(next.folder().identity());
          out.add(
              error(
                  next.folder(),
                  (cycle ? SYMLINK_CYCLE : SYMLINK_DUPLICATE)
                      + ": "
                      + (next.folder().link() ? "link to " : "")
                      + "a folder already listed ("
                      + (cycle ? "one of its own parents" : "under another path")
                      + "), not followed"));
          continue;
        }
        visit(next, false);
      }
      return out;
    }

    private void visit(Frame frame, boolean root) throws IOException {
      listed.add(frame.folder().identity());
      List<Node> children;
      try {
        children = tree.children(frame.folder());
      } catch (IOException e) {
        if (root) {
          throw e;
        }
        out.add(error(frame.folder(), UNREADABLE + ": cannot list folder: " + reasonOf(e)));
        return;
      }
      children.sort(Comparator.comparing(Node::name));
      List<Frame> sub = new ArrayList<>();
      for (Node c : children) {
        switch (c.kind()) {
          case FOLDER -> {
            if (recursive) {
              if (c.link()) {
                links.addLast(new Frame(c, frame));
              } else {
                sub.add(new Frame(c, frame));
              }
            }
          }
          case FILE -> file(c);
          case DANGLING -> {
            if (matches(c)) {
              out.add(error(c, DANGLING_LINK + ": " + c.detail()));
            }
          }
          case OTHER -> {
            if (matches(c)) {
              out.add(error(c, NOT_A_FILE + ": " + c.detail() + ", not read"));
            }
          }
        }
      }
      // depth first, in name order: push in reverse
      for (int i = sub.size() - 1; i >= 0; i--) {
        folders.push(sub.get(i));
      }
    }

    private void file(Node n) {
      if (!matches(n)) {
        return;
      }
      if (n.name().endsWith(COPYING_SUFFIX)) {
        out.add(
            error(
                n,
                INCOMPLETE
                    + ": name ends in "
                    + COPYING_SUFFIX
                    + " (still being copied), not read"));
        return;
      }
      out.add(
          new Entry(
              n.path().toString(), n.path().toUri().toString(), n.length(), n.modified(), null));
    }

    private boolean matches(Node n) {
      return glob == null || glob.matches(n.name());
    }

    private static Entry error(Node n, String message) {
      return new Entry(
          n.path().toString(),
          n.path().toUri().toString(),
          Math.max(n.length(), 0),
          n.modified(),
          message);
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
        Object id = a.fileKey() != null ? a.fileKey() : p.toRealPath().toString();
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
        Object id =
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
