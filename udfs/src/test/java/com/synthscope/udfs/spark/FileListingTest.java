package com.synthscope.udfs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listing's rules on real folders: hidden names, links and their cycles, literal inputs, deep
 * trees, special files. Spark-free: the listing runs on the driver. (Unreadable files and folders:
 * {@link UnprivilegedReadTest}.)
 */
class FileListingTest {

  @TempDir Path tmp;

  private static Map<String, FileListing.Entry> list(Path input, String glob, boolean recursive) {
    // the walk must end: a cycle that is followed would hang here, so bound it
    List<FileListing.Entry> entries =
        assertTimeoutPreemptively(
            Duration.ofMinutes(2),
            () -> FileListing.list(new Configuration(), input.toString(), glob, recursive));
    Map<String, FileListing.Entry> byPath = new TreeMap<>();
    String root = new org.apache.hadoop.fs.Path("file", null, input.toString()).toString();
    for (FileListing.Entry e : entries) {
      String rel =
          e.path().startsWith(root + "/") ? e.path().substring(root.length() + 1) : e.path();
      assertNull(byPath.put(rel, e), "listed twice: " + rel);
    }
    return byPath;
  }

  private static String reason(FileListing.Entry e) {
    return e.error() == null ? null : InventorySchema.reasonOf(e.error());
  }

  @Test
  void hiddenNamesAndHiddenFoldersAreListedAndCopyingFilesAreMarkedIncomplete() throws Exception {
    Files.writeString(tmp.resolve("_DSC0001.JPG"), "x");
    Files.writeString(tmp.resolve(".hidden.png"), "x");
    Files.writeString(tmp.resolve("late.jpg._COPYING_"), "x");
    Files.writeString(Files.createDirectories(tmp.resolve("_underscore")).resolve("a.png"), "x");
    Files.writeString(Files.createDirectories(tmp.resolve(".dot")).resolve("b.png"), "x");

    Map<String, FileListing.Entry> all = list(tmp, null, true);

    assertEquals(
        List.of(
            ".dot/b.png", ".hidden.png", "_DSC0001.JPG", "_underscore/a.png", "late.jpg._COPYING_"),
        List.copyOf(all.keySet()));
    assertEquals(FileListing.INCOMPLETE, reason(all.get("late.jpg._COPYING_")));
    assertNull(all.get("_DSC0001.JPG").error());
    assertEquals(1, all.get("_DSC0001.JPG").length());
    assertEquals(
        List.of(".hidden.png", "_DSC0001.JPG", "late.jpg._COPYING_"),
        List.copyOf(list(tmp, null, false).keySet()),
        "without recursion: the input folder's own files");
    assertEquals(
        List.of(".dot/b.png", ".hidden.png", "_underscore/a.png"),
        List.copyOf(list(tmp, "*.png", true).keySet()),
        "a glob filters file names");
  }

  @Test
  void linksToParentsAreReportedOnceAndNeverFollowedAndDanglingLinksGetAnError() throws Exception {
    Files.writeString(tmp.resolve("a.png"), "aa");
    Path sub = Files.createDirectories(tmp.resolve("sub"));
    Files.writeString(sub.resolve("b.png"), "bbb");
    Files.createSymbolicLink(tmp.resolve("latest"), Path.of("."));
    Files.createSymbolicLink(tmp.resolve("current"), Path.of("."));
    Files.createSymbolicLink(sub.resolve("loop"), Path.of(".."));
    Files.createSymbolicLink(tmp.resolve("gone.png"), Path.of("nowhere.png"));
    Files.createSymbolicLink(tmp.resolve("alias.png"), Path.of("a.png"));
    Path outside = Files.createDirectories(tmp.resolveSibling(tmp.getFileName() + "-outside"));
    Files.writeString(outside.resolve("c.png"), "c");
    Files.createSymbolicLink(tmp.resolve("more"), outside);
    Files.createSymbolicLink(tmp.resolve("sub-again"), Path.of("sub"));

    Map<String, FileListing.Entry> all = list(tmp, null, true);

    assertEquals(
        List.of(
            "a.png",
            "alias.png",
            "current",
            "gone.png",
            "latest",
            "more/c.png",
            "sub-again",
            "sub/b.png",
            "sub/loop"),
        List.copyOf(all.keySet()));
    assertNull(all.get("alias.png").error(), "a link to a file is read through");
    assertEquals(2, all.get("alias.png").length());
    assertNull(all.get("more/c.png").error(), "a link to a folder outside the tree is followed");
    for (String cycle : List.of("latest", "current", "sub/loop")) {
      assertEquals(FileListing.SYMLINK_CYCLE, reason(all.get(cycle)), all.get(cycle).error());
    }
    assertEquals(
        FileListing.SYMLINK_DUPLICATE,
        reason(all.get("sub-again")),
        "sub is listed under its own name");
    assertEquals(FileListing.DANGLING_LINK, reason(all.get("gone.png")));
    assertTrue(all.get("gone.png").error().contains("nowhere.png"), all.get("gone.png").error());

    Map<String, FileListing.Entry> top = list(tmp, null, false);
    assertEquals(
        List.of("a.png", "alias.png", "gone.png"),
        List.copyOf(top.keySet()),
        "without recursion links to folders are folders: not entered");
  }

  @Test
  void theInputIsTakenLiterallyAndNamesWithColonsPercentsAndSpacesRoundTrip() throws Exception {
    Path batch = Files.createDirectories(tmp.resolve("batch[1]"));
    Files.writeString(batch.resolve("a:b.png"), "x");
    Files.writeString(batch.resolve("50%20off 1.png"), "x");
    Files.createDirectories(tmp.resolve("batch1"));
    Files.writeString(
        tmp.resolve("batch1").resolve("other.png"), "x"); // what batch[1] would match as a glob

    Map<String, FileListing.Entry> all = list(batch, null, true);

    assertEquals(List.of("50%20off 1.png", "a:b.png"), List.copyOf(all.keySet()));
    for (FileListing.Entry e : all.values()) {
      assertEquals(
          Path.of(java.net.URI.create(e.uri())).getFileName().toString(),
          e.path().substring(e.path().lastIndexOf('/') + 1),
          "the URI opens the file the path names");
      assertTrue(Files.isRegularFile(Path.of(java.net.URI.create(e.uri()))), e.uri());
    }
    FileListing.InputException missing =
        assertThrows(
            FileListing.InputException.class,
            () ->
                FileListing.list(
                    new Configuration(), tmp.resolve("batch[2]").toString(), null, true));
    assertTrue(missing.getMessage().contains("Path does not exist"), missing.getMessage());
  }

  @Test
  void aTwelveHundredLevelTreeListsWithoutOverflowingTheStack() throws Exception {
    Path deep = tmp;
    for (int i = 0; i < 1200; i++) {
      deep = Files.createDirectory(deep.resolve("d"));
    }
    Files.writeString(deep.resolve("bottom.png"), "x");

    Map<String, FileListing.Entry> all = list(tmp, null, true);

    assertEquals(1, all.size());
    assertTrue(all.keySet().iterator().next().endsWith("/d/bottom.png"));
    assertEquals(1200, all.keySet().iterator().next().split("/").length - 1);
  }

  @Test
  void aFifoIsListedAsNotAFileAndNeverOpened() throws Exception {
    Path fifo = tmp.resolve("pipe.png");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo is not available here");
    Files.writeString(tmp.resolve("ok.png"), "x");

    Map<String, FileListing.Entry> all = list(tmp, null, false);

    assertEquals(FileListing.NOT_A_FILE, reason(all.get("pipe.png")), all.toString());
    assertEquals(FileListing.NOT_A_FILE, reason(all.get("pipe.png")));
    FileContent.Read read = FileContent.read(new Configuration(), all.get("pipe.png"), 1000);
    assertEquals(
        FileListing.NOT_A_FILE,
        InventorySchema.reasonOf(read.error()),
        "never opened: it would block");
  }

  @Test
  void aFileDeletedAfterTheListingOrGrownPastTheLimitIsAReasonNotAFailure() throws IOException {
    Files.write(tmp.resolve("gone.png"), new byte[10]);
    Files.write(tmp.resolve("grows.png"), new byte[10]);
    Map<String, FileListing.Entry> all = list(tmp, null, false);
    Files.delete(tmp.resolve("gone.png"));
    Files.write(tmp.resolve("grows.png"), new byte[100]);

    assertEquals(
        FileContent.VANISHED,
        InventorySchema.reasonOf(
            FileContent.read(new Configuration(), all.get("gone.png"), 50).error()));
    FileContent.Read grown = FileContent.read(new Configuration(), all.get("grows.png"), 50);
    assertEquals("too_large", InventorySchema.reasonOf(grown.error()), grown.error());
    assertEquals(
        100, FileContent.read(new Configuration(), all.get("grows.png"), 1000).content().length);
  }

  static String describe(Map<String, FileListing.Entry> m) {
    return m.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue().error())
        .collect(Collectors.joining(", "));
  }
}
