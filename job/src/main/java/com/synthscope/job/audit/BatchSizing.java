package com.synthscope.job.audit;

import com.synthscope.job.ConfigurationException;
import com.synthscope.udfs.detect.ImageDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.sql.SparkSession;

/**
 * Sizes the model batch by memory. Each detector states the native memory one image in a model
 * batch costs ({@link ImageDetector#batchImageBytes()}: its input contract fixes the shapes, the
 * figure is measured); the detectors of a batch run one after another, so a batch of B costs B
 * times the largest figure. A task's room for that is, in this order:
 *
 * <ol>
 *   <li>{@value #MODEL_MEMORY} when set (bytes, e.g. {@code 2g});
 *   <li>local mode: the machine's available memory at start ({@code MemAvailable}) over the task
 *       slots;
 *   <li>a cluster: the executor's native room, {@code spark.executor.memoryOverhead} (default: 10 %
 *       of {@code spark.executor.memory}, at least 384 MiB), over its task slots ({@code
 *       spark.executor.cores / spark.task.cpus}; {@code spark.executor.cores} unset counts as 1).
 * </ol>
 *
 * A larger {@code --batch} is capped to what fits, with a line saying so; when not even one image
 * fits, the run is refused (exit 2) before any work.
 */
final class BatchSizing {

  static final String MODEL_MEMORY = "spark.synthscope.task.modelMemory";

  private BatchSizing() {}

  /** A task's room for model batches, and where the figure came from. */
  record Room(long bytes, String source) {}

  static Room room(SparkSession session) {
    SparkConf conf = session.sparkContext().getConf().clone();
    String runtime = session.conf().getOption(MODEL_MEMORY).getOrElse(() -> null);
    if (runtime != null) {
      conf.set(
          MODEL_MEMORY, runtime); // --conf on a session that already ran lands in the runtime conf
    }
    return room(
        conf,
        session.sparkContext().isLocal(),
        session.sparkContext().defaultParallelism(),
        availableMemory());
  }

  /** As {@link #room(SparkSession)}, from the settings alone. */
  static Room room(SparkConf conf, boolean local, int defaultParallelism, long availableMemory) {
    String explicit = conf.get(MODEL_MEMORY, null);
    if (explicit != null) {
      try {
        return new Room(JavaUtils.byteStringAsBytes(explicit), MODEL_MEMORY + "=" + explicit);
      } catch (RuntimeException e) {
        throw new ConfigurationException(
            MODEL_MEMORY + " must be a size such as 2g, got '" + explicit + "'", e);
      }
    }
    int taskCpus = conf.getInt("spark.task.cpus", 1);
    if (local) {
      int slots = Math.max(1, defaultParallelism / taskCpus);
      return new Room(
          availableMemory / slots,
          "local: " + mb(availableMemory) + " available / " + slots + " task slots");
    }
    long executor = conf.getSizeAsBytes("spark.executor.memory", "1g");
    long overhead =
        conf.contains("spark.executor.memoryOverhead")
            ? conf.getSizeAsBytes("spark.executor.memoryOverhead")
            : Math.max(
                384L << 20,
                (long) (executor * conf.getDouble("spark.executor.memoryOverheadFactor", 0.1)));
    int slots = Math.max(1, conf.getInt("spark.executor.cores", 1) / taskCpus);
    return new Room(
        overhead / slots,
        "spark.executor.memoryOverhead " + mb(overhead) + " / " + slots + " task slots");
  }

  /**
   * The batch to use: {@code requested}, or less when it does not fit, with a line on {@code log}.
   *
   * @throws ConfigurationException when one image does not fit
   */
  static int fit(int requested, List<ImageDetector> detectors, Room room, java.io.PrintWriter log) {
    ImageDetector heaviest = null;
    for (ImageDetector d : detectors) {
      if (heaviest == null || d.batchImageBytes() > heaviest.batchImageBytes()) {
        heaviest = d;
      }
    }
    if (heaviest == null || heaviest.batchImageBytes() <= 0) {
      return requested;
    }
    long per = heaviest.batchImageBytes();
    long fits = room.bytes() / per;
    if (fits < 1) {
      throw new ConfigurationException(
          heaviest.name()
              + " needs about "
              + mb(per)
              + " of memory per image in a"
              + " model batch, but a task has about "
              + mb(room.bytes())
              + " ("
              + room.source()
              + "); give executors"
              + " more spark.executor.memoryOverhead or fewer task slots, or set "
              + MODEL_MEMORY);
    }
    if (requested <= fits) {
      return requested;
    }
    int capped = (int) Math.min(fits, Integer.MAX_VALUE);
    log.printf(
        Locale.ROOT,
        "batch      --batch %d needs about %s per task for %s (%s per image); a task has %s (%s):"
            + " using batch %d%n",
        requested,
        mb(per * requested),
        heaviest.name(),
        mb(per),
        mb(room.bytes()),
        room.source(),
        capped);
    log.flush();
    return capped;
  }

  /** MemAvailable of /proc/meminfo, else the JVM's view of free physical memory. */
  static long availableMemory() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: below
    }
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getFreeMemorySize();
    }
    return Runtime.getRuntime().maxMemory();
  }

  static String mb(long bytes) {
    return bytes >= 10L << 30
        ? String.format(Locale.ROOT, "%.1f GB", bytes / 1e9)
        : String.format(Locale.ROOT, "%d MB", bytes / 1_000_000);
  }
}
