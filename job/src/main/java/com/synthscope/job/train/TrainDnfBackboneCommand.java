package com.synthscope.job.train;

import static org.apache.spark.sql.functions.col;

import com.synthscope.job.CommandBase;
import com.synthscope.job.ConfigurationException;
import com.synthscope.job.SparkOptions;
import com.synthscope.job.TrainingOutput;
import com.synthscope.udfs.detect.dnf.DnfFeaturizer;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.DecodeResult;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.nets.UNetConfig;
import com.synthscope.udfs.train.DiffusionRecipe;
import com.synthscope.udfs.train.DnfBackboneTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code synthscope train dnf-backbone}: the unconditional diffusion model DNF extracts noise with:
 * grey on MetalDAM crops, or RGB on the real images of a photo table (METHODS.md section 4).
 */
@Command(
    name = "dnf-backbone",
    mixinStandardHelpOptions = true,
    description = {
      "Train the DNF diffusion backbone: an unconditional, image-only noise predictor. --data the metaldam",
      "folder: grey, on real MetalDAM crops at --scale. --data a labelled-image Parquet table (e.g. CIFAKE): RGB, on",
      "the real images (label 0) of --split, each resized whole to --size (--scale unused). Writes OUT/checkpoint",
      "(resumable), OUT/loss.csv and the model artifact OUT/model."
    })
public final class TrainDnfBackboneCommand extends CommandBase {

  @Mixin DiffusionTrainingOptions options;

  @Mixin SparkOptions spark;

  private DiffusionRecipe recipe;
  private UNetConfig network;
  private boolean photos;

  @Override
  protected void validate() {
    photos = !Files.isDirectory(options.data.resolve("images"));
    network = DnfBackboneTraining.network(photos ? 3 : 1, options.baseChannels);
    recipe = options.recipe(0f, network, photos);
  }

  @Override
  protected int execute() throws Exception {
    long started = System.nanoTime();
    Path artifact;
    if (photos) {
      List<float[]> images = realImages(spark.session("train dnf-backbone"));
      Map<String, Object> info = new LinkedHashMap<>();
      info.put("data", options.data.toString());
      info.put(
          "images",
          "label 0 (real) of split "
              + options.split
              + ", "
              + images.size()
              + " images, resized whole");
      artifact =
          DnfBackboneTraining.runPhotos(
              images, recipe, network, options.out, options.resume, info, TrainingOutput.of(out()));
    } else {
      artifact =
          DnfBackboneTraining.run(
              options.data,
              options.split(),
              recipe,
              network,
              options.out,
              options.resume,
              TrainingOutput.of(out()));
    }
    return TrainingOutput.finish(this, "train dnf-backbone", artifact, recipe, started);
  }

  private List<float[]> realImages(SparkSession session) {
    Dataset<Row> t = session.read().parquet(options.data.toUri().toString());
    List<String> cols = Arrays.asList(t.columns());
    if (!cols.containsAll(List.of("content", "label", "split"))) {
      throw new ConfigurationException(
          options.data
              + " is neither the metaldam folder nor a Parquet table with"
              + " content, label and split; it has "
              + cols);
    }
    Dataset<Row> real = t.filter(col("label").equalTo(0).and(col("split").equalTo(options.split)));
    if (cols.contains("path")) {
      real = real.orderBy("path");
    }
    ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
    List<float[]> images = new ArrayList<>();
    for (Row r : real.select("content").collectAsList()) {
      if (decoder.decode((byte[]) r.get(0)) instanceof DecodeResult.Decoded ok) {
        images.add(DnfFeaturizer.input(ok.image(), 3, recipe.size()));
      }
    }
    if (images.isEmpty()) {
      throw new ConfigurationException(
          options.data + " has no decodable real images in split " + options.split);
    }
    return images;
  }
}
