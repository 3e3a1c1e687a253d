package com.synthscope.udfs.bench;

/**
 * Multiply-accumulates of one forward pass for one sample, by kind of operation; FLOPs = 2 x MACs.
 *
 * @param convMacs convolutions ({@code Conv2d} leaves): output elements x input channels per group
 *     x kernel area
 * @param linearMacs fully connected layers ({@code Linear} leaves): output elements x input
 *     features
 * @param attentionMacs the two matrix products of self-attention ({@code nets.AttentionBlock}): 2 C
 *     (HW)^2
 */
public record FlopCount(long convMacs, long linearMacs, long attentionMacs) {

  public static final FlopCount ZERO = new FlopCount(0, 0, 0);

  public long macs() {
    return convMacs + linearMacs + attentionMacs;
  }

  /** 2 x MACs, in GFLOP. */
  public double gflop() {
    return 2.0 * macs() / 1e9;
  }

  public FlopCount plus(FlopCount o) {
    return new FlopCount(
        convMacs + o.convMacs, linearMacs + o.linearMacs, attentionMacs + o.attentionMacs);
  }

  public FlopCount times(long k) {
    return new FlopCount(convMacs * k, linearMacs * k, attentionMacs * k);
  }
}
