package com.synthscope.udfs.detect.dnf;

import com.synthscope.udfs.detect.DetectorDomain;
import com.synthscope.udfs.detect.DetectorFactory;
import com.synthscope.udfs.detect.FeatureSource;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.ModelRole;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.ModelException;
import com.synthscope.udfs.model.ModelFetcher;
import com.synthscope.udfs.model.ModelRef;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * DNF in the detector registry: a {@code classifier} over the diffusion {@code backbone} its
 * features came from.
 */
public final class DnfFactory implements DetectorFactory {

  public static final DnfFactory INSTANCE = new DnfFactory(DetectorDomain.MICROGRAPHS);

  private final DetectorDomain domain;

  private DnfFactory(DetectorDomain domain) {
    this.domain = domain;
  }

  /** DNF with the family's embedded models as defaults. */
  public static DnfFactory of(DetectorDomain domain) {
    return domain == DetectorDomain.MICROGRAPHS ? INSTANCE : new DnfFactory(domain);
  }

  @Override
  public String name() {
    return "dnf";
  }

  @Override
  public List<ModelRole> models() {
    return List.of(
        new ModelRole(
            "classifier", DnfFeature.CLASSIFIER_KIND, domain.embedded(name(), "classifier")),
        new ModelRole("backbone", DnfFeature.BACKBONE_KIND, domain.embedded(name(), "backbone")));
  }

  @Override
  public ImageDetector build(Map<String, ModelRef> models, int batchSize) {
    return new DnfDetector(models.get("classifier"), models.get("backbone"), batchSize);
  }

  /** The feature the classifier was trained on (its manifest says which), over the backbone. */
  @Override
  public FeatureSource features(Map<String, ModelRef> models, Configuration hadoopConf) {
    ModelRef classifier = models.get("classifier").withKind(DnfFeature.CLASSIFIER_KIND);
    FetchedModel c =
        new ModelFetcher(ModelFetcher.defaultCacheRoot()).fetch(classifier, hadoopConf);
    DnfFeature feature;
    try {
      feature = DnfFeature.fromMap(c.manifest().preprocessing());
    } catch (RuntimeException e) {
      throw new ModelException(
          classifier.displayName(),
          "its preprocessing does not describe a DNF feature: " + e.getMessage(),
          "re-export the classifier with 'synthscope train dnf'",
          e);
    }
    ModelRef backbone = models.get("backbone");
    if (feature.isDnf() && backbone == null) {
      throw new ModelException(
          classifier.displayName(),
          "reads DNF features but no backbone is given",
          "name its backbone: --model dnf.backbone=URI");
    }
    return new DnfFeatureSource(
        feature, feature.isDnf() ? backbone.withKind(DnfFeature.BACKBONE_KIND) : null);
  }
}
