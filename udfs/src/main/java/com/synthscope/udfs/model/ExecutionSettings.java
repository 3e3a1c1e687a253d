package com.synthscope.udfs.model;

import ai.djl.Device;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where and how wide a model runs in this task: the device, and the intra-op thread count.
 *
 * @param device CPU, or the GPU the scheduler gave the task
 * @param threads intra-op threads, capped to the task's cores so that concurrent tasks do not
 *     oversubscribe
 */
public record ExecutionSettings(Device device, int threads) {

  private static final Logger LOG = LoggerFactory.getLogger(ExecutionSettings.class);

  public ExecutionSettings {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
  }

  public static ExecutionSettings cpu(int threads) {
    return new ExecutionSettings(Device.cpu(), threads);
  }

  /**
   * Chooses the device for a task.
   *
   * @param gpuAddresses the GPU addresses the scheduler assigned to the task (empty when none)
   * @param visibleGpus how many GPUs the engine can use in this process (0 with CPU-only natives)
   * @param taskCpus the cores the task holds
   */
  public static ExecutionSettings choose(List<String> gpuAddresses, int visibleGpus, int taskCpus) {
    int threads = Math.max(1, taskCpus);
    if (gpuAddresses == null || gpuAddresses.isEmpty()) {
      return new ExecutionSettings(Device.cpu(), threads);
    }
    int id;
    try {
      id = Integer.parseInt(gpuAddresses.get(0).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "GPU address '"
              + gpuAddresses.get(0)
              + "' is not a device number; the"
              + " GPU discovery script must report CUDA ordinals",
          e);
    }
    if (id >= visibleGpus) {
      // The scheduler promised a GPU this process cannot use (CPU-only natives, or
      // CUDA_VISIBLE_DEVICES narrower
      // than the discovery script): run on CPU rather than fail the task, and say so.
      LOG.warn("task holds GPU {} but the engine sees {} GPU(s); running on CPU", id, visibleGpus);
      return new ExecutionSettings(Device.cpu(), threads);
    }
    return new ExecutionSettings(Device.gpu(id), threads);
  }
}
