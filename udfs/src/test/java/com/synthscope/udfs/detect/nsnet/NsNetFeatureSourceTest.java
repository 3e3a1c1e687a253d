package com.synthscope.udfs.detect.nsnet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.synthscope.udfs.detect.DetectorContract;
import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.model.EmbeddedModels;
import com.synthscope.udfs.model.ExecutionSettings;
import com.synthscope.udfs.testing.SharedSpark;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * Training features taken "the audit's way" are the features the audit computes: a head trained on
 * full-size pictures with {@code train nsnet --data-scale} sees what it will score.
 */
class NsNetFeatureSourceTest {

  private static final DetectorContract MICROGRAPHS =
      new DetectorContract(DetectorContract.Kind.TILES, PatchSelection.PATCH, 0.25, ColorMode.GREY);

  @Test
  void specimenFeaturesOfAFullSizeMicrographAreTheScorersFeatures() throws Exception {
    BufferedImage micrograph =
        ImageIO.read(SharedSpark.metalDam().resolve("images/micrograph3.jpg").toFile());
    Configuration conf = new Configuration();
    List<float[]> scored = new ArrayList<>();
    var scorer =
        (NsNetDetector.SpecimenScorer)
            NsNetDetector.embedded().open(conf, ExecutionSettings.cpu(1));
    scorer.scoreWithFeatures(List.of(micrograph), scored);

    NsNetFeatureSource asAudited =
        new NsNetFeatureSource(EmbeddedModels.nsnetEncoder(), false, MICROGRAPHS);
    float[] trained =
        asAudited.open(conf, ExecutionSettings.cpu(1)).features(List.of(micrograph)).get(0);
    assertArrayEquals(scored.get(0), trained, 1e-5f);

    // the old way (the picture as it is, 4x the detector's scale, band included) is another input
    // altogether
    float[] asIs =
        new NsNetFeatureSource(EmbeddedModels.nsnetEncoder(), false)
            .open(conf, ExecutionSettings.cpu(1))
            .features(List.of(micrograph))
            .get(0);
    assertEquals(trained.length, asIs.length);
    assertFalse(java.util.Arrays.equals(trained, asIs));
  }
}
