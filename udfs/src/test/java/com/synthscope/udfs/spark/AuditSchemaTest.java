package com.synthscope.udfs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AuditSchemaTest {

  @Test
  void theNearestLabelFolderAboveTheFileGivesTheLabel() {
    assertEquals(0, AuditSchema.labelOf("file:/data/0_real/a.png"));
    assertEquals(1, AuditSchema.labelOf("hdfs://nn/x/1_fake/sub/b.jpg"));
    assertEquals(1, AuditSchema.labelOf("file:/0_real/1_fake/c.png"), "the nearest folder wins");
    assertNull(AuditSchema.labelOf("file:/data/0_real.png"), "the file name never counts");
    assertNull(AuditSchema.labelOf("file:/data/real/a.png"));
    assertNull(AuditSchema.labelOf(null));
  }

  @Test
  void theContractScoreColumnsAreAlwaysThere() {
    assertEquals(List.of("dnf", "nsnet"), AuditSchema.scoredDetectors(List.of("nsnet")));
    assertEquals(
        List.of("dnf", "nsnet", "extra"), AuditSchema.scoredDetectors(List.of("extra", "dnf")));
    var t = AuditSchema.tableSchema(List.of("dnf"));
    for (String c :
        List.of(
            "path",
            "sha256",
            "status",
            "error",
            "dnf_score",
            "nsnet_score",
            "score",
            "flagged",
            "models",
            "label",
            "run_id",
            "run_date")) {
      assertTrue(List.of(t.fieldNames()).contains(c), c);
    }
    assertEquals("date", t.apply("run_date").dataType().typeName());
    assertFalse(
        List.of(AuditSchema.fileSchema(List.of("dnf")).fieldNames()).contains("run_id"),
        "partition columns live in the folder names");
  }
}
