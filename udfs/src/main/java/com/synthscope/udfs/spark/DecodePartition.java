package com.synthscope.udfs.spark;

import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.DecodeResult;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.image.ImageInfo;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Decodes the files of one partition of a {@code binaryFile} DataFrame into inventory rows. A file
 * that cannot be decoded becomes an {@code error} row with a short reason; nothing here fails the
 * task for bad data.
 */
final class DecodePartition implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;
  private final DecodeLimits limits;
  private final InjectedTaskFailure fault;

  DecodePartition(DecodeLimits limits, InjectedTaskFailure fault) {
    this.limits = limits;
    this.fault = fault;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    ImageDecoder decoder = new ImageDecoder(limits);
    Iterator<Row> files = InjectedTaskFailure.apply(fault, input);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return files.hasNext();
      }

      @Override
      public Row next() {
        return decode(decoder, files.next());
      }
    };
  }

  private static Row decode(ImageDecoder decoder, Row file) {
    byte[] content = file.getAs("content");
    return inventoryRow(file, sha256(content), decoder.decode(content));
  }

  /**
   * The inventory row of a {@code binaryFile} row whose content hashed to {@code sha} and decoded
   * to {@code result}.
   */
  static Row inventoryRow(Row file, String sha, DecodeResult result) {
    String path = file.getAs("path");
    long length = file.getAs("length");
    Object modified = file.getAs("modificationTime");
    if (result instanceof DecodeResult.Decoded d) {
      ImageInfo i = d.info();
      return RowFactory.create(
          path,
          length,
          modified,
          sha,
          i.format(),
          i.width(),
          i.height(),
          i.channels(),
          i.bitDepth(),
          InventorySchema.STATUS_OK,
          null);
    }
    DecodeResult.Failed f = (DecodeResult.Failed) result;
    ImageInfo i = f.info();
    return RowFactory.create(
        path,
        length,
        modified,
        sha,
        i == null ? null : i.format(),
        i == null ? null : i.width(),
        i == null ? null : i.height(),
        i == null ? null : i.channels(),
        i == null ? null : i.bitDepth(),
        InventorySchema.STATUS_ERROR,
        f.message());
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
