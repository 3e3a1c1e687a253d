package com.synthscope.job.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.job.JobTestSupport;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.spark.InventorySchema;
import com.synthscope.udfs.testing.ImageCorpus;
import com.synthscope.udfs.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SELECT path, synthscope_score(content) FROM binaryFile.`DIR`} gives the scores {@code
 * synthscope audit} writes for the same files (the shared test session has the extension, as {@code
 * --conf spark.sql.extensions} gives a user's session), on the embedded models with the embedded
 * fusion.
 */
class SqlFunctionsAuditTest {

  @TempDir Path tmp;

  @Test
  void theSqlScoreIsTheAuditScore() throws Exception {
    Path in = Files.createDirectories(tmp.resolve("in"));
    for (String name : List.of("micrograph3.jpg", "micrograph4.jpg")) {
      Files.copy(SharedSpark.metalDam().resolve("images").resolve(name), in.resolve(name));
    }
    Files.write(
        in.resolve("noise.png"), ImageCorpus.encode(ImageCorpus.noiseRgb(120, 90, 7), "png"));
    byte[] png = ImageCorpus.encode(ImageCorpus.noiseRgb(64, 48, 1), "png");
    Files.write(in.resolve("truncated.png"), Arrays.copyOf(png, png.length / 2));
    Path out = tmp.resolve("audit");
    Result audit =
        JobTestSupport.cli(
            "audit", "--input", in.toString(), "--output", out.toString(), "--run-id", "sql");
    assertEquals(0, audit.code(), audit.err());

    Map<String, Row> table = new HashMap<>();
    for (Row r :
        JobTestSupport.table(out)
            .select(InventorySchema.PATH, AuditSchema.SCORE, "dnf_score", "nsnet_score")
            .collectAsList()) {
      table.put(name(r.getString(0)), r);
    }
    Map<String, Row> sql = new HashMap<>();
    for (Row r :
        SharedSpark.session()
            .sql(
                "SELECT path, synthscope_score(content),"
                    + " synthscope_detect(content, 'dnf'), synthscope_detect(content, 'nsnet'),"
                    + " synthscope_image_info(content).error FROM binaryFile.`"
                    + in
                    + "`")
            .collectAsList()) {
      sql.put(name(r.getString(0)), r);
    }
    assertEquals(table.keySet(), sql.keySet());
    for (String f : table.keySet()) {
      Row a = table.get(f);
      Row s = sql.get(f);
      for (int c = 1; c <= 3; c++) {
        if (a.isNullAt(c)) {
          assertTrue(s.isNullAt(c), f + ": the audit has no score, SQL has " + s);
        } else {
          assertEquals(a.getDouble(c), s.getDouble(c), 1e-6, f + " column " + c);
        }
      }
    }
    assertNull(sql.get("truncated.png").get(1));
    assertTrue(
        sql.get("truncated.png").getString(4).startsWith("corrupt"),
        sql.get("truncated.png").toString());
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
