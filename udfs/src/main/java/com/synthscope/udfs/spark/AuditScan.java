package com.synthscope.udfs.spark;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.ImageScore;
import com.synthscope.udfs.detect.LogisticFusion;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.model.Batches;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * The audit's reading and scoring of listed files: every file is read once; in its partition it is
 * hashed, decoded into its inventory row, and the decoded images go through every selected detector
 * in batches ({@link DecodeAndScore}); the fused {@code score} ({@link ScoreFusion}) and {@code
 * flagged} follow. Bad files become error rows, never task failures. Which files need this at all
 * (unchanged since scored, or bytes scored before under another path) is settled by the job's joins
 * against the table before, not here.
 *
 * <p>Output: {@link AuditRow}s ({@link AuditRow#schema}: the table's file columns plus {@value
 * AuditSchema#SKIPPED}, false on every row this scan makes).
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
   * @param models the run's {@code models} column (detector -> model ids), as the detectors'
   *     preflight gave them
   */
  public record Settings(
      IngestOptions input,
      List<ImageDetector> detectors,
      double threshold,
      int batchSize,
      LogisticFusion fusion,
      Map<String, String> models) {
    public Settings(
        IngestOptions input, List<ImageDetector> detectors, double threshold, int batchSize) {
      this(input, detectors, threshold, batchSize, null, Map.of());
    }

    public Settings {
      detectors = List.copyOf(detectors);
      // insertion order kept: the models column lists the detectors in the run's order, as before
      models =
          models == null
              ? Map.of()
              : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(models));
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

  /**
   * Task-time counters, summed over tasks (a retried task counts twice: figures for people, not for
   * the table).
   */
  public static final class Metrics implements Serializable {
    private static final long serialVersionUID = 1L;
    public final LongAccumulator readNanos;
    public final LongAccumulator decoded;
    public final LongAccumulator decodeNanos;
    public final LongAccumulator scored;
    public final List<LongAccumulator> detectorNanos;

    /** Files whose content was read from the input, and their bytes. */
    public final LongAccumulator filesRead;

    public final LongAccumulator bytesRead;

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
      filesRead = sc.longAccumulator("audit.files_read");
      bytesRead = sc.longAccumulator("audit.bytes_read");
    }

    /** The files as they come from the input, counted as read. */
    Iterator<Row> countingReads(Iterator<Row> files) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return files.hasNext();
        }

        @Override
        public Row next() {
          Row r = files.next();
          byte[] content = r.getAs("content");
          filesRead.add(1);
          bytesRead.add(content == null ? 0 : content.length);
          return r;
        }
      };
    }
  }

  /**
   * The scan's schema: the table's file columns plus {@value AuditSchema#SKIPPED} ({@link
   * AuditRow}).
   */
  public static StructType schema(List<String> detectors) {
    return AuditRow.schema(detectors);
  }

  /**
   * Lazily reads, hashes, decodes and scores the listed files (rows of {@link
   * ImageIngestion#LISTING_SCHEMA}, e.g. a nightly run's new and changed files), each read once;
   * nothing runs until the caller writes or counts the result.
   */
  public static Dataset<Row> scan(
      SparkSession spark,
      Settings settings,
      Dataset<Row> listing,
      HadoopConf conf,
      Metrics metrics) {
    StructType schema = schema(settings.names());
    MapPartitionsFunction<Row, Row> decodeAndScore = decodeAndScore(spark, settings, conf, metrics);
    MapPartitionsFunction<Row, Row> counted =
        files -> decodeAndScore.call(metrics.countingReads(files));
    // entries refused unread (too large, empty, unreadable) come from the listing as bare inventory
    // rows
    int skippedColumn = schema.fieldIndex(AuditSchema.SKIPPED);
    List<String> names = settings.names();
    Map<String, String> models = settings.models();
    return ImageIngestion.perListed(spark, listing, settings.input(), counted, schema)
        .map(
            (MapFunction<Row, Row>)
                r -> r.isNullAt(skippedColumn) ? AuditRow.unread(r, models).toRow(names) : r,
            Encoders.row(schema));
  }

  /**
   * Lazily decodes and scores files already read ({@code binaryFile}-like rows: {@code path},
   * {@code modificationTime}, {@code length}, {@code content}), e.g. those {@link #readAndHash}
   * kept because no earlier run scored their bytes. Rows as {@link #scan} gives them.
   */
  public static Dataset<Row> score(
      SparkSession spark, Settings settings, Dataset<Row> files, HadoopConf conf, Metrics metrics) {
    StructType schema = schema(settings.names());
    MapPartitionsFunction<Row, Row> decodeAndScore = decodeAndScore(spark, settings, conf, metrics);
    return spark.createDataFrame(files.javaRDD().mapPartitions(decodeAndScore::call), schema);
  }

  /**
   * The rows {@link #readAndHash} gives: the inventory columns (only path to sha256, status, error
   * set), content.
   */
  public static final StructType HASHED_SCHEMA =
      InventorySchema.SCHEMA.add("content", DataTypes.BinaryType, true);

  /**
   * Lazily reads and hashes the listed files, keeping their content: the first half of an
   * incremental run, whose hashes are joined against the table before anything is decoded. Files
   * that cannot be read are inventory error rows (content null).
   */
  public static Dataset<Row> readAndHash(
      SparkSession spark, IngestOptions input, Dataset<Row> listing, Metrics metrics) {
    MapPartitionsFunction<Row, Row> hash =
        files -> {
          Iterator<Row> read = metrics.countingReads(files);
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return read.hasNext();
            }

            @Override
            public Row next() {
              Row file = read.next();
              long t0 = System.nanoTime();
              byte[] content = file.getAs("content");
              String sha = DecodePartition.sha256(content);
              metrics.readNanos.add(System.nanoTime() - t0);
              return RowFactory.create(
                  file.getAs("path"),
                  file.getAs("length"),
                  file.getAs("modificationTime"),
                  sha,
                  null,
                  null,
                  null,
                  null,
                  null,
                  InventorySchema.STATUS_OK,
                  null,
                  content);
            }
          };
        };
    return ImageIngestion.perListed(spark, listing, input, hash, HASHED_SCHEMA);
  }

  /** Per partition: hash, decode, score in batches. */
  private static MapPartitionsFunction<Row, Row> decodeAndScore(
      SparkSession spark, Settings settings, HadoopConf conf, Metrics metrics) {
    InjectedTaskFailure fault = InjectedTaskFailure.from(spark);
    DecodeLimits limits = settings.input().limits();
    int batchSize = settings.batchSize();
    RowMaker rows =
        new RowMaker(
            settings.detectors(),
            settings.names(),
            settings.fusion(),
            settings.threshold(),
            settings.models());
    return files -> {
      ImageDecoder decoder = new ImageDecoder(limits);
      // scorers are opened on first use: no model load when a partition has nothing new to score
      List<List<ImageDetector.Scorer>> scorers = new ArrayList<>(1);
      return Batches.map(
          InjectedTaskFailure.apply(fault, files),
          batchSize,
          batch -> {
            long[] nanos = new long[rows.detectors().size()];
            List<Row> out = scoreBatch(batch, decoder, rows, scorers, conf, metrics, nanos);
            for (int k = 0; k < nanos.length; k++) {
              metrics.detectorNanos.get(k).add(nanos[k]);
            }
            return out;
          });
    };
  }

  /**
   * Decoded pixels a task holds at once before it scores them: twice the largest picture one file
   * may decode to. A batch whose pictures hold more is scored in several model calls, so a batch of
   * large images never holds more than this (plus one picture) in memory, whatever {@code --batch}
   * says.
   */
  static long heldPixels(DecodeLimits limits) {
    return DecodeAndScore.heldPixels(limits);
  }

  /**
   * What a task needs to score files into audit rows (the settings without the input, which stays
   * on the driver).
   */
  private record RowMaker(
      List<ImageDetector> detectors,
      List<String> names,
      LogisticFusion fusion,
      double threshold,
      Map<String, String> models)
      implements Serializable {}

  /** One batch of files: hashed, decoded and scored, as audit rows. */
  private static List<Row> scoreBatch(
      List<Row> batch,
      ImageDecoder decoder,
      RowMaker settings,
      List<List<ImageDetector.Scorer>> scorers,
      HadoopConf conf,
      Metrics metrics,
      long[] nanos) {
    int n = batch.size();
    String[] sha = new String[n];
    List<byte[]> toDecode = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      byte[] content = batch.get(i).getAs("content");
      sha[i] = DecodePartition.sha256(content);
      metrics.readNanos.add(System.nanoTime() - t0);
      toDecode.add(content);
    }
    List<DecodeAndScore.Outcome<List<ImageScore>>> outcomes =
        DecodeAndScore.run(
            toDecode,
            decoder,
            images -> {
              if (scorers.isEmpty()) {
                scorers.add(ImageScoring.open(settings.detectors(), conf));
              }
              List<List<ImageScore>> byDetector =
                  ImageScoring.scoreDecodedImages(images, scorers.get(0), nanos);
              metrics.scored.add(images.size());
              return ImageScoring.byImage(byDetector);
            },
            t -> {
              metrics.decodeNanos.add(t);
              metrics.decoded.add(1);
            });
    List<String> names = settings.names();
    List<Row> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Row file = batch.get(i);
      DecodeAndScore.Outcome<List<ImageScore>> o = outcomes.get(i);
      AuditRow row =
          AuditRow.decoded(
              DecodePartition.inventoryRow(file, sha[i], o.decoded()),
              names,
              o.value(),
              settings.fusion(),
              settings.threshold(),
              settings.models());
      out.add(row.toRow(names));
    }
    return out;
  }
}
