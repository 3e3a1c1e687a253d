package com.synthscope.udfs.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The inventory table of DESIGN.md: one row per input file, decoded or not. Column names are a
 * contract.
 */
public final class InventorySchema {

  public static final String PATH = "path";
  public static final String LENGTH = "length";
  public static final String MODIFICATION_TIME = "modification_time";
  public static final String SHA256 = "sha256";
  public static final String FORMAT = "format";
  public static final String WIDTH = "width";
  public static final String HEIGHT = "height";
  public static final String CHANNELS = "channels";
  public static final String BIT_DEPTH = "bit_depth";
  public static final String STATUS = "status";
  public static final String ERROR = "error";

  public static final String STATUS_OK = "ok";
  public static final String STATUS_ERROR = "error";

  public static final StructType SCHEMA =
      new StructType()
          .add(PATH, DataTypes.StringType, false)
          .add(LENGTH, DataTypes.LongType, false)
          .add(MODIFICATION_TIME, DataTypes.TimestampType, true)
          .add(SHA256, DataTypes.StringType, true)
          .add(FORMAT, DataTypes.StringType, true)
          .add(WIDTH, DataTypes.IntegerType, true)
          .add(HEIGHT, DataTypes.IntegerType, true)
          .add(CHANNELS, DataTypes.IntegerType, true)
          .add(BIT_DEPTH, DataTypes.IntegerType, true)
          .add(STATUS, DataTypes.StringType, false)
          .add(ERROR, DataTypes.StringType, true);

  private InventorySchema() {}

  /**
   * The reason code of an error message ({@code "corrupt: Premature end..."} gives {@code
   * corrupt}).
   */
  public static String reasonOf(String error) {
    if (error == null) {
      return null;
    }
    int colon = error.indexOf(':');
    return colon < 0 ? error : error.substring(0, colon);
  }
}
