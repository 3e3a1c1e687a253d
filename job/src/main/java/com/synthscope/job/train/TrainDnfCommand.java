package com.synthscope.job.train;

import com.synthscope.job.ConfigurationException;
import com.synthscope.job.DnfModelOptions;
import com.synthscope.job.JobCommand;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.job.TrainingOutput;
import com.synthscope.udfs.detect.DetectorContract;
import com.synthscope.udfs.detect.dnf.DnfDetector;
import com.synthscope.udfs.detect.dnf.DnfFeature;
import com.synthscope.udfs.detect.dnf.DnfFeatureSource;
import com.synthscope.udfs.detect.dnf.DnfMode;
import com.synthscope.udfs.detect.dnf.DnfPostprocess;
import com.synthscope.udfs.image.ColorMode;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.TensorSpec;
import com.synthscope.udfs.spark.HadoopConf;
import com.synthscope.udfs.train.ClassifierTrainer;
import com.synthscope.udfs.train.DnfClassifierTraining;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code synthscope train dnf}: the DNF classifier on features computed once by Spark. */
@Command(
    name = "dnf",
    mixinStandardHelpOptions = true,
    description = {
      "Train the DNF classifier (ResNet from scratch, one logit, BCE, Adam; lr / 10 after --patience",
      "epochs without validation gain; stop below 1e-6). Features are computed once by a Spark job into",
      "OUT/features (Parquet) and training reads them. Writes OUT/checkpoint (resumable), OUT/best,",
      "OUT/metrics.csv and the artifact OUT/model. --feature pixels trains the same network on the pixels: the",
      "baseline."
    })
public final class TrainDnfCommand extends JobCommand {

  @Option(
      names = "--feature",
      defaultValue = "dnf",
      paramLabel = "dnf|pixels",
      description = "What the classifier sees (default: ${DEFAULT-VALUE}).")
  String feature;

  @Option(
      names = "--mode",
      defaultValue = "t0",
      description = "DNF mode: t0 or inversion:K:first|last|mean (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--postprocess",
      defaultValue = "clip01-uint8",
      description = "clip01-uint8 or raw (default: ${DEFAULT-VALUE}).")
  String postprocess;

  @Option(
      names = "--size",
      defaultValue = "32",
      description =
          "Input side for --feature pixels (DNF uses the backbone's; default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--channels",
      defaultValue = "1",
      description =
          "Channels for --feature pixels: 1 (grey, micrographs) or 3 (RGB, photos); DNF uses the backbone's (default: ${DEFAULT-VALUE}).")
  int channels;

  @Option(
      names = "--depth",
      defaultValue = "18",
      description = "ResNet depth, 18 or 50 (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(
      names = "--width",
      defaultValue = "16",
      description = "ResNet base width; the paper's is 64 (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(
      names = "--upsample",
      defaultValue = "4",
      description =
          "Enlarge the classifier's input this many times (nearest) inside the network, as the paper resizes DNF maps to 256 px (default: ${DEFAULT-VALUE}).")
  int upsample;

  @Option(
      names = "--batch",
      defaultValue = "32",
      description = "Batch size; the paper's is 64 (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "1e-4",
      description = "Adam learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(
      names = "--max-epochs",
      defaultValue = "40",
      description = "Epoch limit on top of the schedule's stop (default: ${DEFAULT-VALUE}).")
  int maxEpochs;

  @Option(
      names = "--dihedral",
      description =
          "Also flip training samples top-bottom and transpose them (all 8 symmetries of the square): for images without a preferred orientation, such as micrographs.")
  boolean dihedral;

  @Option(
      names = "--crop-padding",
      defaultValue = "0",
      description =
          "Translate each training sample by up to this many pixels, filling with zeros (the CIFAR ResNets' pad-and-crop); 0: none (default: ${DEFAULT-VALUE}).")
  int cropPadding;

  @Option(
      names = "--mirror-average",
      description =
          "Score each image (tile) as the mean of the classifier's logits for it and its left-right mirror image (test-time augmentation; twice the cost per image; recorded in the artifact).")
  boolean mirrorAverage;

  @Mixin HeadTrainingOptions training;

  @Mixin DnfModelOptions models;

  private DnfMode dnfMode;
  private DnfPostprocess post;
  private ClassifierTrainer.Recipe recipe;

  @Override
  protected void validate() {
    if (!feature.equals(DnfFeature.DNF) && !feature.equals(DnfFeature.PIXELS)) {
      throw new ConfigurationException("--feature must be dnf or pixels, got " + feature);
    }
    if (depth != 18 && depth != 50) {
      throw new ConfigurationException("--depth must be 18 or 50, got " + depth);
    }
    try {
      dnfMode = DnfMode.parse(mode);
      post = DnfPostprocess.parse(postprocess);
      recipe =
          new ClassifierTrainer.Recipe(
                  batch,
                  learningRate,
                  training.patience,
                  1e-6f,
                  maxEpochs,
                  true,
                  training.seed,
                  cropPadding)
              .withDihedral(dihedral);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
    if (channels != 1 && channels != 3) {
      throw new ConfigurationException("--channels must be 1 or 3, got " + channels);
    }
    if (width < 1 || size < 8 || upsample < 1) {
      throw new ConfigurationException("--width and --upsample must be >= 1 and --size >= 8");
    }
  }

  @Override
  protected int run(SparkSession session) throws Exception {
    long started = System.nanoTime();
    HadoopConf conf = HadoopConf.of(session);
    DnfFeature spec = featureSpec(conf);
    Map<String, Object> info = training.dataInfo();
    DetectorTrainingData.Sets sets =
        DetectorTrainingData.load(
            session,
            training.data,
            training.trainGenerator,
            new DnfFeatureSource(spec, spec.isDnf() ? models.backboneRef() : null),
            training.features(),
            conf,
            out());
    Path artifact =
        DnfClassifierTraining.run(
            sets.train(),
            sets.validation(),
            spec,
            new DnfClassifierTraining.Network(depth, width, upsample),
            recipe,
            training.out,
            training.resume,
            info,
            TrainingOutput.of(out()));
    ColorMode colour = spec.channels() == 1 ? ColorMode.GREY : ColorMode.RGB;
    double contractScale = training.contractScale(colour == ColorMode.RGB);
    DetectorContract contract =
        contractScale == 0
            ? DetectorContract.whole(spec.size(), colour)
            : new DetectorContract(DetectorContract.Kind.TILES, spec.size(), contractScale, colour);
    // the scoring choices, in one write of the manifest
    Map<String, Object> scoring = new LinkedHashMap<>();
    scoring.put(DetectorContract.KEY, contract.toMap());
    if (mirrorAverage) {
      scoring.put(DnfDetector.MIRROR_AVERAGE_KEY, true);
    }
    ArtifactContract.stamp(artifact, scoring);
    out().println("model artifact: " + artifact);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "train dnf");
    json.put("artifact", artifact.toString());
    json.put("feature", spec.toMap());
    json.put("train_examples", sets.train().size());
    json.put("validation_examples", sets.validation().size());
    json.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }

  private DnfFeature featureSpec(HadoopConf conf) {
    if (feature.equals(DnfFeature.PIXELS)) {
      return new DnfFeature(DnfFeature.PIXELS, size, channels, null, null, null);
    }
    FetchedModel b = ModelPreflight.check(models.backboneRef(), conf.get(), null);
    List<TensorSpec> in = b.manifest().inputs();
    List<Long> x = in.get(0).shape();
    return new DnfFeature(
        DnfFeature.DNF, x.get(1).intValue(), x.get(0).intValue(), dnfMode, post, b.modelId());
  }
}
