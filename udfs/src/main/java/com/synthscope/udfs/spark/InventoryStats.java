package com.synthscope.udfs.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.substring_index;

import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Counts of an inventory: files, ok, and errors by reason code.
 *
 * @param errorsByReason error rows per reason code (the text before the first ':' of {@code
 *     error}), sorted
 */
public record InventoryStats(long files, long ok, Map<String, Long> errorsByReason) {

  public long errors() {
    return errorsByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  /** One aggregation pass over an inventory table. */
  public static InventoryStats of(Dataset<Row> inventory) {
    long files = 0;
    long ok = 0;
    Map<String, Long> reasons = new TreeMap<>();
    for (Row r :
        inventory
            .groupBy(
                col(InventorySchema.STATUS),
                substring_index(col(InventorySchema.ERROR), ":", 1).as("reason"))
            .agg(count("*").as("n"))
            .collectAsList()) {
      long n = r.getLong(2);
      files += n;
      if (InventorySchema.STATUS_OK.equals(r.getString(0))) {
        ok += n;
      } else {
        reasons.merge(r.isNullAt(1) ? "unknown" : r.getString(1), n, Long::sum);
      }
    }
    return new InventoryStats(files, ok, reasons);
  }
}
