package com.synthscope.udfs.spark;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.ImageScore;
import com.synthscope.udfs.detect.LogisticFusion;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.model.Batches;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * The audit's one pass over the input: every file is read once; in its partition it is hashed, skipped when an
 * earlier run already scored the same bytes with the same models, else decoded into its inventory row, and the
 * decoded images go through every selected detector in batches ({@link ImageScoring#scoreDecoded}); the fused
 * {@code score} ({@link ScoreFusion}) and {@code flagged} follow. Bad files become error rows, never task failures.
 *
 * <p>Output: {@link AuditRow}s ({@link AuditRow#schema}: the table's file columns plus
 * {@value AuditSchema#SKIPPED}). Skipped rows carry path, length, modification time and sha256 only.
 */
public final class AuditScan {

  private AuditScan() {}

  /**
   * What the scan does.
   *
   * @param detectors the selected detectors, in order
   * @param threshold {@code flagged = score >= threshold}
   * @param batchSize images per model batch
   * @param fusion the fitted fusion of the detectors' logits; null: the mean of their probabilities
   * @param models the run's {@code models} column (detector -> model ids), as the detectors' preflight gave them
   */
  public record Settings(IngestOptions input, List<ImageDetector> detectors, double threshold, int batchSize,
      LogisticFusion fusion, Map<String, String> models) {
    public Settings(IngestOptions input, List<ImageDetector> detectors, double threshold, int batchSize) {
      this(input, detectors, threshold, batchSize, null, Map.of());
    }

    public Settings {
      detectors = List.copyOf(detectors);
      models = models == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(models));
      if (detectors.isEmpty()) {
        throw new IllegalArgumentException("no detector selected");
      }
      if (!(threshold >= 0 && threshold <= 1)) {
        throw new IllegalArgumentException("threshold must lie in [0, 1], got " + threshold);
      }
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be >= 1");
      }
    }

    List<String> names() {
      return detectors.stream().map(ImageDetector::name).toList();
    }
  }

  /** Task-time counters, summed over tasks (a retried task counts twice: figures for people, not for the table). */
  public static final class Metrics implements Serializable {
    private static final long serialVersionUID = 1L;
    public final LongAccumulator readNanos;
    public final LongAccumulator decoded;
    public final LongAccumulator decodeNanos;
    public final LongAccumulator scored;
    public final List<LongAccumulator> detectorNanos;

    public Metrics(SparkSession spark, List<String> detectors) {
      var sc = spark.sparkContext();
      readNanos = sc.longAccumulator("audit.read_hash_nanos");
      decoded = sc.longAccumulator("audit.decoded");
      decodeNanos = sc.longAccumulator("audit.decode_nanos");
      scored = sc.longAccumulator("audit.scored");
      List<LongAccumulator> d = new ArrayList<>();
      for (String name : detectors) {
        d.add(sc.longAccumulator("audit." + name + "_nanos"));
      }
      detectorNanos = List.copyOf(d);
    }
  }

  /** The scan's schema: the table's file columns plus {@value AuditSchema#SKIPPED} ({@link AuditRow}). */
  public static StructType schema(List<String> detectors) {
    return AuditRow.schema(detectors);
  }

  /** Lazily scans the input; nothing runs until the caller writes or counts the result. */
  public static Dataset<Row> scan(SparkSession spark, Settings settings, Sha256Set alreadyScored, HadoopConf conf,
      Metrics metrics) {
    Broadcast<Sha256Set> skip = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(alreadyScored);
    StructType schema = schema(settings.names());
    InjectedTaskFailure fault = InjectedTaskFailure.from(spark);
    DecodeLimits limits = settings.input().limits();
    int batchSize = settings.batchSize();
    RowMaker rows = new RowMaker(settings.detectors(), settings.names(), settings.fusion(), settings.threshold(),
        settings.models());
    MapPartitionsFunction<Row, Row> decodeAndScore = files -> {
      ImageDecoder decoder = new ImageDecoder(limits);
      // scorers are opened on first use: no model load when a partition has nothing new to score
      List<List<ImageDetector.Scorer>> scorers = new ArrayList<>(1);
      return Batches.map(InjectedTaskFailure.apply(fault, files), batchSize, batch -> {
        long[] nanos = new long[rows.detectors().size()];
        List<Row> out = scoreBatch(batch, decoder, skip.value(), rows, scorers, conf, metrics, nanos);
        for (int k = 0; k < nanos.length; k++) {
          metrics.detectorNanos.get(k).add(nanos[k]);
        }
        return out;
      });
    };
    // entries refused unread (too large, empty, unreadable) come from the listing as bare inventory rows
    int skippedColumn = schema.fieldIndex(AuditSchema.SKIPPED);
    List<String> names = settings.names();
    Map<String, String> models = settings.models();
    return ImageIngestion.perFile(spark, settings.input(), decodeAndScore, schema)
        .map((MapFunction<Row, Row>) r -> r.isNullAt(skippedColumn) ? AuditRow.unread(r, models).toRow(names) : r,
            Encoders.row(schema));
  }

  /**
   * Decoded pixels a task holds at once before it scores them: twice the largest picture one file may decode to.
   * A batch whose pictures hold more is scored in several model calls, so a batch of large images never holds more
   * than this (plus one picture) in memory, whatever {@code --batch} says.
   */
  static long heldPixels(DecodeLimits limits) {
    return DecodeAndScore.heldPixels(limits);
  }

  /** What a task needs to score files into audit rows (the settings without the input, which stays on the driver). */
  private record RowMaker(List<ImageDetector> detectors, List<String> names, LogisticFusion fusion, double threshold,
      Map<String, String> models) implements Serializable {}

  /** One batch of files: hashed, skipped when scored before, else decoded and scored, as audit rows. */
  private static List<Row> scoreBatch(List<Row> batch, ImageDecoder decoder, Sha256Set skip, RowMaker settings,
      List<List<ImageDetector.Scorer>> scorers, HadoopConf conf, Metrics metrics, long[] nanos) {
    int n = batch.size();
    String[] sha = new String[n];
    List<byte[]> toDecode = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      byte[] content = batch.get(i).getAs("content");
      sha[i] = DecodePartition.sha256(content);
      metrics.readNanos.add(System.nanoTime() - t0);
      toDecode.add(skip.contains(sha[i]) ? null : content);
    }
    List<DecodeAndScore.Outcome<List<ImageScore>>> outcomes = DecodeAndScore.run(toDecode, decoder, images -> {
      if (scorers.isEmpty()) {
        scorers.add(ImageScoring.open(settings.detectors(), conf));
      }
      List<List<ImageScore>> byDetector = ImageScoring.scoreDecodedImages(images, scorers.get(0), nanos);
      metrics.scored.add(images.size());
      return ImageScoring.byImage(byDetector);
    }, t -> {
      metrics.decodeNanos.add(t);
      metrics.decoded.add(1);
    });
    List<String> names = settings.names();
    List<Row> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Row file = batch.get(i);
      DecodeAndScore.Outcome<List<ImageScore>> o = outcomes.get(i);
      AuditRow row = o.decoded() == null ? AuditRow.skipped(file, sha[i], settings.models())
          : AuditRow.decoded(DecodePartition.inventoryRow(file, sha[i], o.decoded()), names, o.value(),
              settings.fusion(), settings.threshold(), settings.models());
      out.add(row.toRow(names));
    }
    return out;
  }
}
