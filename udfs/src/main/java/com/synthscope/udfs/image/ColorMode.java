package com.synthscope.udfs.image;

/** Channel layout wanted by a model: one grey channel or three sRGB channels. */
public enum ColorMode {
  GREY(1),
  RGB(3);

  private final int channels;

  ColorMode(int channels) {
    this.channels = channels;
  }

  public int channels() {
    return channels;
  }
}
