package com.synthscope.udfs.spark.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.detect.DetectorDomain;
import com.synthscope.udfs.detect.LogisticFusion;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/**
 * {@code spark.synthscope.domain=photos}: the SQL functions' engine resolves the photo family's
 * embedded models and their fitted fusion, as {@code audit --domain photos} does; unset, the
 * micrograph family's.
 */
class ImageFunctionDomainTest {

  @Test
  void theDomainSettingSelectsTheFamilysModelsAndFusion() {
    ImageFunctionSettings photos =
        ImageFunctionSettings.fromConf(Map.of(ImageFunctionSettings.DOMAIN, "photos"));
    assertEquals(DetectorDomain.PHOTOS, photos.domain());
    assertEquals(DetectorDomain.PHOTOS, photos.withBatchSize(4).withModels(Map.of()).domain());
    assertEquals(DetectorDomain.MICROGRAPHS, ImageFunctionSettings.fromConf(Map.of()).domain());
    assertThrows(
        IllegalArgumentException.class,
        () -> ImageFunctionSettings.fromConf(Map.of(ImageFunctionSettings.DOMAIN, "satellites")));

    ImageFunctionEngine engine = ImageFunctionEngine.resolve(photos, new Configuration());
    assertTrue(
        engine.models().get("dnf").startsWith("dnf-classifier-pixels"), engine.models().toString());
    assertTrue(
        engine.models().get("nsnet").contains("nsnet-photo-encoder"), engine.models().toString());
    LogisticFusion fitted = LogisticFusion.embedded(DetectorDomain.PHOTOS);
    assertTrue(fitted.fits(engine.models()), "the photo fusion fits the photo models");
    ImageFunctionEngine micrographs =
        ImageFunctionEngine.resolve(ImageFunctionSettings.defaults(), new Configuration());
    assertNotEquals(engine.models(), micrographs.models());
  }
}
