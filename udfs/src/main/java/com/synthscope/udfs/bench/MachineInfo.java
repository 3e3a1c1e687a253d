package com.synthscope.udfs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the figures were measured on (Linux: {@code /proc}); unknown values are empty strings.
 *
 * @param loadAverage the 1, 5 and 15 minute load averages as {@code /proc/loadavg} gives them
 */
public record MachineInfo(
    int cores, String cpuModel, String memory, String loadAverage, String jvm) {

  public static MachineInfo now() {
    return new MachineInfo(
        Runtime.getRuntime().availableProcessors(),
        field("/proc/cpuinfo", "model name"),
        field("/proc/meminfo", "MemTotal"),
        readLoadAverage(),
        System.getProperty("java.vm.name", "") + " " + System.getProperty("java.version", ""));
  }

  /**
   * CPU time of this process so far (all threads), in nanoseconds; -1 where the JVM cannot tell.
   */
  public static long processCpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime()
        : -1;
  }

  /** This process's resident set size ({@code VmRSS} of {@code /proc/self/status}), in KiB. */
  public static long residentKb() {
    String v = field("/proc/self/status", "VmRSS");
    if (v.isEmpty()) {
      throw new IllegalStateException("no VmRSS in /proc/self/status (Linux only)");
    }
    return Long.parseLong(v.replaceAll("[^0-9]", ""));
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", cores);
    m.put("cpu", cpuModel);
    m.put("memory", memory);
    m.put("load_average", loadAverage);
    m.put("jvm", jvm);
    return m;
  }

  private static String readLoadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : "";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static String field(String file, String key) {
    try {
      for (String line : Files.readAllLines(Path.of(file))) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equals(key)) {
          return line.substring(colon + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable: unknown
    }
    return "";
  }
}
