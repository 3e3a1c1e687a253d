package com.synthscope.job.train;

import static org.apache.spark.sql.functions.col;

import com.synthscope.job.CommandBase;
import com.synthscope.job.ConfigurationException;
import com.synthscope.job.ModelOptions;
import com.synthscope.job.SparkOptions;
import com.synthscope.job.SynthScopeCli;
import com.synthscope.job.TrainingOutput;
import com.synthscope.udfs.detect.dnf.DnfFeature;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.DecodeResult;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.model.EmbeddedModels;
import com.synthscope.udfs.model.FetchedModel;
import com.synthscope.udfs.model.ModelFormat;
import com.synthscope.udfs.model.ModelPreflight;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.train.ClassifierTrainer;
import com.synthscope.udfs.train.NsNetEncoderExport;
import com.synthscope.udfs.train.PhotoEncoderTraining;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code synthscope train nsnet-encoder}: NS-Net's frozen encoder. Without {@code --data}, the
 * micrograph encoder derived from a trained DNF backbone (no training of its own); with {@code
 * --data}, the photo encoder: a CIFAR ResNet trained on the classes of the real training images
 * (METHODS.md section 4).
 */
@Command(
    name = "nsnet-encoder",
    mixinStandardHelpOptions = true,
    description = {
      "Write an NS-Net encoder artifact (no pretrained CLIP can be had offline).",
      "Without --data: the micrograph encoder, the downsampling path of a trained DNF diffusion backbone, unchanged,",
      "contract image [3,224,224] (CLIP mean/std) -> features [d]; written to OUT.",
      "With --data: the photo encoder, a CIFAR ResNet-20 trained with softmax cross-entropy on the class column of",
      "the real images (label 0) of the train split, validated on the val split, frozen; its pooled penultimate",
      "features [64] are the encoder, contract: the whole image resized to --size px, RGB. Writes OUT/checkpoint",
      "(resumable), OUT/best, OUT/metrics.csv and the artifact OUT/model, which also carries the class means and",
      "classifier weights for 'train nsnet --null-space classes'."
    })
public final class TrainNsNetEncoderCommand extends CommandBase {

  /** CIFAR-10's class names, in its label order. */
  static final List<String> CIFAR10 =
      List.of(
          "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");

  @Option(
      names = "--backbone",
      paramLabel = "URI",
      description =
          "Micrograph mode: DNF backbone artifact (djl-params); default: the embedded one.")
  String backbone;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Artifact folder (micrograph mode, replaced) or output folder (photo mode).")
  Path out;

  @Option(
      names = "--data",
      paramLabel = "URI",
      description =
          "Photo mode: Parquet with content, label, split and the class column (e.g. the CIFAKE table).")
  String data;

  @Option(
      names = "--class-column",
      defaultValue = "cifar_class",
      description = "Photo mode: integer class column, 0..K-1 (default: ${DEFAULT-VALUE}).")
  String classColumn;

  @Option(
      names = "--classes",
      defaultValue = "10",
      description = "Photo mode: number of classes (default: ${DEFAULT-VALUE}).")
  int classes;

  @Option(
      names = "--depth",
      defaultValue = "20",
      description = "Photo mode: CIFAR ResNet depth 6n+2 (default: ${DEFAULT-VALUE}).")
  int depth;

  @Option(
      names = "--width",
      defaultValue = "16",
      description = "Photo mode: first-stage width (default: ${DEFAULT-VALUE}).")
  int width;

  @Option(
      names = "--size",
      defaultValue = "32",
      description = "Photo mode: input size, images resized whole (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--batch",
      defaultValue = "128",
      description = "Photo mode: batch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "1e-3",
      description = "Photo mode: Adam learning rate (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(
      names = "--patience",
      defaultValue = "2",
      description =
          "Photo mode: epochs without validation gain before lr / 10 (default: ${DEFAULT-VALUE}).")
  int patience;

  @Option(
      names = "--max-epochs",
      defaultValue = "30",
      description = "Photo mode: epoch limit (default: ${DEFAULT-VALUE}).")
  int maxEpochs;

  @Option(
      names = "--crop-padding",
      defaultValue = "4",
      description =
          "Photo mode: random translation by up to this many pixels (default: ${DEFAULT-VALUE}).")
  int cropPadding;

  @Option(
      names = "--limit",
      defaultValue = "0",
      description =
          "Photo mode: use at most this many training images (0: all; for short measurements).")
  int limit;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description =
          "Photo mode: seed of weights, order and augmentation (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--resume",
      description =
          "Photo mode: continue OUT/checkpoint (same options; only --max-epochs may change).")
  boolean resume;

  @Mixin SparkOptions spark;

  private ClassifierTrainer.Recipe recipe;

  @Override
  protected void validate() {
    if (data == null) {
      return;
    }
    if (backbone != null) {
      throw new ConfigurationException("--backbone and --data are two modes: give one");
    }
    if (classes < 2 || size < 8 || limit < 0) {
      throw new ConfigurationException("need --classes >= 2, --size >= 8, --limit >= 0");
    }
    try {
      recipe =
          new ClassifierTrainer.Recipe(
              batch, learningRate, patience, 1e-6f, maxEpochs, true, seed, cropPadding);
      new com.synthscope.udfs.nets.CifarResNet(
          depth, width, classes, com.synthscope.udfs.nets.CifarResNet.Role.CLASSIFIER);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage(), e);
    }
  }

  @Override
  protected int execute() throws Exception {
    return data == null ? fromBackbone() : photo(spark.session("train nsnet-encoder"));
  }

  private int fromBackbone() throws Exception {
    ModelRef ref =
        backbone == null
            ? EmbeddedModels.dnfBackbone()
            : ModelOptions.ref(
                "--backbone", backbone, ModelFormat.DJL_PARAMS, DnfFeature.BACKBONE_KIND);
    FetchedModel b = ModelPreflight.check(ref, new Configuration(), null);
    Path artifact;
    try {
      artifact = NsNetEncoderExport.fromBackbone(b, out);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("--backbone: " + e.getMessage(), e);
    }
    return finish(artifact, Map.of("backbone", b.modelId()));
  }

  private int photo(SparkSession session) throws Exception {
    long started = System.nanoTime();
    Dataset<Row> t = session.read().parquet(data);
    List<String> cols = Arrays.asList(t.columns());
    for (String c : List.of("content", "label", "split", classColumn)) {
      if (!cols.contains(c)) {
        throw new ConfigurationException(data + " has no column '" + c + "'; it has " + cols);
      }
    }
    Dataset<Row> real = t.filter(col("label").equalTo(0).and(col("split").isin("train", "val")));
    if (cols.contains(
        "path")) { // a fixed order: --limit and the seeds mean the same images on every run
      real = real.orderBy("path");
    }
    List<Row> rows =
        real.select(col("content"), col(classColumn).cast("int"), col("split")).collectAsList();
    ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
    List<FloatImage> trainImages = new ArrayList<>();
    List<Integer> trainLabels = new ArrayList<>();
    List<FloatImage> valImages = new ArrayList<>();
    List<Integer> valLabels = new ArrayList<>();
    int failed = 0;
    for (Row r : rows) {
      boolean val = r.getString(2).equals("val");
      if (!val && limit > 0 && trainImages.size() >= limit) {
        continue;
      }
      if (r.isNullAt(1) || r.getInt(1) < 0 || r.getInt(1) >= classes) {
        throw new ConfigurationException(
            classColumn
                + " must be 0.."
                + (classes - 1)
                + ", got "
                + (r.isNullAt(1) ? "null" : r.getInt(1)));
      }
      DecodeResult d = decoder.decode((byte[]) r.get(0));
      if (!(d instanceof DecodeResult.Decoded ok)) {
        failed++;
        continue;
      }
      (val ? valImages : trainImages).add(PhotoEncoderTraining.input(ok.image(), size));
      (val ? valLabels : trainLabels).add(r.getInt(1));
    }
    if (trainImages.size() < batch || valImages.isEmpty()) {
      throw new ConfigurationException(
          data
              + " gave "
              + trainImages.size()
              + " real training and "
              + valImages.size()
              + " validation images: need a batch and one");
    }
    float[][] meanStd = PhotoEncoderTraining.channelStatistics(trainImages);
    List<ClassifierTrainer.Example> train = examples(trainImages, trainLabels, meanStd);
    List<ClassifierTrainer.Example> validation = examples(valImages, valLabels, meanStd);
    trainImages.clear();
    valImages.clear();
    out()
        .printf(
            "%d real training and %d validation images (%d undecodable skipped), %d classes from %s%n",
            train.size(), validation.size(), failed, classes, classColumn);
    out().flush();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("data", data);
    info.put("images", "label 0 (real) only; split train, validation split val");
    info.put("class_column", classColumn);
    info.put("train_images", train.size());
    List<String> names = classColumn.equals("cifar_class") && classes == 10 ? CIFAR10 : null;
    if (names == null) {
      names = new ArrayList<>();
      for (int k = 0; k < classes; k++) {
        names.add(String.valueOf(k));
      }
    }
    Path artifact =
        PhotoEncoderTraining.run(
            train,
            validation,
            meanStd,
            new PhotoEncoderTraining.Network(depth, width, classes, size),
            recipe,
            names,
            out,
            resume,
            info,
            TrainingOutput.of(out()));
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("train_images", train.size());
    extra.put("validation_images", validation.size());
    extra.put("seconds", Math.round((System.nanoTime() - started) / 1e9));
    return finish(artifact, extra);
  }

  private static List<ClassifierTrainer.Example> examples(
      List<FloatImage> images, List<Integer> labels, float[][] meanStd) {
    List<ClassifierTrainer.Example> out = new ArrayList<>(images.size());
    for (int i = 0; i < images.size(); i++) {
      out.add(
          new ClassifierTrainer.Example(
              PhotoEncoderTraining.normalise(images.get(i), meanStd), labels.get(i)));
    }
    return out;
  }

  private int finish(Path artifact, Map<String, Object> extra) throws Exception {
    FetchedModel written =
        ModelPreflight.check(
            ModelRef.of(artifact.toUri(), null, ModelFormat.DJL_PARAMS), new Configuration(), null);
    out().println("model artifact: " + artifact + " (" + written.modelId() + ")");
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "train nsnet-encoder");
    json.put("artifact", artifact.toString());
    json.put("model", written.modelId());
    json.putAll(extra);
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }
}
