package com.synthscope.udfs.detect.dnf;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;

/**
 * How the diffusion noise feature is taken from the noise predictor (METHODS.md, DNF steps 2 and
 * 4).
 *
 * <ul>
 *   <li>{@code t0} (default, the released code's): one pass {@code eps_theta(x, t = 0)} on the
 *       clean image;
 *   <li>{@code inversion:K:first|last|mean} (the paper's first version): deterministic DDIM
 *       inversion over K uniformly skipped timesteps ({@code t_i = i * floor(T / K)}, see {@link
 *       com.synthscope.udfs.diffusion.DdimSampler}), returning the eps at {@code t_0} (equal to
 *       {@code t0}'s), the eps at {@code t_{K-1}}, or the elementwise mean of the K eps maps.
 * </ul>
 *
 * @param kind one pass or inversion
 * @param steps K, the number of eps maps computed (1 for {@code t0})
 * @param pick which eps of the inversion is the feature ({@link Pick#FIRST} for {@code t0})
 */
public record DnfMode(Kind kind, int steps, Pick pick) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The released code's one-pass feature. */
  public static final DnfMode T0 = new DnfMode(Kind.T0, 1, Pick.FIRST);

  public enum Kind {
    T0,
    INVERSION
  }

  public enum Pick {
    FIRST,
    LAST,
    MEAN
  }

  public DnfMode {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(pick, "pick");
    if (kind == Kind.T0 && (steps != 1 || pick != Pick.FIRST)) {
      throw new IllegalArgumentException("mode t0 is one pass: steps 1, pick first");
    }
    if (steps < 1) {
      throw new IllegalArgumentException("DNF inversion needs K >= 1 steps, got " + steps);
    }
  }

  /** DDIM inversion over {@code steps} timesteps returning the picked eps. */
  public static DnfMode inversion(int steps, Pick pick) {
    return new DnfMode(Kind.INVERSION, steps, pick);
  }

  /**
   * {@code "t0"} or {@code "inversion:K:first|last|mean"}, case-insensitive, surrounding blanks
   * ignored.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static DnfMode parse(String text) {
    String expected = "; expected \"t0\" or \"inversion:K:first|last|mean\" with K >= 1";
    if (text == null) {
      throw new IllegalArgumentException("DNF mode is null" + expected);
    }
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("t0")) {
      return T0;
    }
    String[] parts = s.split(":", -1);
    if (parts.length == 3 && parts[0].equals("inversion")) {
      int k;
      try {
        k = Integer.parseInt(parts[1].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "DNF mode \"" + text + "\": K is not an integer" + expected, e);
      }
      if (k < 1) {
        throw new IllegalArgumentException("DNF mode \"" + text + "\": K = " + k + expected);
      }
      for (Pick p : Pick.values()) {
        if (p.name().toLowerCase(Locale.ROOT).equals(parts[2].trim())) {
          return inversion(k, p);
        }
      }
    }
    throw new IllegalArgumentException("unknown DNF mode \"" + text + "\"" + expected);
  }

  /** The canonical text, which {@link #parse} reads back. */
  @Override
  public String toString() {
    return kind == Kind.T0
        ? "t0"
        : "inversion:" + steps + ":" + pick.name().toLowerCase(Locale.ROOT);
  }
}
