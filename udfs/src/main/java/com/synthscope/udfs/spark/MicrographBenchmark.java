package com.synthscope.udfs.spark;

import com.synthscope.udfs.augment.FractionSampler;
import com.synthscope.udfs.augment.PairPng;
import com.synthscope.udfs.augment.PfDiffSegGenerator;
import com.synthscope.udfs.augment.PhaseFractions;
import com.synthscope.udfs.augment.SamplerSpec;
import com.synthscope.udfs.image.FloatImage;
import com.synthscope.udfs.image.Resampler;
import com.synthscope.udfs.image.ResizeFilter;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.train.LabelledMicrograph;
import com.synthscope.udfs.train.MetalDam;
import com.synthscope.udfs.train.Split;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The micrograph benchmark for the detectors: real MetalDAM crops against several kinds of
 * generated ones, as one labelled table, reproducible from a seed.
 *
 * <ul>
 *   <li>{@value #REAL} (label 0): random crops of the MetalDAM micrographs at the generator's scale
 *       and size, each split from the images of the same split of DATA.md (train, validation, test
 *       never mixed);
 *   <li>one PF-DiffSeg generator per {@link DiffusionSetting} (label 1): the image channel of
 *       generated pairs;
 *   <li>{@value #UPSAMPLED} (label 1), a cheap non-diffusion fake: other real crops of the same
 *       split, halved (box filter) and enlarged back (bicubic), so only the finest detail is
 *       missing.
 * </ul>
 *
 * Every generator has the same number of rows per split. {@code fractions} holds the crop's phase
 * fractions (its label mask; for generated pairs, the generated mask).
 */
public final class MicrographBenchmark {

  public static final String REAL = "real";
  public static final String UPSAMPLED = "upsampled";

  public static final StructType SCHEMA =
      new StructType()
          .add("sample_id", DataTypes.LongType, false)
          .add("split", DataTypes.StringType, false)
          .add("generator", DataTypes.StringType, false)
          .add("label", DataTypes.IntegerType, false)
          .add("image_png", DataTypes.BinaryType, false)
          .add("fractions", DataTypes.createArrayType(DataTypes.FloatType, false), false)
          .add("source", DataTypes.StringType, false);

  /** Rows per generator (and of real crops) in each split. */
  public record Counts(int train, int val, int test) implements Serializable {
    public Counts {
      if (train < 1 || val < 1 || test < 1) {
        throw new IllegalArgumentException("every split needs at least one row per generator");
      }
    }

    int total() {
      return train + val + test;
    }

    int of(Split split) {
      return switch (split) {
        case TRAIN -> train;
        case VALIDATION -> val;
        case TEST -> test;
      };
    }

    String splitOf(long index) {
      return index < train ? "train" : index < train + val ? "val" : "test";
    }
  }

  /**
   * One PF-DiffSeg setting, named for the {@code generator} column.
   *
   * @param steering fraction steering strength in [0, 1] (0: guidance alone; augment's default is
   *     1)
   */
  public record DiffusionSetting(String name, SamplerSpec sampler, float guidance, float steering)
      implements Serializable {}

  /**
   * @param model the PF-DiffSeg artifact; its scale and size set the real crops'
   * @param modelId {@code id@sha256}, recorded in {@code source}
   * @param realFactor real crops per split as a multiple of each generator's rows: real crops cost
   *     only decoding, generated ones a diffusion sampling, and the detectors lack real variety
   *     more than generated (with the same seed, the crops of factor 1 come first)
   */
  public record Settings(
      Path metaldam,
      double scale,
      int size,
      Counts counts,
      List<DiffusionSetting> diffusion,
      ModelRef model,
      String modelId,
      int batch,
      long seed,
      int realFactor)
      implements Serializable {
    public Settings {
      if (realFactor < 1) {
        throw new IllegalArgumentException("the real factor must be >= 1, got " + realFactor);
      }
    }
  }

  private MicrographBenchmark() {}

  /** The split's name in the {@code split} column. */
  public static String splitName(Split split) {
    return switch (split) {
      case TRAIN -> "train";
      case VALIDATION -> "val";
      case TEST -> "test";
    };
  }

  /** The whole benchmark, lazily for its generated part. */
  public static Dataset<Row> build(
      SparkSession spark, Settings s, FractionSampler fractions, HadoopConf conf)
      throws IOException {
    List<Row> rows = new ArrayList<>();
    long id = 0;
    for (Split split : Split.values()) {
      List<LabelledMicrograph> images = MetalDam.loadDownscaled(s.metaldam(), split, s.scale());
      int n = s.counts().of(split);
      int real = n * s.realFactor();
      rows.addAll(
          realCrops(
              images,
              split,
              real,
              s.size(),
              false,
              new SplittableRandom(s.seed() * 7919 + split.ordinal()),
              id));
      id += real;
      rows.addAll(
          realCrops(
              images,
              split,
              n,
              s.size(),
              true,
              new SplittableRandom(s.seed() * 7919 + 100 + split.ordinal()),
              id));
      id += n;
    }
    Dataset<Row> all = spark.createDataFrame(rows, SCHEMA);
    int partitions = spark.sparkContext().defaultParallelism();
    for (int g = 0; g < s.diffusion().size(); g++) {
      DiffusionSetting d = s.diffusion().get(g);
      Augmentation.Settings gen =
          new Augmentation.Settings(
              s.model(),
              s.modelId(),
              new PfDiffSegGenerator.Settings(d.sampler(), d.guidance()).withSteering(d.steering()),
              s.batch(),
              1f);
      Dataset<Row> pairs =
          Augmentation.generate(
              Augmentation.plan(
                  spark, s.counts().total(), partitions, s.seed() * 1_000_003L + g + 1, fractions),
              gen,
              conf);
      long offset = id;
      Counts counts = s.counts();
      // The sampler as augment's sampler column names it, so a benchmark row and an augmented pair
      // made the same way carry the same words.
      String source =
          s.modelId()
              + " "
              + Augmentation.samplerName(gen.generation())
              + " guidance "
              + d.guidance();
      all =
          all.union(
              pairs.map(
                  (MapFunction<Row, Row>)
                      r -> {
                        // By position (AugmentationSchema.SCHEMA): rows made by a map function
                        // carry no schema.
                        long sample = r.getLong(0);
                        return RowFactory.create(
                            offset + sample,
                            counts.splitOf(sample),
                            d.name(),
                            1,
                            r.get(6),
                            r.get(3),
                            source + " seed " + r.getLong(1));
                      },
                  Encoders.row(SCHEMA)));
      id += counts.total();
    }
    return all;
  }

  /**
   * {@code n} random crops (rows of {@link #SCHEMA}), round-robin over the split's images;
   * upsampled ones lose their finest octave.
   */
  public static List<Row> realCrops(
      List<LabelledMicrograph> images,
      Split split,
      int n,
      int size,
      boolean upsampled,
      SplittableRandom random,
      long firstId) {
    List<Row> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      LabelledMicrograph m = images.get(i % images.size());
      int y = random.nextInt(m.height() - size + 1);
      int x = random.nextInt(m.width() - size + 1);
      float[] grey = new float[size * size];
      byte[] labels = new byte[size * size];
      for (int r = 0; r < size; r++) {
        System.arraycopy(m.grey(), (y + r) * m.width() + x, grey, r * size, size);
        System.arraycopy(m.labels(), (y + r) * m.width() + x, labels, r * size, size);
      }
      if (upsampled) {
        grey = halvedAndRestored(grey, size);
      }
      rows.add(
          RowFactory.create(
              firstId + i,
              splitName(split),
              upsampled ? UPSAMPLED : REAL,
              upsampled ? 1 : 0,
              PairPng.greyPng(grey, size, size),
              Augmentation.boxed(PhaseFractions.of(labels, MetalDam.CLASSES)),
              "micrograph" + m.number() + " x=" + x + " y=" + y));
    }
    return rows;
  }

  /**
   * Halves a square grey crop with a box filter and enlarges it back with bicubic interpolation.
   */
  static float[] halvedAndRestored(float[] grey, int size) {
    FloatImage small =
        Resampler.resize(new FloatImage(1, size, size, grey), size / 2, size / 2, ResizeFilter.BOX);
    return Resampler.resize(small, size, size, ResizeFilter.BICUBIC).data();
  }
}
