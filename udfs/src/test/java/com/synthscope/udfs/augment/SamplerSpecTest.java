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
    SamplerSpec eta = SamplerSpec.parse("ddim:50:eta1");
    assertEquals(50, eta.steps());
    assertEquals(1.0, eta.eta());
    assertEquals("ddim:50:eta1", eta.toString());
    assertEquals("ddim:20:eta0.5", SamplerSpec.parse("DDIM:20:ETA0.5").toString());
    assertEquals("ddim:20", SamplerSpec.parse("ddim:20:eta0").toString());
    for (String bad :
        new String[] {
          "ddim",
          "ddim:0",
          "ddim:x",
          "euler",
          "ddim:50:1",
          "ddim:50:eta",
          "ddim:50:eta1.5",
          "ddim:50:eta-1",
          "ddim:50:etaNaN",
          "ddim:50:eta1:x",
          "ddpm:eta1"
        }) {
      assertThrows(IllegalArgumentException.class, () -> SamplerSpec.parse(bad), bad);
    }
  }
}
