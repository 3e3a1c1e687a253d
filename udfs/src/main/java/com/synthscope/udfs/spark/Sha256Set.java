package com.synthscope.udfs.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collection;

/**
 * A compact, serializable set of SHA-256 digests (hex), for broadcasting "already scored" to every task: the first
 * 128 bits of each digest in a sorted array, 16 bytes per image (a million images: 16 MB). A false match needs two
 * different files agreeing on 128 bits of SHA-256.
 */
public final class Sha256Set implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Sha256Set EMPTY = new Sha256Set(new long[0]);

  /** hi0, lo0, hi1, lo1, ... sorted by (hi, lo) as unsigned numbers. */
  private final long[] keys;

  private Sha256Set(long[] keys) {
    this.keys = keys;
  }

  public static Sha256Set empty() {
    return EMPTY;
  }

  /** Malformed entries (null, not 64 hex digits) are ignored. */
  public static Sha256Set of(Collection<String> hexDigests) {
    long[][] pairs = hexDigests.stream().filter(Sha256Set::wellFormed).map(Sha256Set::key)
        .toArray(long[][]::new);
    Arrays.sort(pairs, Sha256Set::compare);
    long[] keys = new long[pairs.length * 2];
    int n = 0; // duplicates are adjacent after sorting
    for (int i = 0; i < pairs.length; i++) {
      if (n > 0 && keys[n - 2] == pairs[i][0] && keys[n - 1] == pairs[i][1]) {
        continue;
      }
      keys[n++] = pairs[i][0];
      keys[n++] = pairs[i][1];
    }
    return new Sha256Set(Arrays.copyOf(keys, n));
  }

  public int size() {
    return keys.length / 2;
  }

  public boolean contains(String hex) {
    if (!wellFormed(hex)) {
      return false;
    }
    long[] k = key(hex);
    int lo = 0;
    int hi = size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = compare(new long[] {keys[2 * mid], keys[2 * mid + 1]}, k);
      if (c == 0) {
        return true;
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return false;
  }

  private static boolean wellFormed(String hex) {
    if (hex == null || hex.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  private static long[] key(String hex) {
    return new long[] {Long.parseUnsignedLong(hex.substring(0, 16), 16),
        Long.parseUnsignedLong(hex.substring(16, 32), 16)};
  }

  private static int compare(long[] a, long[] b) {
    int c = Long.compareUnsigned(a[0], b[0]);
    return c != 0 ? c : Long.compareUnsigned(a[1], b[1]);
  }
}
