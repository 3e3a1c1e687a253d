package com.synthscope.udfs.spark.sql;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One of SynthScope's functions of an encoded image, as the SQL functions and the ML stages compute
 * it.
 *
 * @param detector the detector ({@link Kind#DETECT}) or feature extractor ({@link Kind#FEATURES});
 *     null otherwise
 */
public record ImageFunction(Kind kind, String detector) implements Serializable {

  /** What an image gives. */
  public enum Kind {
    /** The fused, calibrated probability of "generated": the audit's {@code score}. */
    SCORE("synthscope_score"),
    /** One detector's probability: the audit's {@code <detector>_score}. */
    DETECT("synthscope_detect"),
    /** Format, size, channels, bit depth, status and error of the decode, as {@link #INFO}. */
    IMAGE_INFO("synthscope_image_info"),
    /** A detector's frozen features (what its head reads) as array&lt;float&gt;. */
    FEATURES("synthscope_features");

    private final String sqlName;

    Kind(String sqlName) {
      this.sqlName = sqlName;
    }

    public String sqlName() {
      return sqlName;
    }

    /** True for the kinds that name a detector as their second argument. */
    public boolean takesDetector() {
      return this == DETECT || this == FEATURES;
    }
  }

  /**
   * {@code synthscope_image_info}'s struct; status {@code ok} or {@code error} with a one-line
   * reason.
   */
  public static final StructType INFO =
      new StructType()
          .add("format", DataTypes.StringType, true)
          .add("width", DataTypes.IntegerType, true)
          .add("height", DataTypes.IntegerType, true)
          .add("channels", DataTypes.IntegerType, true)
          .add("bit_depth", DataTypes.IntegerType, true)
          .add("status", DataTypes.StringType, false)
          .add("error", DataTypes.StringType, true);

  public ImageFunction {
    Objects.requireNonNull(kind, "kind");
    if (kind.takesDetector()) {
      Objects.requireNonNull(detector, kind.sqlName() + " needs a detector name");
      detector = detector.strip().toLowerCase(Locale.ROOT);
    } else if (detector != null) {
      throw new IllegalArgumentException(kind.sqlName() + " takes no detector");
    }
  }

  public static ImageFunction score() {
    return new ImageFunction(Kind.SCORE, null);
  }

  public static ImageFunction detect(String detector) {
    return new ImageFunction(Kind.DETECT, detector);
  }

  public static ImageFunction imageInfo() {
    return new ImageFunction(Kind.IMAGE_INFO, null);
  }

  public static ImageFunction features(String detector) {
    return new ImageFunction(Kind.FEATURES, detector);
  }

  /** The function's result type. */
  public DataType dataType() {
    return switch (kind) {
      case SCORE, DETECT -> DataTypes.DoubleType;
      case IMAGE_INFO -> INFO;
      case FEATURES -> DataTypes.createArrayType(DataTypes.FloatType, false);
    };
  }

  /** How SQL writes the call on a column. */
  public String sql(String column) {
    return kind.sqlName() + "(" + column + (detector == null ? "" : ", '" + detector + "'") + ")";
  }
}
