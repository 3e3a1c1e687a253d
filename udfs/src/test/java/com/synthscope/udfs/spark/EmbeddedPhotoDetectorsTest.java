package com.synthscope.udfs.spark;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.detect.DetectionMetrics;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.dnf.DnfDetector;
import com.synthscope.udfs.detect.nsnet.NsNetDetector;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.testing.SharedSpark;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The embedded photo detectors score real CIFAKE test images in Spark with no model flags, and rank
 * generated above real images: 60 test images of each label, the first by path.
 */
class EmbeddedPhotoDetectorsTest {

  @Test
  void embeddedPhotoDetectorsTellCifakeTestImagesApart() throws Exception {
    List<ImageDetector> detectors =
        List.of(DnfDetector.embeddedPhotoPixels(), NsNetDetector.embeddedPhotos());
    for (ImageDetector d : detectors) {
      assertTrue(d.preflight(new Configuration()).contains("@"), d.name());
    }
    SparkSession spark = SharedSpark.session();
    Dataset<Row> t =
        spark.read().parquet(SharedSpark.cifake().toString()).filter(col("split").equalTo("test"));
    Dataset<Row> rows =
        t.filter(col("label").equalTo(0))
            .orderBy("path")
            .limit(60)
            .union(t.filter(col("label").equalTo(1)).orderBy("path").limit(60))
            .select(col("path").as("id"), col("content"), col("label"));
    List<Row> scored =
        ImageScoring.score(
                rows, "content", detectors, 16, DecodeLimits.defaults(), HadoopConf.of(spark))
            .collectAsList();
    assertEquals(120, scored.size());
    for (ImageDetector d : detectors) {
      double[] p = new double[scored.size()];
      int[] label = new int[scored.size()];
      for (int i = 0; i < p.length; i++) {
        Row r = scored.get(i);
        assertNull(r.getAs(ImageScoring.ERROR));
        p[i] = r.getAs(ImageScoring.scoreColumn(d));
        label[i] = r.getAs("label");
        assertTrue(p[i] >= 0 && p[i] <= 1, d.name() + " gives a probability, got " + p[i]);
      }
      DetectionMetrics m = DetectionMetrics.of(p, label);
      assertTrue(m.auroc() > 0.8, d.name() + " ranks generated above real: AUROC " + m.auroc());
    }
  }
}
