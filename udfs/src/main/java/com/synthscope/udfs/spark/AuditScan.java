package com.synthscope.udfs.spark;

import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.detect.ImageScore;
import com.synthscope.udfs.detect.LogisticFusion;
import com.synthscope.udfs.detect.ScoreFusion;
import com.synthscope.udfs.image.DecodeLimits;
import com.synthscope.udfs.image.DecodeResult;
import com.synthscope.udfs.image.ImageDecoder;
import com.synthscope.udfs.model.Batches;
import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

/**
 * The audit's one pass over the input: every file is read once; in its partition it is hashed, skipped when an
 * earlier run already scored the same bytes with the same models, else decoded into its inventory row, and the
 * decoded images go through every selected detector in batches ({@link ImageScoring#scoreDecoded}); the fused
 * {@code score} ({@link ScoreFusion}) and {@code flagged} follow. Bad files become error rows, never task failures.
 *
 * <p>Output: {@link AuditSchema#fileSchema} without {@code models} (the job adds the run's constant columns), plus
 * {@value AuditSchema#SKIPPED}. Skipped rows carry path, length, modification time and sha256 only.
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
   */
  public record Settings(IngestOptions input, List<ImageDetector> detectors, double threshold, int batchSize,
      LogisticFusion fusion) {
    public Settings(IngestOptions input, List<ImageDetector> detectors, double threshold, int batchSize) {
      this(input, detectors, threshold, batchSize, null);
    }

    public Settings {
      detectors = List.copyOf(detectors);
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

  /** The scan's schema: the table's file columns without {@code models}, plus {@value AuditSchema#SKIPPED}. */
  public static StructType schema(List<String> detectors) {
    StructType s = new StructType();
    for (var f : AuditSchema.fileSchema(detectors).fields()) {
      if (!f.name().equals(AuditSchema.MODELS) && !f.name().equals(AuditSchema.SCORES_FROM_RUN)) {
        s = s.add(f);
      }
    }
    return s.add(AuditSchema.SKIPPED, DataTypes.BooleanType, true); // null on rows refused unread
  }

  /**
   * Lazily reads, hashes, decodes and scores the listed files (rows of {@link ImageIngestion#LISTING_SCHEMA}, e.g. a
   * nightly run's new and changed files), each read once; nothing runs until the caller writes or counts the result.
   */
  public static Dataset<Row> scan(SparkSession spark, Settings settings, Dataset<Row> listing, HadoopConf conf,
      Metrics metrics) {
    MapPartitionsFunction<Row, Row> decodeAndScore = decodeAndScore(spark, settings, conf, metrics);
    MapPartitionsFunction<Row, Row> counted = files -> decodeAndScore.call(metrics.countingReads(files));
    return withLabel(ImageIngestion.perListed(spark, listing, settings.input(), counted, schema(settings.names())));
  }

  /**
   * Lazily decodes and scores files already read ({@code binaryFile}-like rows: {@code path},
   * {@code modificationTime}, {@code length}, {@code content}), e.g. those {@link #readAndHash} kept because no
   * earlier run scored their bytes. Rows as {@link #scan} gives them.
   */
  public static Dataset<Row> score(SparkSession spark, Settings settings, Dataset<Row> files, HadoopConf conf,
      Metrics metrics) {
    StructType schema = schema(settings.names());
    MapPartitionsFunction<Row, Row> decodeAndScore = decodeAndScore(spark, settings, conf, metrics);
    return withLabel(spark.createDataFrame(files.javaRDD().mapPartitions(decodeAndScore::call), schema));
  }

  /** The rows {@link #readAndHash} gives: the inventory columns (only path to sha256, status, error set), content. */
  public static final StructType HASHED_SCHEMA = InventorySchema.SCHEMA.add("content", DataTypes.BinaryType, true);

  /**
   * Lazily reads and hashes the listed files, keeping their content: the first half of an incremental run, whose
   * hashes are joined against the table before anything is decoded. Files that cannot be read are inventory error
   * rows (content null).
   */
  public static Dataset<Row> readAndHash(SparkSession spark, IngestOptions input, Dataset<Row> listing,
      Metrics metrics) {
    MapPartitionsFunction<Row, Row> hash = files -> {
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
          return RowFactory.create(file.getAs("path"), file.getAs("length"), file.getAs("modificationTime"), sha,
              null, null, null, null, null, InventorySchema.STATUS_OK, null, content);
        }
      };
    };
    return ImageIngestion.perListed(spark, listing, input, hash, HASHED_SCHEMA);
  }

  private static Dataset<Row> withLabel(Dataset<Row> rows) {
    // every row's label, also of files refused unread (too large, empty), from its path
    UserDefinedFunction label = functions.udf((UDF1<String, Integer>) AuditSchema::labelOf, DataTypes.IntegerType);
    return rows.withColumn(AuditSchema.LABEL, label.apply(functions.col(InventorySchema.PATH)));
  }

  /** Per partition: hash, decode, score in batches. */
  private static MapPartitionsFunction<Row, Row> decodeAndScore(SparkSession spark, Settings settings,
      HadoopConf conf, Metrics metrics) {
    StructType schema = schema(settings.names());
    int width = schema.size();
    List<String> all = AuditSchema.scoredDetectors(settings.names());
    int[] scoreSlot = settings.names().stream().mapToInt(all::indexOf).toArray();
    DecodeLimits limits = settings.input().limits();
    List<ImageDetector> detectors = settings.detectors();
    double threshold = settings.threshold();
    LogisticFusion fusion = settings.fusion();
    List<String> names = settings.names();
    int batchSize = settings.batchSize();
    InjectedTaskFailure fault = InjectedTaskFailure.from(spark);
    return files -> {
      ImageDecoder decoder = new ImageDecoder(limits);
      // which bytes were scored before is settled by the job's join against the table, not here
      Sha256Set skip = Sha256Set.empty();
      // scorers are opened on first use: no model load when a partition has nothing new to score
      List<List<ImageDetector.Scorer>> scorers = new ArrayList<>(1);
      return Batches.map(InjectedTaskFailure.apply(fault, files), batchSize, batch -> {
        long[] nanos = new long[detectors.size()];
        List<Row> out = scoreBatch(batch, decoder, skip, detectors, names, fusion, threshold, scorers, conf, scoreSlot,
            all.size(), width, metrics, nanos);
        for (int k = 0; k < nanos.length; k++) {
          metrics.detectorNanos.get(k).add(nanos[k]);
        }
        return out;
      });
    };
  }

  /**
   * Decoded pixels a task holds at once before it scores them: twice the largest picture one file may decode to.
   * A batch whose pictures hold more is scored in several model calls, so a batch of large images never holds more
   * than this (plus one picture) in memory, whatever {@code --batch} says.
   */
  static long heldPixels(DecodeLimits limits) {
    return 2 * limits.maxDecodePixels();
  }

  private static List<Row> scoreBatch(List<Row> batch, ImageDecoder decoder, Sha256Set skip,
      List<ImageDetector> detectors, List<String> names, LogisticFusion fusion, double threshold, List<List<ImageDetector.Scorer>> scorers, HadoopConf conf, int[] scoreSlot, int scoreColumns, int width,
      Metrics metrics, long[] nanos) {
    int n = batch.size();
    Row[] inventory = new Row[n];
    boolean[] skipped = new boolean[n];
    ImageScore[][] rowScores = new ImageScore[n][];
    long budget = heldPixels(decoder.limits());
    List<BufferedImage> images = new ArrayList<>(n);
    List<Integer> imageRows = new ArrayList<>(n);
    long heldPixels = 0;
    for (int i = 0; i < n; i++) {
      Row file = batch.get(i);
      long t0 = System.nanoTime();
      byte[] content = file.getAs("content");
      String sha = DecodePartition.sha256(content);
      long t1 = System.nanoTime();
      metrics.readNanos.add(t1 - t0);
      if (skip.contains(sha)) {
        skipped[i] = true;
        inventory[i] = RowFactory.create(file.getAs("path"), file.getAs("length"), file.getAs("modificationTime"),
            sha, null, null, null, null, null, InventorySchema.STATUS_OK, null);
        continue;
      }
      DecodeResult result = decoder.decode(content);
      metrics.decodeNanos.add(System.nanoTime() - t1);
      metrics.decoded.add(1);
      inventory[i] = DecodePartition.inventoryRow(file, sha, result);
      if (result instanceof DecodeResult.Decoded d) {
        BufferedImage img = d.image();
        if (!images.isEmpty() && heldPixels + (long) img.getWidth() * img.getHeight() > budget) {
          score(images, imageRows, rowScores, detectors, scorers, conf, metrics, nanos);
          heldPixels = 0;
        }
        images.add(img);
        imageRows.add(i);
        heldPixels += (long) img.getWidth() * img.getHeight();
      }
    }
    score(images, imageRows, rowScores, detectors, scorers, conf, metrics, nanos);
    int inventoryWidth = InventorySchema.SCHEMA.size();
    List<Row> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      Object[] values = new Object[width];
      for (int c = 0; c < inventoryWidth; c++) {
        values[c] = inventory[i].get(c);
      }
      Double fused = null;
      List<ImageScore> own = new ArrayList<>(detectors.size());
      if (rowScores[i] != null) {
        for (int k = 0; k < rowScores[i].length; k++) {
          own.add(rowScores[i][k]);
          values[inventoryWidth + scoreSlot[k]] = rowScores[i][k].probability();
        }
        fused = ScoreFusion.fuse(fusion, names, own);
      }
      int c = inventoryWidth + scoreColumns;
      values[c++] = fused;
      values[c++] = ScoreFusion.flagged(fused, threshold);
      values[c++] = null; // label: scan() sets it from the path for every row
      if (own.isEmpty()) {
        c += AuditSchema.scoringFields().size();
      } else {
        values[c++] = own.stream().mapToInt(ImageScore::tiles).max().orElseThrow();
        values[c++] = own.stream().map(ImageScore::maxTile).filter(java.util.Objects::nonNull)
            .max(Double::compare).orElse(null);
        values[c++] = own.stream().mapToInt(ImageScore::tilesLeftOut).max().orElseThrow();
        values[c++] = own.stream().anyMatch(ImageScore::wholeImage);
        List<Boolean> ood = own.stream().map(ImageScore::outOfDomain).filter(java.util.Objects::nonNull).toList();
        values[c++] = ood.isEmpty() ? null : ood.contains(Boolean.TRUE);
        values[c++] = own.stream().map(ImageScore::tileMap).filter(java.util.Objects::nonNull).findFirst()
            .orElse(null);
      }
      values[c] = skipped[i];
      out.add(RowFactory.create(values));
    }
    return out;
  }

  /** Scores the pending pictures, files their scores by row, and empties the pending lists. */
  private static void score(List<BufferedImage> images, List<Integer> imageRows, ImageScore[][] rowScores,
      List<ImageDetector> detectors, List<List<ImageDetector.Scorer>> scorers, HadoopConf conf, Metrics metrics,
      long[] nanos) {
    if (images.isEmpty()) {
      return;
    }
    if (scorers.isEmpty()) {
      scorers.add(ImageScoring.open(detectors, conf));
    }
    List<List<ImageScore>> scores = ImageScoring.scoreDecodedImages(images, scorers.get(0), nanos);
    metrics.scored.add(images.size());
    for (int j = 0; j < images.size(); j++) {
      ImageScore[] own = new ImageScore[scores.size()];
      for (int k = 0; k < own.length; k++) {
        own[k] = scores.get(k).get(j);
      }
      rowScores[imageRows.get(j)] = own;
    }
    images.clear();
    imageRows.clear();
  }
}
