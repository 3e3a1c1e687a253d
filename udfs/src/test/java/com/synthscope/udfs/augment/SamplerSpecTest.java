package com.synthscope.udfs.augment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.synthscope.udfs.diffusion.NoiseSchedule;
import org.junit.jupiter.api.Test;

class SamplerSpecTest {

  @Test
  void parsesDdpmAndDdimWithSteps() {
    assertEquals(1000, SamplerSpec.parse("ddpm").stepsFor(NoiseSchedule.linear(1000)));
    assertEquals(20, SamplerSpec.parse("DDIM:20").stepsFor(NoiseSchedule.linear(1000)));
    assertEquals("ddim:50", SamplerSpec.parse("ddim:50").toString());
    for (String bad : new String[] {"ddim", "ddim:0", "ddim:x", "euler"}) {
      assertThrows(IllegalArgumentException.class, () -> SamplerSpec.parse(bad), bad);
    }
  }
}
