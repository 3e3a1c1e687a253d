package com.synthscope.udfs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.testing.SharedSpark;
import com.synthscope.udfs.testing.Unprivileged;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listing split between the driver and Spark tasks gives exactly the entries of the sequential
 * walk ({@link FileListing#list}), on a real tree with many folders, hidden names, link cycles,
 * duplicate links into and out of the tree, and (in an unprivileged child JVM) an unreadable
 * folder; at every split point between the driver's part and the tasks'.
 */
class DistributedListingTest {

  @TempDir Path tmp;

  @AfterEach
  void readableAgain() throws Exception {
    Path locked = tmp.resolve("lake").resolve("y1").resolve("m2");
    if (Files.exists(locked)) {
      Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /**
   * 4 x 4 folders of files with hidden names, a {@code _COPYING_} file, a dangling link, a fifo,
   * links to parents, a link to a folder of the tree, and links out of it: two to one outside
   * folder, one into it (followed first: its key is smaller), each with links back in and up.
   */
  static Path tree(Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("lake"));
    for (int a = 0; a < 4; a++) {
      for (int b = 0; b < 4; b++) {
        Path leaf = Files.createDirectories(root.resolve("y" + a).resolve("m" + b));
        for (int f = 0; f < 3; f++) {
          Files.writeString(leaf.resolve("f" + f + ".png"), "x".repeat(1 + a + b + f));
        }
      }
    }
    Files.writeString(Files.createDirectories(root.resolve(".cache")).resolve("h.png"), "hh");
    Files.writeString(Files.createDirectories(root.resolve("_raw")).resolve("r.png"), "r");
    Files.writeString(root.resolve(".hidden.png"), "hid");
    Files.writeString(root.resolve("y0/m0/_DSC0001.JPG"), "dsc");
    Files.writeString(root.resolve("y1/late.png._COPYING_"), "late");
    Files.createSymbolicLink(root.resolve("y2/gone.png"), Path.of("nowhere.png"));
    Files.createSymbolicLink(root.resolve("y0/alias.png"), Path.of("m0/f0.png"));
    Process mk = new ProcessBuilder("mkfifo", root.resolve("y3/m3/pipe.png").toString()).start();
    assertEquals(0, mk.waitFor(), "mkfifo");
    // cycles: links to parents
    Files.createSymbolicLink(root.resolve("latest"), Path.of("."));
    Files.createSymbolicLink(root.resolve("y0/m1/loop"), Path.of(".."));
    Files.createSymbolicLink(root.resolve("y2/m0/up"), Path.of("../.."));
    // a duplicate: a link to a folder listed under its own name
    Files.createSymbolicLink(root.resolve("y3/again"), Path.of("../y0/m2"));
    // out of the tree
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("o.png"), "oo");
    Path deep = Files.createDirectories(outside.resolve("deep"));
    Files.writeString(deep.resolve("d.png"), "ddd");
    Files.createSymbolicLink(deep.resolve("back"), root.resolve("y1"));
    Files.createSymbolicLink(deep.resolve("up"), Path.of(".."));
    Files.createSymbolicLink(outside.resolve("self"), Path.of("."));
    Files.createSymbolicLink(root.resolve("y0/zdeep"), deep);
    Files.createSymbolicLink(root.resolve("y1/more"), outside);
    Files.createSymbolicLink(root.resolve("y2/deepLink"), deep);
    Files.createSymbolicLink(root.resolve("y3/more2"), outside);
    return root;
  }

  @Test
  void theDistributedWalkGivesTheSequentialWalksEntriesAtEverySplit() throws Exception {
    Path root = tree(tmp);
    SparkSession spark = SharedSpark.session();
    Map<String, String> expected = sequential(root, null, true);

    // the rules themselves, as the sequential walk gives them (FileListingTest has the small cases)
    assertTrue(expected.get(".hidden.png").startsWith("OK 3 "), expected.get(".hidden.png"));
    assertTrue(
        expected.get("y1/more/deep").startsWith("symlink_duplicate: a folder"),
        expected.toString());
    assertTrue(expected.get("y2/deepLink").startsWith("symlink_duplicate: link to"));
    assertTrue(expected.get("y3/more2").startsWith("symlink_duplicate: link to"));
    assertTrue(expected.get("y3/again").startsWith("symlink_duplicate: link to"));
    assertTrue(expected.get("y0/zdeep/back").startsWith("symlink_duplicate: link to"));
    assertTrue(expected.get("y1/more/self").startsWith("symlink_cycle: link to"));
    assertTrue(expected.get("latest").startsWith("symlink_cycle"));
    assertTrue(expected.get("y2/m0/up").startsWith("symlink_cycle"));
    assertTrue(expected.get("y3/m3/pipe.png").startsWith("not_a_file"));
    assertTrue(expected.get("y2/gone.png").startsWith("dangling_link"));
    assertTrue(expected.get("y1/late.png._COPYING_").startsWith("incomplete"));
    assertTrue(expected.get("y0/zdeep/d.png").startsWith("OK 3 "), "followed: " + expected);
    assertTrue(expected.get("y1/more/o.png").startsWith("OK 2 "), "followed: " + expected);

    // from everything on the driver to one folder on the driver and the rest in tasks
    for (int[] budget :
        new int[][] {{1, 1}, {2, 100}, {5, 100}, {9, 100}, {1000, 20}, {1000, 100_000}}) {
      DistributedListing.Listed listed =
          DistributedListing.list(spark, root.toString(), null, true, budget[0], budget[1]);
      String what = "driver budget " + budget[0] + " folders, " + budget[1] + " entries";
      assertEquals(expected, distributed(root, listed), what);
      assertEquals(expected.size(), listed.files(), what);
      assertEquals(bytes(root, null, true), listed.bytes(), what);
      if (budget[0] < 20) {
        assertTrue(listed.tasks(), what + ": listed in tasks");
      }
    }
    // a glob and the top level alone, in tasks and on the driver
    for (int folders : new int[] {1, 1000}) {
      assertEquals(
          sequential(root, "*.png", true),
          distributed(
              root, DistributedListing.list(spark, root.toString(), "*.png", true, folders, 10)));
      assertEquals(
          sequential(root, null, false),
          distributed(
              root, DistributedListing.list(spark, root.toString(), null, false, folders, 10)));
    }
  }

  @Test
  void aSmallTreeWithoutLinksIsListedOnTheDriverAlone() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("small"));
    Files.writeString(Files.createDirectories(root.resolve("a")).resolve("x.png"), "x");
    Files.writeString(root.resolve(".y.png"), "yy");
    SparkSession spark = SharedSpark.session();
    long jobs = jobCount(spark);

    DistributedListing.Listed listed = DistributedListing.list(spark, root.toString(), null, true);

    assertFalse(listed.tasks());
    assertEquals(2, listed.files());
    assertEquals(3, listed.bytes());
    assertEquals(jobs, jobCount(spark), "no Spark job for a small listing");
    assertEquals(sequential(root, null, true), distributed(root, listed));
  }

  @Test
  void anUnreadableFolderIsTheSameErrorRowInATask() throws Exception {
    Path root = tree(tmp);
    Path locked = root.resolve("y1").resolve("m2");
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    Unprivileged.assumeEnforced(locked.resolve("f0.png"));
    List<String> flags = new ArrayList<>();
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-") || a.startsWith("-XX:+Ignore") || a.startsWith("-Djdk.")) {
        flags.add(a);
      }
    }
    flags.add("-Xmx1g");

    String out = Unprivileged.run(Child.class, flags, root.toString());

    Map<String, String> seq = new TreeMap<>();
    Map<String, String> dist = new TreeMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.split("\t", 3);
      if (f.length == 3) {
        (f[0].equals("S") ? seq : dist).put(f[1], f[2]);
      }
    }
    assertTrue(
        seq.get("y1/m2").startsWith("unreadable: cannot list folder: permission denied"),
        seq.toString());
    assertFalse(seq.containsKey("y1/m2/f0.png"));
    assertEquals(seq, dist);
  }

  /** The child of {@link #anUnreadableFolderIsTheSameErrorRowInATask}: both walks, one per line. */
  public static final class Child {
    public static void main(String[] args) throws Exception {
      Path root = Path.of(args[0]);
      sequential(root, null, true).forEach((k, v) -> System.out.println("S\t" + k + "\t" + v));
      SparkSession spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("unprivileged-listing")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "2")
              .getOrCreate();
      DistributedListing.Listed listed =
          DistributedListing.list(spark, root.toString(), null, true, 2, 10);
      if (!listed.tasks()) {
        throw new AssertionError("not listed in tasks");
      }
      distributed(root, listed).forEach((k, v) -> System.out.println("D\t" + k + "\t" + v));
      spark.stop();
    }
  }

  private static long jobCount(SparkSession spark) throws Exception {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    return spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
  }

  /** Relative path -> "OK length mtime uri" or the error (with length and time). */
  static Map<String, String> sequential(Path root, String glob, boolean recursive) {
    Map<String, String> m = new TreeMap<>();
    String prefix = prefix(root);
    for (FileListing.Entry e :
        FileListing.list(new Configuration(), root.toString(), glob, recursive)) {
      String key = e.path().startsWith(prefix) ? e.path().substring(prefix.length()) : e.path();
      if (m.put(key, describe(e.length(), e.modificationTime(), e.error(), e.uri())) != null) {
        throw new AssertionError("listed twice: " + key);
      }
    }
    return m;
  }

  static Map<String, String> distributed(Path root, DistributedListing.Listed listed) {
    Map<String, String> m = new TreeMap<>();
    String prefix = prefix(root);
    for (Row r : listed.rows().collectAsList()) {
      String path = r.getAs(InventorySchema.PATH);
      String key = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
      Timestamp t = r.getAs(InventorySchema.MODIFICATION_TIME);
      String value =
          describe(
              r.getAs(InventorySchema.LENGTH),
              t.getTime(),
              r.getAs(InventorySchema.ERROR),
              r.getAs(ImageIngestion.URI));
      if (m.put(key, value) != null) {
        throw new AssertionError("listed twice: " + key);
      }
    }
    return m;
  }

  private static long bytes(Path root, String glob, boolean recursive) {
    return FileListing.list(new Configuration(), root.toString(), glob, recursive).stream()
        .mapToLong(FileListing.Entry::length)
        .sum();
  }

  private static String prefix(Path root) {
    return new org.apache.hadoop.fs.Path("file", null, root.toString()).toString() + "/";
  }

  private static String describe(long length, long modified, String error, String uri) {
    return (error == null ? "OK " + length : error + " (" + length + ")")
        + " @"
        + modified
        + " "
        + uri;
  }
}
