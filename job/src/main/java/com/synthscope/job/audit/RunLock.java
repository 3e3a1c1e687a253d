package com.synthscope.job.audit;

import com.synthscope.job.ConfigurationException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One run id at a time in one audit output: a lock file {@code OUTPUT/runs/_locks/ID.lock}, created
 * atomically (exclusive create: {@code O_EXCL} on local filesystems, the namenode's
 * create-if-absent on HDFS). It holds the run id, host, process id and start time; the run touches
 * it every {@link #HEARTBEAT_SECONDS} s and deletes it when it ends, however it ends.
 *
 * <p>Stale rule: a lock is taken over when its process is gone (same host, and no live process has
 * its pid) or when it has not been touched for {@link #STALE_MINUTES} minutes (a run killed on
 * another host). Otherwise a second run with the same id is refused (exit 2) and touches nothing.
 * On object stores without an atomic create-if-absent (S3) two runs starting in the same instant
 * can both win; do not start them so.
 */
final class RunLock implements AutoCloseable {

  static final String LOCKS = "_locks";
  static final long HEARTBEAT_SECONDS = 60;
  static final long STALE_MINUTES = 10;

  private final FileSystem fs;
  private final Path file;
  private final ScheduledExecutorService heartbeat;

  private RunLock(FileSystem fs, Path file) {
    this.fs = fs;
    this.file = file;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "synthscope-run-lock");
              t.setDaemon(true);
              return t;
            });
    heartbeat.scheduleAtFixedRate(
        this::touch, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
  }

  /** The lock file of a run id under an audit output's {@code runs} folder. */
  static Path file(Path runs, String runId) {
    return new Path(new Path(runs, LOCKS), runId + ".lock");
  }

  /**
   * Takes the run id's lock, replacing a stale one (and saying so on {@code log}).
   *
   * @throws ConfigurationException when another live run holds it
   */
  static RunLock acquire(FileSystem fs, Path runs, String runId, java.io.PrintWriter log)
      throws IOException {
    Path file = file(runs, runId);
    fs.mkdirs(file.getParent());
    for (int attempt = 0; attempt < 2; attempt++) {
      if (create(fs, file, describe(runId))) {
        return new RunLock(fs, file);
      }
      Properties holder = read(fs, file);
      FileStatus st;
      try {
        st = fs.getFileStatus(file);
      } catch (java.io.FileNotFoundException gone) {
        continue; // released between our create and our look: try again
      }
      String why = staleBecause(holder, st.getModificationTime());
      if (why == null) {
        throw new ConfigurationException(
            "another audit with run id "
                + runId
                + " is running on this output ("
                + holder.getProperty("host", "?")
                + " pid "
                + holder.getProperty("pid", "?")
                + ", started "
                + holder.getProperty("started", "?")
                + "; lock "
                + file
                + "); wait for it to end or use another"
                + " --run-id. A lock untouched for "
                + STALE_MINUTES
                + " minutes is stale and taken over");
      }
      log.println("lock       removed a stale lock of run id " + runId + " (" + why + ")");
      fs.delete(file, false);
    }
    throw new ConfigurationException(
        "cannot take the lock "
            + file
            + " for run id "
            + runId
            + ": another run keeps creating it");
  }

  /** Why the holder is gone, or null when it may be running. */
  static String staleBecause(Properties holder, long touchedMillis) {
    long idleMinutes = (System.currentTimeMillis() - touchedMillis) / 60_000;
    if (idleMinutes >= STALE_MINUTES) {
      return "untouched for " + idleMinutes + " minutes";
    }
    String host = holder.getProperty("host");
    String pid = holder.getProperty("pid");
    if (host != null && host.equals(hostName()) && pid != null) {
      try {
        if (ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)) {
          return null;
        }
        return "its process " + pid + " on this host is gone";
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static boolean create(FileSystem fs, Path file, String content) throws IOException {
    if ("file".equals(fs.getUri().getScheme())) {
      // Hadoop's local create(overwrite=false) checks, then creates: not atomic. O_EXCL is.
      try {
        Files.writeString(
            java.nio.file.Path.of(file.toUri()),
            content,
            StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE_NEW,
            java.nio.file.StandardOpenOption.WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      }
    }
    try (FSDataOutputStream out = fs.create(file, false)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  private static Properties read(FileSystem fs, Path file) {
    Properties p = new Properties();
    try (var in = fs.open(file)) {
      p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      // unreadable or gone: judged by its age alone
    }
    return p;
  }

  static String describe(String runId) {
    return "run_id="
        + runId
        + "\nhost="
        + hostName()
        + "\npid="
        + ProcessHandle.current().pid()
        + "\nstarted="
        + Instant.now()
        + "\njvm="
        + ManagementFactory.getRuntimeMXBean().getName()
        + "\n";
  }

  /** The kernel's host name (no name service lookup: this runs offline). */
  static String hostName() {
    try {
      return Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
    } catch (IOException | RuntimeException e) {
      String env = System.getenv("HOSTNAME");
      return env != null ? env : "unknown";
    }
  }

  private void touch() {
    try {
      fs.setTimes(file, System.currentTimeMillis(), -1);
    } catch (IOException | RuntimeException e) {
      // the next beat tries again; a lock that stays untouched becomes stale, which only lets a
      // later run in
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      fs.delete(file, false);
    } catch (IOException e) {
      // left behind: the stale rule frees it (this host's pid check at once, else after
      // STALE_MINUTES)
    }
  }
}
