package com.synthscope.udfs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.testing.SharedSpark;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The 42 real MetalDAM micrographs of ../shared: all decode, with the dimensions DATA.md gives. */
class MetalDamIngestionTest {

  private static final Set<Integer> LARGE = Set.of(4, 8, 21, 22, 32, 41);

  @Test
  void all42MicrographsAreOkWithTheirDocumentedSizes() {
    var images = SharedSpark.metalDam().resolve("images");
    assertTrue(
        Files.isDirectory(images),
        "MetalDAM must be at " + images + " (../shared beside the repository)");
    List<Row> rows =
        ImageIngestion.inventory(
                SharedSpark.session(),
                new IngestOptions(images.toString(), "*.jpg", false, DecodeLimits.defaults()))
            .collectAsList();
    assertEquals(42, rows.size());
    for (Row r : rows) {
      String path = r.getAs(InventorySchema.PATH);
      int n = Integer.parseInt(path.replaceAll(".*micrograph(\\d+)\\.jpg$", "$1"));
      assertEquals(
          "ok", r.getAs(InventorySchema.STATUS), path + ": " + r.getAs(InventorySchema.ERROR));
      assertEquals("jpeg", r.getAs(InventorySchema.FORMAT), path);
      assertEquals(LARGE.contains(n) ? 1280 : 1024, (int) r.getAs(InventorySchema.WIDTH), path);
      assertEquals(LARGE.contains(n) ? 960 : 768, (int) r.getAs(InventorySchema.HEIGHT), path);
      assertEquals(64, ((String) r.getAs(InventorySchema.SHA256)).length(), path);
    }
  }
}
