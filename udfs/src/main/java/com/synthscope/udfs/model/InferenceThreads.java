package com.synthscope.udfs.model;

import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run model inference in this JVM. A caller hands its batch to an idle inference
 * thread (a new one only when every one is busy) and waits for the answer.
 *
 * <p>Why: the native engines keep memory per thread that ran a model, and do not give it back when
 * the thread ends (measured: about 1.6 GB per thread for NS-Net, docs/soak.md). Spark retires and
 * creates task threads during a long job, so running models on task threads made an executor's
 * memory grow with every new thread. Here it is bounded by the most batches that ever ran at once.
 * The handoff costs microseconds; a batch costs milliseconds.
 */
final class InferenceThreads {

  private static final InferenceThreads INSTANCE = new InferenceThreads();

  private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger started = new AtomicInteger();

  static InferenceThreads get() {
    return INSTANCE;
  }

  /** Runs {@code work} on an inference thread and returns its result or throws what it threw. */
  <T> T call(Callable<T> work) throws Exception {
    Worker w = idle.pollFirst();
    if (w == null) {
      w = new Worker("synthscope-inference-" + started.incrementAndGet());
    }
    try {
      return w.call(work);
    } finally {
      idle.addFirst(
          w); // a worker still finishing an interrupted caller's batch takes the next one after it
    }
  }

  /** How many inference threads this JVM has started. */
  int threadCount() {
    return started.get();
  }

  private static final class Worker {

    private final SynchronousQueue<FutureTask<?>> inbox = new SynchronousQueue<>();

    Worker(String name) {
      Thread t = new Thread(this::loop, name);
      t.setDaemon(true);
      t.start();
    }

    private void loop() {
      while (true) {
        try {
          inbox.take().run();
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    <T> T call(Callable<T> work) throws Exception {
      FutureTask<T> task = new FutureTask<>(work);
      inbox.put(task);
      try {
        return task.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception ex) {
          throw ex;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw e;
      }
    }
  }
}
