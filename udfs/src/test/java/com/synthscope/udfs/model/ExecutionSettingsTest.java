package com.synthscope.udfs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutionSettingsTest {

  @Test
  void aTaskWithoutGpuRunsOnCpuWithItsCores() {
    ExecutionSettings s = ExecutionSettings.choose(List.of(), 0, 2);
    assertEquals(Device.cpu(), s.device());
    assertEquals(2, s.threads());
  }

  @Test
  void aTaskHoldingAGpuRunsOnThatGpu() {
    assertEquals(Device.gpu(1), ExecutionSettings.choose(List.of("1"), 2, 1).device());
    assertEquals(Device.gpu(0), ExecutionSettings.choose(List.of(" 0 ", "1"), 2, 1).device());
  }

  @Test
  void aGpuTheEngineCannotSeeFallsBackToCpu() {
    assertEquals(Device.cpu(), ExecutionSettings.choose(List.of("0"), 0, 1).device());
    assertEquals(Device.cpu(), ExecutionSettings.choose(List.of("3"), 2, 1).device());
  }

  @Test
  void threadsAreAtLeastOneAndAddressesMustBeOrdinals() {
    assertEquals(1, ExecutionSettings.choose(null, 0, 0).threads());
    assertThrows(
        IllegalArgumentException.class, () -> ExecutionSettings.choose(List.of("GPU-abc"), 1, 1));
  }
}
