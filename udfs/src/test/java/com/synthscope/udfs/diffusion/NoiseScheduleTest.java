package com.synthscope.udfs.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

class NoiseScheduleTest {

  @Test
  void linearEndpointsAndMiddle() {
    NoiseSchedule s = NoiseSchedule.linear(1000);
    assertEquals("linear", s.name());
    assertEquals(1000, s.steps());
    assertEquals(1e-4, s.beta(0), 1e-15);
    assertEquals(0.02, s.beta(999), 1e-15);
    // 1e-4 + 0.0199 * 500 / 999
    assertEquals(0.010059959959959959, s.beta(500), 1e-15);
    assertEquals(1 - 0.010059959959959959, s.alpha(500), 1e-15);
    // numpy: cumprod(1 - linspace(1e-4, 0.02, 1000))[-1], the well-known DDPM value 4.0358e-5
    assertEquals(4.035829765375676e-05, s.alphaBar(999), 1e-15);
    NoiseSchedule three = NoiseSchedule.linear(3, 1e-4, 0.02);
    assertEquals(0.01005, three.beta(1), 1e-15);
    assertEquals(1e-4, NoiseSchedule.linear(1, 1e-4, 0.02).beta(0), 0.0);
  }

  @Test
  void alphaBarIsTheProductByHand() {
    // betas 0.1 .. 0.5: abar = 0.9, 0.72, 0.504, 0.3024, 0.1512
    NoiseSchedule s = NoiseSchedule.linear(5, 0.1, 0.5);
    double[] betas = {0.1, 0.2, 0.3, 0.4, 0.5};
    double[] abar = {0.9, 0.72, 0.504, 0.3024, 0.1512};
    for (int t = 0; t < 5; t++) {
      assertEquals(betas[t], s.beta(t), 1e-15);
      assertEquals(1 - betas[t], s.alpha(t), 1e-15);
      assertEquals(abar[t], s.alphaBar(t), 1e-15);
    }
    assertEquals(1.0, s.alphaBarPrev(0), 0.0);
    assertEquals(0.72, s.alphaBarPrev(2), 1e-15);
  }

  @Test
  void cosineFollowsTheCosSquaredFormula() {
    int T = 1000;
    NoiseSchedule s = NoiseSchedule.cosine(T);
    assertEquals("cosine", s.name());
    double f0 = f(0);
    for (int t = 0; t < T - 1; t++) { // the last beta is clipped, see below
      assertEquals(f((t + 1.0) / T) / f0, s.alphaBar(t), 1e-12, "t=" + t);
    }
    // T = 2 by hand: beta_0 = 1 - f(1/2)/f(0) = 1 - 0.49366/0.99984 = 0.50616; f(1) = 0 so beta_1
    // -> clip
    NoiseSchedule two = NoiseSchedule.cosine(2);
    assertEquals(0.5061564095593623, two.beta(0), 1e-12);
    assertEquals(0.999, two.beta(1), 0.0);
  }

  @Test
  void cosineBetasAreClippedAt0999() {
    NoiseSchedule s = NoiseSchedule.cosine(1000);
    assertEquals(0.999, s.beta(999), 0.0);
    assertEquals(s.alphaBar(998) * 0.001, s.alphaBar(999), 1e-18);
    for (int t = 0; t < 1000; t++) {
      assertTrue(s.beta(t) <= 0.999);
    }
    assertTrue(s.beta(998) < 0.999, "only the last step is clipped for T = 1000");
  }

  @Test
  void alphaBarDecreasesMonotonically() {
    for (NoiseSchedule s :
        new NoiseSchedule[] {
          NoiseSchedule.linear(1000),
          NoiseSchedule.cosine(1000),
          NoiseSchedule.cosine(10),
          NoiseSchedule.linear(10, 0.1, 0.5)
        }) {
      assertTrue(s.alphaBar(0) < 1.0);
      for (int t = 1; t < s.steps(); t++) {
        assertTrue(s.alphaBar(t) < s.alphaBar(t - 1), s + " t=" + t);
        assertTrue(s.alphaBar(t) > 0.0);
      }
    }
  }

  @Test
  void parseKnowsTwoNames() {
    assertEquals("linear", NoiseSchedule.parse("linear", 1000).name());
    assertEquals(0.02, NoiseSchedule.parse("linear", 1000).beta(999), 1e-15);
    assertEquals("cosine", NoiseSchedule.parse(" Cosine ", 50).name());
    assertEquals(50, NoiseSchedule.parse("cosine", 50).steps());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.parse("quadratic", 1000));
    assertTrue(
        e.getMessage().contains("quadratic") && e.getMessage().contains("cosine"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.parse(null, 1000));
    assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.parse("linear", 0));
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(0));
    assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.cosine(-1));
    assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(10, 0.0, 0.02));
    assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.linear(10, 0.1, 1.5));
    NoiseSchedule s = NoiseSchedule.linear(10);
    assertThrows(IndexOutOfBoundsException.class, () -> s.beta(10));
    assertThrows(IndexOutOfBoundsException.class, () -> s.alphaBar(-1));
  }

  @Test
  void serializes() throws Exception {
    NoiseSchedule s = NoiseSchedule.cosine(100);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    NoiseSchedule back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (NoiseSchedule) in.readObject();
    }
    assertEquals("cosine", back.name());
    assertEquals(s.alphaBar(57), back.alphaBar(57), 0.0);
  }

  private static double f(double u) {
    double c = Math.cos((u + 0.008) / 1.008 * Math.PI / 2);
    return c * c;
  }
}
