package com.synthscope.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.job.audit.AuditCommand;
import com.synthscope.udfs.detect.DetectorCatalog;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.spark.InjectedTaskFailure;
import com.synthscope.udfs.testing.ImageCorpus;
import com.synthscope.udfs.testing.SharedSpark;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 14's faults that concern outputs, the CLI's handler and the filesystem: each case here
 * failed before the rules of README "Reliability" were in place. (Listing and reading rules:
 * FileListingTest, ImageIngestionTest, UnprivilegedReadTest in udfs.)
 */
class ReliabilityTest {

  @TempDir static Path shared;
  @TempDir Path tmp;
  private static TestDetectors detectors;

  @BeforeAll
  static void detectors() {
    detectors = new TestDetectors(shared);
  }

  /** An archive folder with a few images, beside an unrelated file in its parent. */
  private Path archive() throws Exception {
    Path parent = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(parent.resolve("unrelated.csv"), "a,b\n1,2\n");
    Path in = Files.createDirectories(parent.resolve("archive"));
    ImageCorpus.write(in);
    return in;
  }

  private static List<String> snapshot(Path dir) throws Exception {
    List<String> files = new ArrayList<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted().toList()) {
        files.add(dir.relativize(p) + (Files.isRegularFile(p) ? " " + Files.size(p) : "/"));
      }
    }
    return files;
  }

  private static void assertOneLine(Result r) {
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
  }

  // item 1: an output that is, lies inside or contains the input is refused with nothing touched
  @Test
  void anOutputThatIsContainsOrLiesInsideTheInputIsRefusedAndNothingIsTouched() throws Exception {
    Path in = archive();
    Path parent = in.getParent();
    List<String> before = snapshot(parent);

    for (Path out : List.of(in, parent, in.resolve("inventory"))) {
      Result r =
          JobTestSupport.cli(
              "ingest", "--input", in.toString(), "--output", out.toString(), "--overwrite");
      assertEquals(2, r.code(), out + ": " + r.err());
      assertOneLine(r);
      assertEquals(before, snapshot(parent), "nothing touched for --output " + out);
    }
    Result audit =
        JobTestSupport.cli(
            detectors.factory(), "audit", "--input", in.toString(), "--output", parent.toString());
    assertEquals(2, audit.code(), audit.err());
    assertTrue(audit.err().contains("contains --input"), audit.err());
    Path link = Files.createSymbolicLink(tmp.resolve("alias"), in);
    assertEquals(
        2,
        JobTestSupport.cli(
                "ingest", "--input", link.toString(), "--output", in.toString(), "--overwrite")
            .code(),
        "a link to the input is the input");
    assertEquals(before, snapshot(parent));
  }

  // item 1: --overwrite deletes only what ingest itself wrote before
  @Test
  void ingestOverwriteReplacesItsOwnOutputAndRefusesAnyOtherFolder() throws Exception {
    Path in = archive();
    Path foreign = Files.createDirectories(tmp.resolve("photos"));
    Files.writeString(foreign.resolve("holiday.jpg"), "not ours");
    Result refused =
        JobTestSupport.cli(
            "ingest", "--input", in.toString(), "--output", foreign.toString(), "--overwrite");
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("not an output of synthscope ingest"), refused.err());
    assertEquals("not ours", Files.readString(foreign.resolve("holiday.jpg")));

    Path out = tmp.resolve("inventory");
    assertEquals(
        0,
        JobTestSupport.cli("ingest", "--input", in.toString(), "--output", out.toString()).code());
    Result again =
        JobTestSupport.cli(
            "ingest", "--input", in.toString(), "--output", out.toString(), "--overwrite");
    assertEquals(0, again.code(), again.err());
    assertEquals(
        ImageCorpus.write(Files.createDirectories(tmp.resolve("count"))).size(),
        SharedSpark.session().read().parquet(out.toString()).count());
  }

  // item 3: a failing ingest --overwrite keeps the previous inventory
  @Test
  void aFailedIngestOverwriteKeepsThePreviousInventory() throws Exception {
    Path in = archive();
    Path out = tmp.resolve("inventory");
    assertEquals(
        0,
        JobTestSupport.cli("ingest", "--input", in.toString(), "--output", out.toString()).code());
    List<String> before = snapshot(out);
    try {
      // local[2] gives a task one attempt: the injected fault fails the job
      Result failed =
          JobTestSupport.cli(
              "ingest",
              "--input",
              in.toString(),
              "--output",
              out.toString(),
              "--overwrite",
              "--conf",
              InjectedTaskFailure.SETTING + "=1");
      assertEquals(1, failed.code(), failed.err());
    } finally {
      SharedSpark.session().conf().unset(InjectedTaskFailure.SETTING);
    }
    assertEquals(before, snapshot(out), "the previous inventory is untouched");
    try (Stream<Path> siblings = Files.list(tmp)) {
      assertTrue(
          siblings.noneMatch(p -> p.getFileName().toString().contains("staging")),
          "no staging left");
    }
  }

  // item 15: an unwritable output is refused before any work, in one line
  @Test
  void anUnwritableOutputIsRefusedBeforeAnyWork() throws Exception {
    Path in = archive();
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    Result ingest =
        JobTestSupport.cli(
            "ingest", "--input", in.toString(), "--output", file.resolve("inventory").toString());
    assertEquals(2, ingest.code(), ingest.err());
    assertOneLine(ingest);
    assertTrue(ingest.err().contains("cannot write --output"), ingest.err());
    assertFalse(ingest.out().contains("ingested"), "refused before the scan: " + ingest.out());

    Result audit =
        JobTestSupport.cli(
            detectors.factory(),
            "audit",
            "--input",
            in.toString(),
            "--output",
            file.resolve("audit").toString());
    assertEquals(2, audit.code(), audit.err());
    assertOneLine(audit);
    assertFalse(
        audit.out().contains("preflight"), "refused before the models load: " + audit.out());
  }

  // item 17: --input is a literal path
  @Test
  void anInputFolderNamedLikeAGlobIsTakenLiterally() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("batch[1]"));
    int n = ImageCorpus.write(in).size();
    Files.createDirectories(tmp.resolve("batch1"));
    Files.writeString(tmp.resolve("batch1").resolve("decoy.png"), "not listed");
    Result r =
        JobTestSupport.cli(
            "ingest", "--input", in.toString(), "--output", tmp.resolve("inventory").toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(n, r.lastLineJson().get("files").getAsLong());
  }

  // item 18: a 1200-level tree lists (it overflowed the stack), and any Java Error ends in one line
  // and exit 1
  @Test
  void aDeepTreeIngestsAndJavaErrorsEndWithOneLineAndExitCodeOne() throws Exception {
    Path deep = Files.createDirectories(tmp.resolve("deep"));
    Path in = deep;
    for (int i = 0; i < 1200; i++) {
      deep = Files.createDirectory(deep.resolve("d"));
    }
    Path one = Files.createDirectories(tmp.resolve("one"));
    ImageCorpus.write(one);
    Files.copy(one.resolve(ImageCorpus.TINY), deep.resolve("bottom.png"));
    Result r =
        JobTestSupport.cli(
            "ingest",
            "--input",
            in.toString(),
            "--output",
            tmp.resolve("inventory").toString(),
            "--recursive");
    assertEquals(0, r.code(), r.err());
    assertEquals(1, r.lastLineJson().get("files").getAsLong());

    for (Error error :
        List.of(
            new StackOverflowError(),
            new OutOfMemoryError("Java heap space"),
            fsError(new java.io.IOException("No space left on device")))) {
      DetectorCatalog failing =
          new DetectorCatalog() {
            @Override
            public List<String> names() {
              return List.of("dnf");
            }

            @Override
            public ImageDetector create(String name, Map<String, String> models) {
              throw error;
            }
          };
      CommandLine.IFactory factory =
          new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
              return cls == AuditCommand.class
                  ? cls.cast(new AuditCommand(failing))
                  : CommandLine.defaultFactory().create(cls);
            }
          };
      Result e =
          JobTestSupport.cli(
              factory,
              "audit",
              "--input",
              in.toString(),
              "--output",
              tmp.resolve("audit").toString(),
              "--detectors",
              "dnf");
      assertEquals(1, e.code(), e.err());
      assertOneLine(e);
      assertTrue(e.err().contains(error.getClass().getSimpleName()), e.err());
    }
  }

  /** Hadoop's FSError (what a full local disk throws), whose constructor is package-private. */
  private static Error fsError(Throwable cause) throws Exception {
    var c = org.apache.hadoop.fs.FSError.class.getDeclaredConstructor(Throwable.class);
    c.setAccessible(true);
    return c.newInstance(cause);
  }

  // item 8: a namenode that accepts connections and never answers fails the job in bounded time, in
  // one line
  @Test
  void anUnresponsiveNamenodeFailsInBoundedTimeWithOneLine() throws Exception {
    try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(blackHole.accept()); // and never a byte back
                  }
                } catch (java.io.IOException closed) {
                  // test over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      String input = "hdfs://127.0.0.1:" + blackHole.getLocalPort() + "/archive";

      // the CLI's own Hadoop settings, nothing passed: a hang fails here instead of holding the
      // build
      Result r =
          assertTimeoutPreemptively(
              Duration.ofMinutes(4),
              () ->
                  JobTestSupport.cli(
                      "ingest", "--input", input, "--output", tmp.resolve("inventory").toString()));

      assertEquals(1, r.code(), r.err());
      assertOneLine(r);
      assertTrue(r.err().contains("timeout") && r.err().contains("127.0.0.1"), r.err());
      assertFalse(accepted.isEmpty(), "the client did reach the listener");
      for (Socket s : accepted) {
        s.close();
      }
    }
  }
}
