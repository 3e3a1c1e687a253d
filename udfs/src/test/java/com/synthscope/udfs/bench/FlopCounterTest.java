package com.synthscope.udfs.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import com.synthscope.udfs.nets.AttentionBlock;
import com.synthscope.udfs.nets.ResNets;
import com.synthscope.udfs.nets.UNet;
import com.synthscope.udfs.nets.UNetConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The FLOP counter against hand-computed multiply-accumulates. */
class FlopCounterTest {

  @Test
  void aConvolutionCountsOutputElementsTimesInputChannelsTimesKernelArea() {
    Conv2d same =
        Conv2d.builder()
            .setKernelShape(new Shape(3, 3))
            .optPadding(new Shape(1, 1))
            .setFilters(8)
            .build();
    // 8 x 16 x 16 outputs, each 3 channels x 3 x 3
    assertEquals(
        new FlopCount(8L * 16 * 16 * 3 * 9, 0, 0),
        FlopCounter.count(same, new Shape(1, 3, 16, 16)));

    Conv2d strided =
        Conv2d.builder()
            .setKernelShape(new Shape(3, 3))
            .optPadding(new Shape(1, 1))
            .optStride(new Shape(2, 2))
            .setFilters(6)
            .build();
    // batch 2 is divided out: 6 x 5 x 5 outputs per sample, each 4 x 3 x 3
    FlopCount c = FlopCounter.count(strided, new Shape(2, 4, 10, 10));
    assertEquals(6L * 5 * 5 * 4 * 9, c.convMacs());
    assertEquals(2.0 * 5400 / 1e9, c.gflop(), 1e-15);
  }

  @Test
  void aLinearLayerCountsOutputsTimesInputFeatures() {
    assertEquals(
        new FlopCount(0, 10 * 5, 0),
        FlopCounter.count(Linear.builder().setUnits(5).build(), new Shape(1, 10)));
    // leading dimensions besides the batch are rows of the same product
    assertEquals(
        3 * 5 * 10,
        FlopCounter.count(Linear.builder().setUnits(5).build(), new Shape(2, 3, 10)).linearMacs());
  }

  @Test
  void attentionCountsItsProjectionsAndBothMatrixProducts() {
    FlopCount c = FlopCounter.count(new AttentionBlock(8), new Shape(1, 8, 4, 4));
    assertEquals(16L * 24 * 8 + 16L * 8 * 8, c.convMacs(), "qkv and output 1x1 convolutions");
    assertEquals(
        2L * 8 * 16 * 16, c.attentionMacs(), "Q K^T and A V over 16 positions, 8 channels");
  }

  @Test
  void resNet18At224PixelsIsTheStandard1Point8GigaMacs() {
    long expected =
        conv(112, 64, 3, 7) // stem
            + 4 * conv(56, 64, 64, 3) // stage 1: 2 basic blocks
            + stage(28, 128)
            + stage(14, 256)
            + stage(7, 512)
            + 512; // the one-logit Linear
    assertEquals(1_813_561_856L, expected);
    FlopCount c = FlopCounter.count(ResNets.resnet18(3), new Shape(1, 3, 224, 224));
    assertEquals(expected, c.macs());
    assertEquals(512, c.linearMacs());
    assertEquals(3.63, c.gflop(), 0.01);
  }

  /** Stage 2..4 of ResNet-18: a strided 3x3, three 3x3 and the 1x1 projection shortcut. */
  private static long stage(int size, int width) {
    return conv(size, width, width / 2, 3)
        + 3 * conv(size, width, width, 3)
        + conv(size, width, width / 2, 1);
  }

  private static long conv(int outSize, int out, int in, int k) {
    return (long) outSize * outSize * out * in * k * k;
  }

  @Test
  void onlyLayersThatRunCount() {
    UNetConfig config = new UNetConfig(1, 8, List.of(1, 2), 1, 0);
    FlopCount denoiser = FlopCounter.count(new UNet(config), new UNet(config).inputShapes(1, 32));
    FlopCount encoder =
        FlopCounter.count(new UNet(config, UNet.Role.ENCODER), new Shape(1, 3, 32, 32));
    assertTrue(denoiser.attentionMacs() > 0, "the denoiser attends at its lowest level");
    assertEquals(0, encoder.attentionMacs(), "the encoder stops before the attention level");
    assertTrue(
        encoder.convMacs() > 0 && encoder.convMacs() < denoiser.convMacs() / 3,
        encoder + " against " + denoiser);
    // the encoder's first layer alone: 8 x 32 x 32 outputs of a 3x3 conv over one channel
    assertTrue(encoder.convMacs() > 8L * 32 * 32 * 9);
  }
}
