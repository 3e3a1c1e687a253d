package com.synthscope.udfs.spark;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The augmentation-set table of DESIGN.md: one generated image + mask pair per row. */
public final class AugmentationSchema {

  public static final StructType PLAN =
      new StructType()
          .add("sample_id", DataTypes.LongType, false)
          .add("seed", DataTypes.LongType, false)
          .add("requested", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  public static final StructType SCHEMA =
      new StructType()
          .add("sample_id", DataTypes.LongType, false)
          .add("seed", DataTypes.LongType, false)
          .add("requested", DataTypes.createArrayType(DataTypes.FloatType, false), false)
          .add("achieved", DataTypes.createArrayType(DataTypes.FloatType, false), false)
          .add("fraction_l1", DataTypes.FloatType, false)
          .add("qc_pass", DataTypes.BooleanType, false)
          .add("image_png", DataTypes.BinaryType, false)
          .add("mask_png", DataTypes.BinaryType, false)
          .add("width", DataTypes.IntegerType, false)
          .add("height", DataTypes.IntegerType, false)
          .add("model", DataTypes.StringType, false)
          .add("sampler", DataTypes.StringType, false)
          .add("steps", DataTypes.IntegerType, false)
          .add("guidance", DataTypes.FloatType, false);

  private AugmentationSchema() {}
}
