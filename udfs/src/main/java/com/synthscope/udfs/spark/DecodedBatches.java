package com.synthscope.udfs.spark;

import com.synthscope.udfs.image.ImageDecoder;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Rows through the shared decode -> batch -> model step ({@link DecodeAndScore}) for the jobs that
 * run models over encoded images in a table: each row comes back without its image bytes, with the
 * function's columns (null where the picture did not decode) and {@value #ERROR}.
 */
final class DecodedBatches {

  /** Why a row has no model output (decode failure message), null when it has. */
  static final String ERROR = "scoring_error";

  private DecodedBatches() {}

  /** The input's fields except {@code content}, then {@code added}, then {@value #ERROR}. */
  static StructType schema(StructType input, String content, List<StructField> added) {
    List<StructField> fields = new ArrayList<>();
    for (StructField f : input.fields()) {
      if (!f.name().equals(content)) {
        fields.add(f);
      }
    }
    fields.addAll(added);
    fields.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
    return DataTypes.createStructType(fields);
  }

  /** The index of a binary column. */
  static int binaryColumn(StructType input, String name) {
    int i = input.fieldIndex(name);
    if (!input.fields()[i].dataType().equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException(
          "column "
              + name
              + " must be binary, it is "
              + input.fields()[i].dataType().simpleString());
    }
    return i;
  }

  /**
   * @param perImages the added column values for each decoded picture, in order ({@code added}
   *     values per picture)
   */
  static List<Row> map(
      List<Row> batch,
      int content,
      ImageDecoder decoder,
      int added,
      Function<List<BufferedImage>, List<Object[]>> perImages) {
    List<DecodeAndScore.Outcome<Object[]>> outcomes =
        DecodeAndScore.run(DecodeAndScore.contents(batch, content), decoder, perImages, null);
    List<Row> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Row row = batch.get(i);
      DecodeAndScore.Outcome<Object[]> o = outcomes.get(i);
      Object[] v = new Object[row.size() - 1 + added + 1];
      int k = 0;
      for (int c = 0; c < row.size(); c++) {
        if (c != content) {
          v[k++] = row.get(c);
        }
      }
      for (int a = 0; a < added; a++) {
        v[k++] = o.value() == null ? null : o.value()[a];
      }
      v[k] = o.error();
      out.add(RowFactory.create(v));
    }
    return out;
  }
}
