package com.synthscope.udfs.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of this JVM: each artifact is fetched, verified and loaded once per device, then
 * shared by every task thread; all of them are closed when the JVM shuts down.
 */
public final class ModelRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
  private static final ModelRegistry INSTANCE =
      new ModelRegistry(new ModelFetcher(ModelFetcher.defaultCacheRoot()));

  private record Key(ModelRef ref, Device device) {}

  private final ModelFetcher fetcher;
  private final Map<Key, CompletableFuture<LoadedModel>> models = new ConcurrentHashMap<>();
  private final AtomicInteger loads = new AtomicInteger();

  ModelRegistry(ModelFetcher fetcher) {
    this.fetcher = fetcher;
    Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "synthscope-model-close"));
  }

  /** The JVM-wide registry. */
  public static ModelRegistry get() {
    return INSTANCE;
  }

  /**
   * The loaded model for a reference on the settings' device, loading it on first use. Concurrent
   * callers for the same model wait for the one load; a failed load is not cached, so a later call
   * retries.
   */
  public LoadedModel model(ModelRef ref, Configuration hadoopConf, ExecutionSettings settings) {
    Key key = new Key(ref, settings.device());
    CompletableFuture<LoadedModel> mine = new CompletableFuture<>();
    CompletableFuture<LoadedModel> existing = models.putIfAbsent(key, mine);
    if (existing == null) {
      try {
        configureThreads(ref.engine(), settings.threads());
        LoadedModel loaded = LoadedModel.load(fetcher.fetch(ref, hadoopConf), settings);
        loads.incrementAndGet();
        LOG.info(
            "loaded model {} on {} with {} thread(s)",
            loaded.modelId(),
            settings.device(),
            settings.threads());
        mine.complete(loaded);
        return loaded;
      } catch (RuntimeException | Error e) {
        models.remove(key, mine);
        mine.completeExceptionally(e);
        throw e;
      }
    }
    try {
      return existing.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
  }

  /**
   * How many model loads this registry has performed (for tests and the load-once checks of cluster
   * runs).
   */
  public int loadCount() {
    return loads.get();
  }

  /** How many GPUs an engine can use in this process; 0 when its natives are CPU-only. */
  public static int visibleGpus(ModelEngine engine) {
    return Engine.getEngine(engine.djlName()).getGpuCount();
  }

  /**
   * PyTorch reads its thread counts once, when the engine starts: set them first unless the user
   * already did ({@code -Dai.djl.pytorch.num_threads}).
   */
  private static void configureThreads(ModelEngine engine, int threads) {
    if (engine == ModelEngine.PYTORCH) {
      System.getProperties().putIfAbsent("ai.djl.pytorch.num_threads", String.valueOf(threads));
      System.getProperties().putIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    }
  }

  /** Closes every model; later calls load afresh. */
  public void closeAll() {
    models.values().forEach(f -> f.thenAccept(LoadedModel::close));
    models.clear();
  }
}
