package com.synthscope.udfs.nets;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shape of a diffusion UNet.
 *
 * @param channels input and output channels (PF-DiffSeg: 1 grey + K mask channels)
 * @param baseChannels width of the first level
 * @param multipliers width multiplier per level; the image halves between levels
 * @param resBlocks residual blocks per level on the way down (one more on the way up, as in DDPM)
 * @param conditionDim length of the condition vector (K phase fractions), 0 for an unconditional
 *     model
 */
public record UNetConfig(
    int channels, int baseChannels, List<Integer> multipliers, int resBlocks, int conditionDim) {

  public UNetConfig {
    multipliers = List.copyOf(multipliers);
    if (channels < 1
        || baseChannels < 8
        || multipliers.isEmpty()
        || resBlocks < 1
        || conditionDim < 0) {
      throw new IllegalArgumentException("invalid UNet configuration " + multipliers);
    }
  }

  public int embeddingDim() {
    return 4 * baseChannels;
  }

  /** How many times the image is halved: sizes must be divisible by {@code 2^downsamplings()}. */
  public int downsamplings() {
    return multipliers.size() - 1;
  }

  /** As model-manifest arguments. */
  public Map<String, Object> toArguments() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("channels", channels);
    m.put("base_channels", baseChannels);
    m.put("multipliers", multipliers);
    m.put("res_blocks", resBlocks);
    m.put("condition_dim", conditionDim);
    return m;
  }

  /** From model-manifest arguments (JSON numbers arrive as doubles). */
  public static UNetConfig fromArguments(Map<String, ?> args) {
    List<?> mult = (List<?>) args.get("multipliers");
    return new UNetConfig(
        number(args, "channels"),
        number(args, "base_channels"),
        mult.stream().map(o -> ((Number) o).intValue()).toList(),
        number(args, "res_blocks"),
        number(args, "condition_dim"));
  }

  private static int number(Map<String, ?> args, String key) {
    Object v = args.get(key);
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException(
          "UNet argument '" + key + "' is missing or not a number: " + v);
    }
    return n.intValue();
  }
}
