package com.synthscope.udfs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the same work on P threads at once and measures items per second of wall-clock time: each
 * thread sets its PyTorch intra-op threads, makes its own work (e.g. opens a scorer, as a Spark
 * task does), warms up untimed, then all start together and repeat the work until the time is up;
 * the clock stops when the last thread finishes its last call.
 */
public final class Throughput {

  private Throughput() {}

  /**
   * One thread's work: each call processes some items and returns how many; closed when the thread
   * is done.
   */
  @FunctionalInterface
  public interface Work extends AutoCloseable {
    int run() throws Exception;

    @Override
    default void close() {}
  }

  /** Makes a thread's work, on that thread. */
  @FunctionalInterface
  public interface WorkFactory {
    Work create(int thread) throws Exception;
  }

  /**
   * How to run.
   *
   * @param threads concurrent threads
   * @param intraOp PyTorch intra-op threads of each
   * @param warmupCalls untimed calls per thread before the clock starts
   * @param seconds keep calling until this much time has passed (0: exactly {@code minCalls} calls)
   * @param minCalls timed calls per thread at least
   */
  public record Plan(int threads, int intraOp, int warmupCalls, double seconds, int minCalls) {
    public Plan {
      if (threads < 1 || intraOp < 1 || warmupCalls < 0 || seconds < 0 || minCalls < 1) {
        throw new IllegalArgumentException(
            "bad plan: "
                + threads
                + " threads, "
                + intraOp
                + " intra-op, "
                + warmupCalls
                + " warm-up calls, "
                + seconds
                + " s, "
                + minCalls
                + " calls");
      }
    }

    /** Time-boxed: warm-up calls, then at least one call and until {@code seconds} have passed. */
    public static Plan timed(int threads, int intraOp, int warmupCalls, double seconds) {
      return new Plan(threads, intraOp, warmupCalls, seconds, 1);
    }

    /**
     * Exactly one timed call per thread after the warm-up (each thread does a fixed share of the
     * work).
     */
    public static Plan once(int threads, int intraOp, int warmupCalls) {
      return new Plan(threads, intraOp, warmupCalls, 0, 1);
    }
  }

  /**
   * Items done in the timed part, its wall-clock seconds, and the CPU seconds of the whole process
   * meanwhile (all its threads: the work's, the JIT's, the garbage collector's ...).
   */
  public record Result(long items, double seconds, double cpuSeconds) {
    public double perSecond() {
      return items / seconds;
    }
  }

  /**
   * Runs the plan. The calling thread's intra-op setting is put back to {@code restoreIntraOp}
   * afterwards (it is also what threads started later, e.g. Spark's task threads, begin with).
   */
  public static Result measure(Plan plan, WorkFactory factory, int restoreIntraOp) {
    int p = plan.threads();
    AtomicLong start = new AtomicLong();
    AtomicLong cpuStart = new AtomicLong();
    CyclicBarrier ready =
        new CyclicBarrier(
            p,
            () -> {
              cpuStart.set(MachineInfo.processCpuNanos());
              start.set(System.nanoTime());
            });
    ExecutorService pool =
        Executors.newFixedThreadPool(
            p,
            r -> {
              Thread t = new Thread(r, "bench-worker");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<long[]>> futures = new ArrayList<>();
      for (int i = 0; i < p; i++) {
        int thread = i;
        futures.add(pool.submit(() -> runOne(plan, factory, thread, ready, start)));
      }
      long items = 0;
      long end = 0;
      for (Future<long[]> f : futures) {
        long[] r = f.get();
        items += r[0];
        end = Math.max(end, r[1]);
      }
      double cpu = (MachineInfo.processCpuNanos() - cpuStart.get()) / 1e9;
      return new Result(items, (end - start.get()) / 1e9, cpu);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re
          ? re
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
      IntraOpThreads.set(restoreIntraOp);
    }
  }

  private static long[] runOne(
      Plan plan, WorkFactory factory, int thread, CyclicBarrier ready, AtomicLong start)
      throws Exception {
    IntraOpThreads.set(plan.intraOp());
    if (IntraOpThreads.get() != plan.intraOp()) {
      throw new IllegalStateException(
          "PyTorch runs "
              + IntraOpThreads.get()
              + " intra-op threads on this thread, "
              + plan.intraOp()
              + " were set");
    }
    Work work;
    try {
      work = factory.create(thread);
      for (int i = 0; i < plan.warmupCalls(); i++) {
        work.run();
      }
    } catch (Exception | Error e) {
      ready.reset(); // the others must not wait for this thread forever
      throw e;
    }
    try {
      ready.await();
    } catch (BrokenBarrierException e) {
      throw new IllegalStateException("another bench thread failed", e);
    }
    long deadline = start.get() + (long) (plan.seconds() * 1e9);
    long items = 0;
    int calls = 0;
    try (work) {
      while (calls < plan.minCalls() || System.nanoTime() < deadline) {
        items += work.run();
        calls++;
      }
      return new long[] {items, System.nanoTime()};
    }
  }
}
