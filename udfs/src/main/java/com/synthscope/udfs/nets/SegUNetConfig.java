package com.synthscope.udfs.nets;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shape of a segmentation UNet.
 *
 * @param inChannels input channels (1 for grey micrographs)
 * @param classes output channels: one score per class
 * @param baseChannels width of the first level
 * @param multipliers width multiplier per level; the image halves between levels
 * @param resBlocks residual blocks per level, on the way down and on the way up
 */
public record SegUNetConfig(
    int inChannels, int classes, int baseChannels, List<Integer> multipliers, int resBlocks) {

  public SegUNetConfig {
    multipliers = List.copyOf(multipliers);
    if (inChannels < 1
        || classes < 2
        || baseChannels < 8
        || multipliers.isEmpty()
        || resBlocks < 1) {
      throw new IllegalArgumentException(
          "invalid segmentation UNet configuration: "
              + inChannels
              + " in, "
              + classes
              + " classes, base "
              + baseChannels
              + ", "
              + multipliers
              + ", "
              + resBlocks
              + " blocks");
    }
  }

  /** How many times the image is halved: sizes must be divisible by {@code 2^downsamplings()}. */
  public int downsamplings() {
    return multipliers.size() - 1;
  }

  /** As a map, for reports. */
  public Map<String, Object> toArguments() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("in_channels", inChannels);
    m.put("classes", classes);
    m.put("base_channels", baseChannels);
    m.put("multipliers", multipliers);
    m.put("res_blocks", resBlocks);
    return m;
  }
}
