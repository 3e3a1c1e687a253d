package com.synthscope.udfs.train;

import ai.djl.ndarray.types.Shape;
import com.synthscope.udfs.detect.dnf.DnfFeature;
import com.synthscope.udfs.model.ArtifactWriter;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.TensorSpec;
import com.synthscope.udfs.nets.ResNetFactory;
import com.synthscope.udfs.nets.ResNets;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DNF classifier (METHODS.md section 1): a ResNet trained from scratch, one logit, BCE, on
 * stored features (DNF maps, or pixels for the baseline), exported as a {@value
 * DnfFeature#CLASSIFIER_KIND} artifact whose preprocessing records the feature, so that scoring
 * recomputes exactly that input.
 */
public final class DnfClassifierTraining {

  private DnfClassifierTraining() {}

  /**
   * Network shape: ResNet depth 18 or 50 at a base width, the input enlarged {@code inputScale}
   * times inside the network (the paper resizes DNF maps to 256 px for its classifier).
   */
  public record Network(int depth, int width, int inputScale) {}

  /**
   * Trains and exports {@code out/model}.
   *
   * @param dataInfo what the examples were (recorded in the manifest's recipe)
   */
  public static Path run(
      List<ClassifierTrainer.Example> train,
      List<ClassifierTrainer.Example> validation,
      DnfFeature feature,
      Network network,
      ClassifierTrainer.Recipe recipe,
      Path out,
      boolean resume,
      Map<String, Object> dataInfo,
      PrintStream progress)
      throws IOException {
    Shape sample = new Shape(feature.sampleShape());
    ClassifierTrainer.Summary summary =
        new ClassifierTrainer(
                recipe,
                ResNets.build(
                    network.depth(), feature.channels(), network.width(), network.inputScale()),
                sample,
                ClassifierTrainer.binaryCrossEntropy(),
                out,
                progress)
            .run(train, validation, resume);

    Path dir = out.resolve("model");
    DiffusionExport.fresh(dir);
    String kind = DnfFeature.CLASSIFIER_KIND;
    Files.copy(
        summary.best().resolve(ClassifierTrainer.PREFIX + "-0000.params"),
        dir.resolve(kind + "-0000.params"));
    Map<String, Object> r = new LinkedHashMap<>();
    r.put(
        "network",
        "ResNet-"
            + network.depth()
            + " base width "
            + network.width()
            + ", input enlarged "
            + network.inputScale()
            + "x (nearest), one logit, BCE");
    r.putAll(recipe.toMap());
    r.putAll(dataInfo);
    List<Long> shape =
        List.of((long) feature.channels(), (long) feature.size(), (long) feature.size());
    ArtifactWriter.write(
        dir,
        "dnf-classifier-" + feature.kind() + "-resnet" + network.depth(),
        "1",
        kind,
        ModelFormat.DJL_PARAMS,
        kind + "-0000.params",
        ResNetFactory.class.getName(),
        ResNets.arguments(
            network.depth(), feature.channels(), network.width(), network.inputScale()),
        List.of(new TensorSpec("x", shape, "float32")),
        List.of(new TensorSpec("logit", List.of(1L), "float32")),
        feature.toMap(),
        r,
        summary.metrics());
    return dir;
  }
}
