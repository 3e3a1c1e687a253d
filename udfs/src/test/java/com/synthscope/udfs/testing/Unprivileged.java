package com.synthscope.udfs.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs a Java main class in a child JVM that file permissions apply to, for tests of unreadable
 * files on a machine whose tests run as root (root reads a mode-000 file; such a test would prove
 * nothing). As root, the child runs under {@code setpriv} with the capabilities that bypass
 * permission checks (DAC override and read search, fowner) dropped from its bounding set: still uid
 * 0, so it reads the build's classpath under /root, but a file or folder with mode 000 is closed to
 * it as to anyone. Not root: the child runs as is. Where neither works (no setpriv, or the
 * container may not drop capabilities) the test is skipped with a message saying so.
 */
public final class Unprivileged {

  private Unprivileged() {}

  /** Whether this JVM runs as root. */
  public static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").start();
      String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.waitFor() == 0 && uid.equals("0");
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static List<String> prefix() {
    return isRoot()
        ? List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--")
        : List.of();
  }

  /**
   * Skips the calling test unless a child process really is refused {@code probe} (a file with mode
   * 000): the check that the permission case can be tested here at all.
   */
  public static void assumeEnforced(Path probe) throws Exception {
    List<String> cmd = new ArrayList<>(prefix());
    cmd.addAll(List.of("cat", probe.toString()));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort(
          "cannot run an unprivileged child here ("
              + e.getMessage()
              + "): permission case skipped");
      return;
    }
    p.getInputStream().readAllBytes();
    Assumptions.assumeTrue(
        p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() != 0,
        "a child process still reads a mode-000 file (root without setpriv, or capabilities not droppable):"
            + " permission case skipped");
  }

  /** Runs {@code main} with this JVM's classpath in an unprivileged child; its standard output. */
  public static String run(Class<?> main, String... args) throws Exception {
    return run(main, List.of(), args);
  }

  /**
   * As {@link #run(Class, String...)}, the child started with {@code jvmFlags} (e.g. the module
   * flags a child running Spark needs).
   */
  public static String run(Class<?> main, List<String> jvmFlags, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(prefix());
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile("unprivileged", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new AssertionError(
            "child " + main.getSimpleName() + " failed: " + Files.readString(err));
      }
      return out;
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
