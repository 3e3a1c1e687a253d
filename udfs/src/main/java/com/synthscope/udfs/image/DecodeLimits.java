package com.synthscope.udfs.image;

/**
 * Limits applied by {@link ImageDecoder} before any pixel is allocated.
 *
 * @param maxFileBytes largest accepted encoded file, in bytes (checked before anything else)
 * @param maxPixels    largest accepted {@code width * height}, read from the header
 * @param minSide      smallest accepted {@code min(width, height)}
 */
public record DecodeLimits(long maxFileBytes, long maxPixels, int minSide) implements java.io.Serializable {

    /** 256 MiB. */
    public static final long DEFAULT_MAX_FILE_BYTES = 256L * 1024 * 1024;
    public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
    public static final int DEFAULT_MIN_SIDE = 8;

    public DecodeLimits {
        if (maxFileBytes <= 0) {
            throw new IllegalArgumentException("maxFileBytes must be positive, got " + maxFileBytes);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        if (minSide <= 0) {
            throw new IllegalArgumentException("minSide must be positive, got " + minSide);
        }
    }

    /** 256 MiB, 100 000 000 pixels, minimum side 8. */
    public static DecodeLimits defaults() {
        return new DecodeLimits(DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MIN_SIDE);
    }
}
