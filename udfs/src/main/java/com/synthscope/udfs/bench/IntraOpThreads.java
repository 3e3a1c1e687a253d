package com.synthscope.udfs.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import com.synthscope.udfs.model.ModelEngine;

/**
 * PyTorch's intra-op thread count, changed at run time. {@code ai.djl.pytorch.num_threads} is read
 * once when the engine starts; {@code JniUtils.setNumThreads} (public in DJL 0.35.1) calls {@code
 * at::set_num_threads}, which in the OpenMP build stores the count for threads that have not run an
 * operator yet and sets the OpenMP thread count of the calling thread. So a thread that calls
 * {@link #set} itself runs its operators with that many threads, whatever the others use. Models do
 * not run on their callers' threads but on the JVM's shared inference threads ({@code
 * model.InferenceThreads}), which keep the count they started with; this reaches operators the
 * calling thread runs itself (the bench's matrix product).
 */
public final class IntraOpThreads {

  private IntraOpThreads() {}

  /** Sets the calling thread's (and not yet started threads') PyTorch intra-op threads. */
  public static void set(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    Engine.getEngine(ModelEngine.PYTORCH.djlName()); // loads the natives before the first JNI call
    JniUtils.setNumThreads(threads);
  }

  /** The calling thread's PyTorch intra-op threads. */
  public static int get() {
    Engine.getEngine(ModelEngine.PYTORCH.djlName());
    return JniUtils.getNumThreads();
  }
}
