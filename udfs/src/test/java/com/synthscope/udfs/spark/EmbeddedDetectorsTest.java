package com.synthscope.udfs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.dnf.DnfDetector;
import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.testing.SharedSpark;
import com.synthscope.udfs.train.MetalDam;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The embedded detectors score in Spark on CPU with no model flags: full-size MetalDAM micrographs
 * in, p out.
 */
class EmbeddedDetectorsTest {

  @Test
  void embeddedDnfAndNsNetScoreMicrographsInSpark() throws Exception {
    List<ImageDetector> detectors = List.of(DnfDetector.embedded(), NsNetDetector.embedded());
    for (ImageDetector d : detectors) {
      String ids = d.preflight(new Configuration());
      assertTrue(ids.matches("[^@+]+@[0-9a-f]{64}\\+[^@+]+@[0-9a-f]{64}"), d.name() + ": " + ids);
    }
    SparkSession spark = SharedSpark.session();
    List<Row> rows = new ArrayList<>();
    for (int n : new int[] {3, 9, 14}) {
      rows.add(
          RowFactory.create(
              "micrograph" + n, Files.readAllBytes(MetalDam.imagePath(SharedSpark.metalDam(), n))));
    }
    StructType schema =
        new StructType().add("id", DataTypes.StringType).add("content", DataTypes.BinaryType);
    List<Row> scored =
        ImageScoring.score(
                spark.createDataFrame(rows, schema),
                "content",
                detectors,
                2,
                DecodeLimits.defaults(),
                HadoopConf.of(spark))
            .collectAsList();
    assertEquals(3, scored.size());
    for (Row r : scored) {
      assertNull(r.getAs(ImageScoring.ERROR));
      for (ImageDetector d : detectors) {
        double p = r.getAs(ImageScoring.scoreColumn(d));
        assertTrue(p >= 0 && p <= 1, d.name() + " gives a probability, got " + p);
      }
    }
  }
}
