package com.synthscope.udfs.detect.nsnet;

import com.synthscope.udfs.detect.DetectorDomain;
import com.synthscope.udfs.detect.DetectorFactory;
import com.synthscope.udfs.detect.FeatureSource;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.ModelRole;
import com.synthscope.udfs.model.ModelRef;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * NS-Net in the detector registry: a {@code head} over the frozen {@code encoder} it was trained
 * on.
 */
public final class NsNetFactory implements DetectorFactory {

  public static final NsNetFactory INSTANCE = new NsNetFactory(DetectorDomain.MICROGRAPHS);

  private final DetectorDomain domain;

  private NsNetFactory(DetectorDomain domain) {
    this.domain = domain;
  }

  /** NS-Net with the family's embedded models as defaults. */
  public static NsNetFactory of(DetectorDomain domain) {
    return domain == DetectorDomain.MICROGRAPHS ? INSTANCE : new NsNetFactory(domain);
  }

  @Override
  public String name() {
    return "nsnet";
  }

  @Override
  public List<ModelRole> models() {
    return List.of(
        new ModelRole("encoder", NsNetDetector.ENCODER_KIND, domain.embedded(name(), "encoder")),
        new ModelRole("head", NsNetDetector.HEAD_KIND, domain.embedded(name(), "head")));
  }

  @Override
  public ImageDetector build(Map<String, ModelRef> models, int batchSize) {
    return new NsNetDetector(models.get("encoder"), models.get("head"), batchSize);
  }

  /** The encoder's embedding of the patch-selection canvas, in inference order. */
  @Override
  public FeatureSource features(Map<String, ModelRef> models, Configuration hadoopConf) {
    return new NsNetFeatureSource(
        models.get("encoder").withKind(NsNetDetector.ENCODER_KIND), false);
  }
}
