package com.synthscope.udfs.spark;

import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.model.ModelEngine;
import com.synthscope.udfs.model.ModelRegistry;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/** What the Spark scheduler gave the running task, as the model runtime needs it. */
public final class TaskResources {

  private TaskResources() {}

  /**
   * Device and thread count for the current task: the GPU the scheduler assigned (resource name
   * {@code gpu}), else CPU; intra-op threads capped to the task's cores ({@code spark.task.cpus}).
   * Outside a task (the driver): CPU, one thread.
   */
  public static ExecutionSettings current(ModelEngine engine) {
    TaskContext task = TaskContext.get();
    if (task == null) {
      return ExecutionSettings.cpu(1);
    }
    List<String> gpus = gpuAddresses(task);
    int visible = gpus.isEmpty() ? 0 : ModelRegistry.visibleGpus(engine);
    return ExecutionSettings.choose(gpus, visible, task.cpus());
  }

  static List<String> gpuAddresses(TaskContext task) {
    ResourceInformation gpu = task.resourcesJMap().get("gpu");
    return gpu == null ? List.of() : Arrays.asList(gpu.addresses());
  }
}
