package com.synthscope.job.audit;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * The driver's heap while a run runs: the highest used heap, sampled every 50 ms, and the highest
 * heap a garbage collection left behind (what the JVM actually held, from the heap pools'
 * collection usage, sampled too). A daemon thread; close stops it.
 */
final class HeapSampler implements AutoCloseable {

  private static final long PERIOD_MILLIS = 50;

  private final Thread thread;
  private volatile boolean running = true;
  private volatile long peak;
  private volatile long afterGcPeak;

  private HeapSampler() {
    thread =
        new Thread(
            () -> {
              while (running) {
                sample();
                try {
                  Thread.sleep(PERIOD_MILLIS);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "synthscope-heap-sampler");
    thread.setDaemon(true);
  }

  static HeapSampler start() {
    HeapSampler s = new HeapSampler();
    s.thread.start();
    return s;
  }

  private void sample() {
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    if (used > peak) {
      peak = used;
    }
    long afterGc = afterLastGc();
    if (afterGc > afterGcPeak) {
      afterGcPeak = afterGc;
    }
  }

  long peakBytes() {
    sample();
    return peak;
  }

  /** The highest heap a collection left while the run ran. */
  long afterGcPeakBytes() {
    sample();
    return afterGcPeak;
  }

  /**
   * The sum over heap pools of what the last collection left (young pools are near empty after
   * one).
   */
  private static long afterLastGc() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported()) {
        MemoryUsage u = p.getCollectionUsage();
        sum += u == null ? 0 : u.getUsed();
      }
    }
    return sum;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
