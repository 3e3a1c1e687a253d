package com.synthscope.job;

import com.synthscope.udfs.augment.SamplerSpec;
import picocli.CommandLine.Option;

/**
 * {@code --sampler} of the commands that generate with PF-DiffSeg. Its default is the command's:
 * the field's initial value, set by {@link #SamplerOption(String)} where the command declares the
 * mixin.
 */
public final class SamplerOption {

  @Option(
      names = "--sampler",
      paramLabel = "ddpm|ddim:K",
      description =
          "DDPM ancestral (all T steps) or DDIM with K steps (default: ${DEFAULT-VALUE}).")
  String sampler;

  /** Default {@code ddim:50}. */
  public SamplerOption() {
    this("ddim:50");
  }

  public SamplerOption(String defaultSampler) {
    this.sampler = defaultSampler;
  }

  /** The sampler as given, e.g. {@code ddim:50}. */
  public String name() {
    return sampler;
  }

  /** The parsed sampler; exit 2 when it is neither ddpm nor ddim:K. */
  public SamplerSpec spec() {
    try {
      return SamplerSpec.parse(sampler);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }
}
