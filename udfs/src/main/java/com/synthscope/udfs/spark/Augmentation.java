package com.synthscope.udfs.spark;

import com.synthscope.udfs.augment.FractionSampler;
import com.synthscope.udfs.augment.PairPng;
import com.synthscope.udfs.augment.PfDiffSegGenerator;
import com.synthscope.udfs.augment.QualityCheck;
import com.synthscope.udfs.augment.SteeringSchedule;
import com.synthscope.udfs.diffusion.SampleNoise;
import com.synthscope.udfs.model.Batches;
import com.synthscope.udfs.model.LoadedModel;
import com.synthscope.udfs.model.ModelRef;
import com.synthscope.udfs.model.ModelRegistry;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Bulk PF-DiffSeg generation: a plan of sample ids, seeds and requested fractions spread over
 * partitions; each partition loads the model once per executor JVM (by reference) and generates in
 * batches.
 */
public final class Augmentation {

  /** What every partition needs; small and serializable. */
  public record Settings(
      ModelRef model,
      String modelId,
      PfDiffSegGenerator.Settings generation,
      int batchSize,
      float maxFractionError)
      implements Serializable {}

  private Augmentation() {}

  /**
   * The plan: ids 0..count-1 over {@code partitions}; each sample's seed derives from the run seed
   * and its id only, and its request from its seed, so any partitioning gives the same table.
   */
  public static Dataset<Row> plan(
      SparkSession spark, long count, int partitions, long runSeed, FractionSampler fractions) {
    return spark
        .range(0, count, 1, partitions)
        .mapPartitions(
            (MapPartitionsFunction<Long, Row>)
                ids ->
                    new Iterator<>() {
                      @Override
                      public boolean hasNext() {
                        return ids.hasNext();
                      }

                      @Override
                      public Row next() {
                        long id = ids.next();
                        long seed = sampleSeed(runSeed, id);
                        float[] requested = fractions.sample(seed);
                        return RowFactory.create(id, seed, boxed(requested));
                      }
                    },
            Encoders.row(AugmentationSchema.PLAN));
  }

  /** SplitMix64 of (run seed, id): well-spread, reproducible seeds for neighbouring ids. */
  public static long sampleSeed(long runSeed, long id) {
    return SampleNoise.mix64(runSeed + 0x9E3779B97F4A7C15L * (id + 1));
  }

  /** Generates every planned sample, batched per partition. */
  public static Dataset<Row> generate(Dataset<Row> plan, Settings settings, HadoopConf conf) {
    InjectedTaskFailure fault = InjectedTaskFailure.from(plan.sparkSession());
    return plan.mapPartitions(
        (MapPartitionsFunction<Row, Row>)
            rows -> {
              LoadedModel model =
                  ModelRegistry.get()
                      .model(
                          settings.model(),
                          conf.get(),
                          TaskResources.current(settings.model().engine()));
              PfDiffSegGenerator generator = new PfDiffSegGenerator(model, settings.generation());
              return Batches.map(
                  InjectedTaskFailure.apply(fault, rows),
                  settings.batchSize(),
                  batch -> generateBatch(generator, settings, batch));
            },
        Encoders.row(AugmentationSchema.SCHEMA));
  }

  private static List<Row> generateBatch(
      PfDiffSegGenerator generator, Settings s, List<Row> batch) {
    // Always run full batches (a short last batch is padded with repeats of its last sample):
    // batched kernels may
    // round differently at another batch size, and the same pair must come out whatever the
    // partitioning.
    int full = Math.max(batch.size(), s.batchSize());
    long[] seeds = new long[full];
    float[][] requested = new float[full][];
    for (int i = 0; i < full; i++) {
      Row r = batch.get(Math.min(i, batch.size() - 1));
      seeds[i] = r.getLong(1);
      requested[i] = unboxed(r.getList(2));
    }
    List<PfDiffSegGenerator.Generated> pairs = generator.generate(seeds, requested);
    int size = generator.size();
    List<Row> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      PfDiffSegGenerator.Generated g = pairs.get(i);
      QualityCheck qc =
          QualityCheck.of(requested[i], g.mask(), generator.classes(), s.maxFractionError());
      out.add(
          RowFactory.create(
              batch.get(i).getLong(0),
              seeds[i],
              boxed(requested[i]),
              boxed(g.achieved()),
              qc.l1(),
              qc.pass(),
              PairPng.greyPng(g.grey(), size, size),
              PairPng.maskPng(g.mask(), size, size),
              size,
              size,
              s.modelId(),
              samplerName(s.generation()),
              generator.steps(),
              s.generation().guidance()));
    }
    return out;
  }

  /**
   * The {@code sampler} column: the sampler, with the fraction steering when there is any and its
   * schedule when it is not the constant one ("ddim:50+steer:0.5", "ddim:50+steer:1.0@sqrt-abar").
   */
  static String samplerName(PfDiffSegGenerator.Settings g) {
    if (!(g.steering() > 0)) {
      return g.sampler().toString();
    }
    String schedule =
        g.steeringSchedule() == SteeringSchedule.CONSTANT ? "" : "@" + g.steeringSchedule().label();
    return g.sampler() + "+steer:" + g.steering() + schedule;
  }

  /** A float array as Spark's row encoder takes array columns: a Scala Seq. */
  static scala.collection.immutable.Seq<Float> boxed(float[] a) {
    java.util.List<Float> b = new ArrayList<>(a.length);
    for (float v : a) {
      b.add(v);
    }
    return scala.jdk.javaapi.CollectionConverters.asScala(b).toList();
  }

  static float[] unboxed(List<Float> list) {
    float[] a = new float[list.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = list.get(i);
    }
    return a;
  }
}
