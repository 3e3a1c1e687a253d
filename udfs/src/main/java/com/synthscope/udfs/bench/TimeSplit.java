package com.synthscope.udfs.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the time of a run over N images went: its wall-clock time on P threads (P x wall
 * thread-seconds), and the thread time measured inside it per part (read, decode, each detector
 * ...); what is left is everything else (scheduling, idle threads, hashing or writing where the run
 * did them, task start-up).
 *
 * @param parts thread-seconds per part, in order
 * @param cpuSeconds CPU seconds of the whole process over the run (all threads)
 */
public record TimeSplit(
    long images, int threads, double wallSeconds, Map<String, Double> parts, double cpuSeconds) {

  public TimeSplit {
    parts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(parts));
  }

  public double imagesPerSecond() {
    return images / wallSeconds;
  }

  /** Milliseconds of thread time per image for a part (0 when the run has no such part). */
  public double msPerImage(String part) {
    return 1000 * parts.getOrDefault(part, 0.0) / images;
  }

  /** Process CPU milliseconds per image. */
  public double cpuMsPerImage() {
    return 1000 * cpuSeconds / images;
  }

  /** Thread-milliseconds per image not inside any measured part. */
  public double otherMsPerImage() {
    double inParts = parts.values().stream().mapToDouble(Double::doubleValue).sum();
    return 1000 * (threads * wallSeconds - inParts) / images;
  }
}
