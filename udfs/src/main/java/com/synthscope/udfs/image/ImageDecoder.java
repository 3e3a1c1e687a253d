package com.synthscope.udfs.image;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.SampleModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadProgressListener;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes encoded image bytes safely: size and pixel limits are enforced from the header before any
 * pixel is allocated, and every failure (exceptions, errors such as {@link OutOfMemoryError},
 * reader warnings) comes back as a {@link DecodeResult.Failed} instead of being thrown.
 *
 * <p>Any reader warning makes the image {@link DecodeFailure#CORRUPT} (e.g. "Premature end of JPEG
 * file", which the JPEG readers only warn about), except notices about colour profiles (see {@link
 * #isColourNotice(String)}).
 *
 * <p>The format is detected from the content only, with TwelveMonkeys readers preferred over the
 * JDK's where both claim the input. One instance is immutable and may be shared by any number of
 * threads; every call uses its own reader and stream.
 */
public final class ImageDecoder {

  private static final String TWELVEMONKEYS = "com.twelvemonkeys.";

  /**
   * The formats of the inventory contract (README, DESIGN.md): only readers of these are ever asked
   * to decode, so lenient readers of other formats (WBMP accepts almost any bytes starting {@code
   * 00 00}, ICO, PNM, ...) never turn junk into an image.
   */
  public static final List<String> ACCEPTED_FORMATS =
      List.of("png", "jpeg", "tiff", "bmp", "webp", "gif");

  /**
   * The most pixels a file may claim per byte it holds. Real encoders stay far below it on real
   * content (deflate compresses at most about 1 000:1, so a 1-bit PNG holds at most about 8 000
   * pixels per byte; GIF's LZW at most about 2 700; JPEG about 500); a file above it (a 62-byte GIF
   * claiming 9 999 x 9 999) carries almost no image and is {@link DecodeFailure#CORRUPT}.
   */
  public static final long MAX_PIXELS_PER_BYTE = 20_000;

  private static final Object PLUGIN_LOCK = new Object();
  private static volatile boolean pluginsRegistered;

  private final DecodeLimits limits;

  public ImageDecoder(DecodeLimits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
    ensurePlugins();
  }

  public DecodeLimits limits() {
    return limits;
  }

  /**
   * Makes ImageIO find the plugins on this class's class loader (which on a Spark executor is not
   * necessarily the context or system class loader) and turns off ImageIO's temp-file cache. Runs
   * once per JVM.
   */
  public static void ensurePlugins() {
    if (pluginsRegistered) {
      return;
    }
    synchronized (PLUGIN_LOCK) {
      if (pluginsRegistered) {
        return;
      }
      ImageIO.setUseCache(false);
      ClassLoader own = ImageDecoder.class.getClassLoader();
      Thread thread = Thread.currentThread();
      ClassLoader previous = thread.getContextClassLoader();
      try {
        thread.setContextClassLoader(own);
        ImageIO.scanForPlugins();
      } finally {
        thread.setContextClassLoader(previous);
      }
      // scanForPlugins only looks at the context loader: register our own loader's readers
      // explicitly too.
      IIORegistry registry = IIORegistry.getDefaultInstance();
      Iterator<ImageReaderSpi> it = ServiceLoader.load(ImageReaderSpi.class, own).iterator();
      while (true) {
        try {
          if (!it.hasNext()) {
            break;
          }
          registry.registerServiceProvider(it.next(), ImageReaderSpi.class);
        } catch (ServiceConfigurationError broken) {
          // a provider that cannot be instantiated is simply not used
        }
      }
      pluginsRegistered = true;
    }
  }

  /**
   * Decodes the first image in {@code bytes}. Never throws for bad data.
   *
   * <p>An image with more pixels than {@link DecodeLimits#maxDecodePixels()} is decoded subsampled
   * (see {@link DecodeResult.Decoded#subsampling()}); decoding stops at the first reader warning
   * that is not a colour notice (the file is {@link DecodeFailure#CORRUPT}) and when it runs over
   * {@link DecodeLimits#maxDecodeMillis()} ({@link DecodeFailure#TOO_SLOW}).
   */
  public DecodeResult decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return new DecodeResult.Failed(DecodeFailure.EMPTY, "0 bytes", null);
    }
    if (bytes.length > limits.maxFileBytes()) {
      return new DecodeResult.Failed(
          DecodeFailure.TOO_LARGE,
          bytes.length + " bytes exceeds " + limits.maxFileBytes() + " bytes",
          null);
    }
    ImageInfo info = null;
    ImageReader reader = null;
    ImageInputStream stream = null;
    try {
      stream = new ByteArrayImageInputStream(bytes);
      reader = findReader(stream);
      if (reader == null) {
        return new DecodeResult.Failed(
            DecodeFailure.UNKNOWN_FORMAT,
            "no image reader recognises the content as one"
                + " of "
                + String.join(", ", ACCEPTED_FORMATS)
                + " (starts "
                + hexPrefix(bytes, 8)
                + ")",
            null);
      }
      reader.setInput(stream, true, true);
      ReadGuard guard = new ReadGuard(limits.maxDecodeMillis());
      reader.addIIOReadWarningListener(guard);
      reader.addIIOReadProgressListener(guard);

      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      info = describe(reader, width, height);
      if (width <= 0 || height <= 0) {
        return new DecodeResult.Failed(
            DecodeFailure.CORRUPT, "header gives size " + width + "x" + height, info);
      }
      if (info.pixels() > limits.maxPixels()) {
        return new DecodeResult.Failed(
            DecodeFailure.TOO_MANY_PIXELS,
            width + "x" + height + " exceeds " + limits.maxPixels() + " pixels",
            info);
      }
      if (Math.min(width, height) < limits.minSide()) {
        return new DecodeResult.Failed(
            DecodeFailure.TOO_SMALL,
            width + "x" + height + " is below the minimum side " + limits.minSide(),
            info);
      }
      if (info.pixels() > MAX_PIXELS_PER_BYTE * bytes.length) {
        return new DecodeResult.Failed(
            DecodeFailure.CORRUPT,
            width
                + "x"
                + height
                + " from only "
                + bytes.length
                + " bytes: fewer than 1 byte per "
                + MAX_PIXELS_PER_BYTE
                + " pixels, more than any encoder stores for real content",
            info);
      }
      if ("jpeg".equals(info.format())) {
        int scans = JpegScans.count(bytes);
        if (scans > limits.maxJpegScans()) {
          return new DecodeResult.Failed(
              DecodeFailure.TOO_SLOW,
              "JPEG with "
                  + scans
                  + " scans exceeds the limit of "
                  + limits.maxJpegScans()
                  + " (each scan is a pass over the whole image)",
              info);
        }
      }

      int k = limits.subsampling(width, height);
      ImageReadParam param = reader.getDefaultReadParam();
      if (k > 1) {
        param.setSourceSubsampling(k, k, 0, 0);
      }
      guard.start();
      BufferedImage image = reader.read(0, param);
      if (guard.warning != null) {
        String detail =
            guard.warning
                + (guard.warnings > 1 ? " (+" + (guard.warnings - 1) + " more warnings)" : "");
        return new DecodeResult.Failed(DecodeFailure.CORRUPT, detail, info);
      }
      if (guard.overBudget) {
        return new DecodeResult.Failed(
            DecodeFailure.TOO_SLOW,
            "decoding ran over the budget of " + limits.maxDecodeMillis() + " ms and was stopped",
            info);
      }
      if (image == null) {
        return new DecodeResult.Failed(DecodeFailure.CORRUPT, "reader returned no image", info);
      }
      int expectedWidth = (width + k - 1) / k;
      int expectedHeight = (height + k - 1) / k;
      if (image.getWidth() != expectedWidth || image.getHeight() != expectedHeight) {
        return new DecodeResult.Failed(
            DecodeFailure.CORRUPT,
            "decoded "
                + image.getWidth()
                + "x"
                + image.getHeight()
                + " but header gives "
                + width
                + "x"
                + height
                + (k > 1 ? " (subsampled by " + k + ")" : ""),
            info);
      }
      return new DecodeResult.Decoded(info, image, k);
    } catch (Exception | OutOfMemoryError | StackOverflowError | InternalError | AssertionError e) {
      // InternalError and AssertionError: thrown by colour management and some codecs on malformed
      // data.
      return new DecodeResult.Failed(DecodeFailure.CORRUPT, describe(e), info);
    } finally {
      dispose(reader, stream);
    }
  }

  /**
   * Watches one read: the first reader warning that is not a colour notice, and the time budget.
   * Either aborts the read; readers check for an abort between rows, tiles or passes, and return
   * what they had.
   */
  private static final class ReadGuard implements IIOReadWarningListener, IIOReadProgressListener {
    private final long budgetNanos;
    private long startNanos;
    String warning;
    int warnings;
    boolean overBudget;

    ReadGuard(long budgetMillis) {
      this.budgetNanos = budgetMillis * 1_000_000L;
    }

    void start() {
      startNanos = System.nanoTime();
    }

    @Override
    public void warningOccurred(ImageReader source, String message) {
      if (isColourNotice(message)) {
        return;
      }
      warnings++;
      if (warning == null) {
        warning = message;
        source.abort(); // the file is corrupt: decoding the rest is wasted time
      }
    }

    private void check(ImageReader source) {
      if (!overBudget && System.nanoTime() - startNanos > budgetNanos) {
        overBudget = true;
        source.abort();
      }
    }

    @Override
    public void imageProgress(ImageReader source, float percentageDone) {
      check(source);
    }

    @Override
    public void imageStarted(ImageReader source, int imageIndex) {
      check(source);
    }

    @Override
    public void imageComplete(ImageReader source) {
      check(source);
    }

    @Override
    public void sequenceStarted(ImageReader source, int minIndex) {}

    @Override
    public void sequenceComplete(ImageReader source) {}

    @Override
    public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {}

    @Override
    public void thumbnailProgress(ImageReader source, float percentageDone) {}

    @Override
    public void thumbnailComplete(ImageReader source) {}

    @Override
    public void readAborted(ImageReader source) {}
  }

  /**
   * Reads only the header of the first image: format, size, channels and bit depth; allocates no
   * pixels.
   *
   * @return the header's information, or null when the bytes are empty or no reader recognises them
   * @throws IOException when a reader recognises the format but the header cannot be read
   */
  public ImageInfo probe(byte[] bytes) throws IOException {
    if (bytes == null || bytes.length == 0) {
      return null;
    }
    ImageReader reader = null;
    ImageInputStream stream = null;
    try {
      stream = new ByteArrayImageInputStream(bytes);
      reader = findReader(stream);
      if (reader == null) {
        return null;
      }
      reader.setInput(stream, true, true);
      return describe(reader, reader.getWidth(0), reader.getHeight(0));
    } catch (IOException e) {
      throw e;
    } catch (Exception | OutOfMemoryError | StackOverflowError e) {
      throw new IOException(describe(e), e);
    } finally {
      dispose(reader, stream);
    }
  }

  /**
   * Class name of the reader {@link #decode} would use for these bytes, or null; for tests and
   * diagnostics.
   */
  static String readerClassFor(byte[] bytes) throws IOException {
    ensurePlugins();
    try (ImageInputStream stream = new ByteArrayImageInputStream(bytes)) {
      ImageReader reader = findReader(stream);
      if (reader == null) {
        return null;
      }
      String name = reader.getClass().getName();
      reader.dispose();
      return name;
    }
  }

  /**
   * The first reader, TwelveMonkeys ones first, whose provider recognises the content; null when
   * none.
   */
  private static ImageReader findReader(ImageInputStream stream) throws IOException {
    List<ImageReaderSpi> providers = new ArrayList<>();
    IIORegistry.getDefaultInstance()
        .getServiceProviders(ImageReaderSpi.class, true)
        .forEachRemaining(providers::add);
    // stable sort: keeps the registry's own ordering within each group
    providers.sort(
        Comparator.comparingInt(p -> p.getClass().getName().startsWith(TWELVEMONKEYS) ? 0 : 1));
    for (ImageReaderSpi provider : providers) {
      if (!accepted(provider)) {
        continue;
      }
      boolean matches;
      try {
        stream.seek(0);
        matches = provider.canDecodeInput(stream);
      } catch (Exception e) {
        matches = false;
      }
      stream.seek(0);
      if (matches) {
        return provider.createReaderInstance();
      }
    }
    return null;
  }

  /** Whether a provider reads one of {@link #ACCEPTED_FORMATS} (by its declared format names). */
  private static boolean accepted(ImageReaderSpi provider) {
    String[] names = provider.getFormatNames();
    if (names == null) {
      return false;
    }
    for (String n : names) {
      String name = n.toLowerCase(Locale.ROOT);
      if (name.equals("jpg") || name.equals("tif") || ACCEPTED_FORMATS.contains(name)) {
        return true;
      }
    }
    return false;
  }

  private static ImageInfo describe(ImageReader reader, int width, int height) {
    String format = formatName(reader);
    int channels = 0;
    int bitDepth = 0;
    ImageTypeSpecifier type = null;
    try {
      type = reader.getRawImageType(0);
    } catch (Exception e) {
      type = null;
    }
    if (type == null) {
      try {
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        type = types != null && types.hasNext() ? types.next() : null;
      } catch (Exception e) {
        type = null;
      }
    }
    if (type != null) {
      ColorModel cm = type.getColorModel();
      SampleModel sm = type.getSampleModel();
      if (cm instanceof IndexColorModel icm) {
        channels = (isGreyPalette(icm) ? 1 : 3) + (icm.hasAlpha() ? 1 : 0);
        bitDepth = sm.getSampleSize(0);
      } else {
        channels = cm.getNumComponents();
        for (int b = 0; b < sm.getNumBands(); b++) {
          bitDepth = Math.max(bitDepth, sm.getSampleSize(b));
        }
      }
    }
    return new ImageInfo(format, width, height, channels, bitDepth);
  }

  /**
   * Warnings about colour interpretation only (a missing or unusable ICC profile, an inconsistent
   * Adobe APP14 marker): the pixel data is complete, the reader just falls back to a default colour
   * conversion. TwelveMonkeys emits one for every CMYK JPEG without an embedded profile, so these
   * do not make an image corrupt.
   */
  static boolean isColourNotice(String warning) {
    if (warning == null) {
      return false;
    }
    String w = warning.toLowerCase(Locale.ROOT);
    return w.contains("icc")
        || w.contains("color profile")
        || w.contains("colour profile")
        || w.contains("app14");
  }

  private static String formatName(ImageReader reader) {
    String name = null;
    try {
      name = reader.getFormatName();
    } catch (IOException | RuntimeException e) {
      name = null;
    }
    if (name == null) {
      return null;
    }
    name = name.toLowerCase(Locale.ROOT);
    return switch (name) {
      case "jpg", "jpeg-lossless", "jpeg_lossless" -> "jpeg";
      case "tif" -> "tiff";
      default -> name;
    };
  }

  private static boolean isGreyPalette(IndexColorModel icm) {
    for (int i = 0; i < icm.getMapSize(); i++) {
      int r = icm.getRed(i);
      if (r != icm.getGreen(i) || r != icm.getBlue(i)) {
        return false;
      }
    }
    return true;
  }

  private static String hexPrefix(byte[] bytes, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(max, bytes.length); i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(String.format("%02x", bytes[i] & 0xff));
    }
    return sb.toString();
  }

  /** One line: the exception's simple class name and message, plus its cause's. */
  static String describe(Throwable t) {
    StringBuilder sb = new StringBuilder(t.getClass().getSimpleName());
    if (t.getMessage() != null) {
      sb.append(": ").append(t.getMessage());
    }
    Throwable cause = t.getCause();
    if (cause != null && cause != t) {
      sb.append(" (").append(cause.getClass().getSimpleName());
      if (cause.getMessage() != null) {
        sb.append(": ").append(cause.getMessage());
      }
      sb.append(')');
    }
    return sb.toString();
  }

  private static void dispose(ImageReader reader, ImageInputStream stream) {
    if (reader != null) {
      try {
        reader.dispose();
      } catch (RuntimeException ignored) {
        // nothing more to release
      }
    }
    if (stream != null) {
      try {
        stream.close();
      } catch (IOException | RuntimeException ignored) {
        // in-memory stream
      }
    }
  }
}
