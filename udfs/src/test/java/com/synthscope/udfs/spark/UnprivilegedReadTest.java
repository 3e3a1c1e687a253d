package com.synthscope.udfs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.testing.Unprivileged;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unreadable files and folders as a user that permissions apply to (see {@link Unprivileged}: as
 * root the child runs with permission-bypassing capabilities dropped): the listing and the per-file
 * read give error rows with the true reason, "permission denied", never "does not exist", and the
 * other files are read.
 */
class UnprivilegedReadTest {

  @TempDir Path tmp;

  /**
   * The child: lists {@code args[0]} (recursively when {@code args[1]} is {@code true}), reads
   * every entry, prints {@code name<TAB>error-or-OK}.
   */
  public static void main(String[] args) {
    Configuration conf = new Configuration();
    String root = new org.apache.hadoop.fs.Path("file", null, args[0]).toString();
    for (FileListing.Entry e :
        FileListing.list(conf, args[0], null, Boolean.parseBoolean(args[1]))) {
      FileContent.Read read = FileContent.read(conf, e, 1 << 20);
      System.out.println(
          e.path().substring(root.length() + 1)
              + "\t"
              + (read.error() == null ? "OK " + read.content().length : read.error()));
    }
  }

  @AfterEach
  void readableAgain() throws Exception {
    // @TempDir must be able to delete what the test closed
    for (Path p : new Path[] {tmp.resolve("locked"), tmp.resolve("secret.png")}) {
      if (Files.exists(p)) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    }
  }

  @Test
  void anUnreadableFileAndFolderAreErrorRowsWithTheTrueReason() throws Exception {
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(tmp.resolve("ok.png"), "fine");
    Path secret = Files.writeString(tmp.resolve("secret.png"), "closed");
    Path locked = Files.createDirectories(tmp.resolve("locked"));
    Files.writeString(locked.resolve("inside.png"), "unseen");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    Unprivileged.assumeEnforced(secret);

    Map<String, String> rows = rows(true);
    assertEquals(3, rows.size(), rows.toString());
    assertEquals("OK 4", rows.get("ok.png"));
    assertEquals("unreadable: permission denied", rows.get("secret.png"));
    assertTrue(
        rows.get("locked").startsWith("unreadable: cannot list folder: permission denied"),
        rows.toString());

    Map<String, String> top = rows(false);
    assertEquals(
        Map.of("ok.png", "OK 4", "secret.png", "unreadable: permission denied"),
        top,
        "without recursion the closed folder is not entered, so it is no error");
  }

  private Map<String, String> rows(boolean recursive) throws Exception {
    Map<String, String> rows = new TreeMap<>();
    String out =
        Unprivileged.run(UnprivilegedReadTest.class, tmp.toString(), String.valueOf(recursive));
    for (String line : out.strip().split("\n")) {
      String[] kv = line.split("\t", 2);
      rows.put(kv[0], kv[1]);
    }
    return rows;
  }
}
