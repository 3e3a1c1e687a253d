package com.synthscope.job.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1, started from the Spark jars that the build copies to
 * job/target/lib (no Spark distribution): one master and some workers, each its own JVM, and
 * applications submitted through {@code org.apache.spark.deploy.SparkSubmit} as a user would.
 * Workers launch executors from {@code SPARK_HOME/jars}, so SPARK_HOME is a folder whose {@code
 * jars} links to that lib folder.
 *
 * <p>Every process writes its log under the cluster's folder; each executor's log is {@code
 * work-N/APP-ID/EXECUTOR-ID/stderr}.
 */
final class LocalStandaloneCluster implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern APP_ID =
      Pattern.compile("Connected to Spark cluster with app ID (app-[0-9-]+)");

  /** Where the build left things, as failsafe passes them. */
  record Build(Path jobJar, Path sparkJars, List<String> jvmFlags) {

    static Build fromSystemProperties() {
      Path jar = existing("synthscope.job.jar");
      Path lib = existing("synthscope.spark.jars");
      Path options = existing("synthscope.jvm.options");
      try (Stream<String> lines = Files.lines(options)) {
        List<String> flags =
            lines
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .flatMap(l -> Stream.of(l.split("\\s+")))
                .toList();
        return new Build(jar, lib, flags);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static Path existing(String property) {
      String v = System.getProperty(property);
      if (v == null || !Files.exists(Path.of(v))) {
        throw new IllegalStateException(
            "system property "
                + property
                + " must name what `mvn package` built, got "
                + v
                + " (run the test through `mvn verify`)");
      }
      return Path.of(v);
    }
  }

  /**
   * A finished spark-submit: its exit code, its output (driver log and the job's own lines), its
   * app id.
   */
  record Submission(int exitCode, String output, String appId) {}

  private final Path dir;
  private final Build build;
  private final Path sparkHome;
  private final String masterUrl;
  private final List<Process> daemons = new ArrayList<>();
  private final List<Path> workDirs = new ArrayList<>();

  private LocalStandaloneCluster(Path dir, Build build, Path sparkHome, String masterUrl) {
    this.dir = dir;
    this.build = build;
    this.sparkHome = sparkHome;
    this.masterUrl = masterUrl;
  }

  /**
   * Starts a master and {@code workers} workers of {@code cores} cores each, and waits until all
   * registered.
   */
  static LocalStandaloneCluster start(
      Path dir, Build build, int workers, int cores, String workerMemory)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path home = dir.resolve("spark-home");
    Files.createDirectories(home.resolve("conf"));
    Path jars = home.resolve("jars");
    Files.deleteIfExists(jars);
    Files.createSymbolicLink(jars, build.sparkJars().toAbsolutePath());
    int port = freePort();
    LocalStandaloneCluster c =
        new LocalStandaloneCluster(dir, build, home, "spark://127.0.0.1:" + port);
    try {
      Path masterLog = dir.resolve("master.log");
      c.daemons.add(
          c.java(
              List.of(
                  "org.apache.spark.deploy.master.Master",
                  "--host",
                  "127.0.0.1",
                  "--port",
                  String.valueOf(port),
                  "--webui-port",
                  "0"),
              masterLog,
              "512m"));
      awaitLine(masterLog, "I have been elected leader", c.daemons.get(0));
      for (int w = 1; w <= workers; w++) {
        Path work = dir.resolve("work-" + w);
        Files.createDirectories(work);
        c.workDirs.add(work);
        Path log = dir.resolve("worker-" + w + ".log");
        Process p =
            c.java(
                List.of(
                    "org.apache.spark.deploy.worker.Worker",
                    c.masterUrl,
                    "--host",
                    "127.0.0.1",
                    "--cores",
                    String.valueOf(cores),
                    "--memory",
                    workerMemory,
                    "--work-dir",
                    work.toString(),
                    "--webui-port",
                    "0"),
                log,
                "512m");
        c.daemons.add(p);
        awaitLine(log, "Successfully registered with master", p);
      }
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  String masterUrl() {
    return masterUrl;
  }

  /**
   * Runs {@code spark-submit --master MASTER --deploy-mode client OPTIONS --class SynthScopeCli JAR
   * ARGS} and waits for it.
   *
   * @param options spark-submit's own options, e.g. {@code --properties-file F}, {@code --conf K=V}
   */
  Submission submit(
      String master, List<String> options, List<String> args, Path log, Duration timeout)
      throws IOException, InterruptedException {
    Process p = submitAsync(master, options, args, log);
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("spark-submit did not finish in " + timeout + "; log: " + log);
    }
    return finished(p, log);
  }

  /** Starts a spark-submit and returns at once; see {@link #finished}. */
  Process submitAsync(String master, List<String> options, List<String> args, Path log)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                master,
                "--deploy-mode",
                "client",
                "--class",
                "com.synthscope.job.SynthScopeCli"));
    command.addAll(options);
    command.add(build.jobJar().toString());
    command.addAll(args);
    return java(command, log, "1g");
  }

  /** The result of a spark-submit started with {@link #submitAsync} that has exited. */
  static Submission finished(Process p, Path log) throws IOException {
    String output = Files.readString(log, StandardCharsets.UTF_8);
    return new Submission(p.exitValue(), output, appId(output).orElse(null));
  }

  /** The application id a driver log names once the driver has connected to the master. */
  static Optional<String> appId(String driverOutput) {
    Matcher m = APP_ID.matcher(driverOutput);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * Every executor folder of an application, over all workers: each holds that executor's stderr.
   */
  List<Path> executorDirs(String appId) throws IOException {
    List<Path> dirs = new ArrayList<>();
    for (Path work : workDirs) {
      Path app = work.resolve(appId);
      if (Files.isDirectory(app)) {
        try (Stream<Path> s = Files.list(app)) {
          s.filter(Files::isDirectory).sorted().forEach(dirs::add);
        }
      }
    }
    return dirs;
  }

  /** The running executor JVM of an application with this id, if any. */
  Optional<ProcessHandle> executor(String appId, String executorId) {
    return daemons.stream()
        .flatMap(Process::descendants)
        .filter(
            h -> {
              String cmd = h.info().commandLine().orElse("");
              return cmd.contains("CoarseGrainedExecutorBackend")
                  && cmd.contains("--app-id " + appId)
                  && cmd.contains("--executor-id " + executorId + " ");
            })
        .findFirst();
  }

  /**
   * A JVM with the build's flags on the Spark jars, in the cluster's environment, output into
   * {@code log}.
   */
  private Process java(List<String> mainAndArgs, Path log, String heap) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + heap);
    cmd.addAll(build.jvmFlags());
    cmd.add("-Djava.io.tmpdir=" + tmp());
    cmd.add("-cp");
    cmd.add(sparkHome.resolve("jars") + "/*");
    cmd.addAll(mainAndArgs);
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_CONF_DIR", sparkHome.resolve("conf").toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("DJL_OFFLINE", "true");
    env.put("LC_ALL", "C.UTF-8");
    env.put("LANG", "C.UTF-8");
    return pb.start();
  }

  private Path tmp() throws IOException {
    return Files.createDirectories(dir.resolve("tmp"));
  }

  private static void awaitLine(Path log, String text, Process process)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "process exited (" + process.exitValue() + ") before '" + text + "'; log: " + log);
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("no '" + text + "' within " + START_TIMEOUT + "; log: " + log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops workers (with their executors) and the master. */
  @Override
  public void close() {
    for (int i = daemons.size() - 1; i >= 0; i--) {
      Process p = daemons.get(i);
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    for (Process p : daemons) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }
}
