package com.synthscope.job.audit;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import com.synthscope.udfs.spark.AuditScan;
import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.spark.DistributedListing;
import com.synthscope.udfs.spark.HadoopConf;
import com.synthscope.udfs.spark.ImageIngestion;
import com.synthscope.udfs.spark.InventorySchema;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

/**
 * What a nightly run has to do, settled on the cluster:
 *
 * <ol>
 *   <li>the listing (path, length, modification time; no content) anti-joined with the table's rows
 *       that earlier runs scored successfully with the same models: an unchanged file is not even
 *       read;
 *   <li>the rest (new or changed files, and earlier errors, which are retried) read and hashed
 *       once;
 *   <li>their sha256 joined with the table's (same models, any path): a copied or moved file gets a
 *       row for its new path carrying the earlier scores and the run they came from ({@code
 *       scores_from_run}), unscored;
 *   <li>only bytes no earlier run scored are decoded and scored, from the content already read.
 * </ol>
 *
 * Without earlier rows for these models (night 1, other models) or with {@code --full}, steps 2 to
 * 4 are one pass: read, hash, decode, score. Nothing per file reaches the driver (the listing's
 * top, a fixed budget, aside: {@link DistributedListing}).
 */
final class Increment {

  /** What the listing and the anti-join found. */
  record Plan(long listed, long unchanged, long candidates, long candidateBytes) {}

  private final SparkSession spark;
  private final AuditScan.Settings settings;
  private final HadoopConf conf;
  private final AuditScan.Metrics metrics;
  private Dataset<Row> candidates;
  private Dataset<Row> joined;
  private Dataset<Row> earlier;
  private Dataset<Row> hashed;
  private Plan plan;

  Increment(
      SparkSession spark, AuditScan.Settings settings, HadoopConf conf, AuditScan.Metrics metrics) {
    this.spark = spark;
    this.settings = settings;
    this.conf = conf;
    this.metrics = metrics;
  }

  /**
   * The run's rows, lazily, in {@link AuditScan#schema} plus {@code scores_from_run}: scored,
   * carried and error rows of the new and changed files. {@code previous}: the table's rows scored
   * OK with the run's models by other runs (null: none, or {@code --full}).
   */
  Dataset<Row> rows(Dataset<Row> previous) {
    // listed on the executors past the top of the tree; its size is an aggregate (a small input:
    // known on the driver, no job)
    DistributedListing.Listed listedInput = ImageIngestion.listed(spark, settings.input());
    long listed = listedInput.files();
    long listedBytes = listedInput.bytes();
    Dataset<Row> listing = listedInput.rows();
    boolean incremental = false;
    Dataset<Row> todo = listing;
    long files = listed;
    long bytes = listedBytes;
    if (previous != null) {
      // the path columns only (the table's other columns are not read; run_id is a partition
      // column). No distinct:
      // a path scored by several runs matches as often, and an anti-join keeps or drops a listed
      // row the same
      Dataset<Row> known =
          previous.select(
              InventorySchema.PATH, InventorySchema.LENGTH, InventorySchema.MODIFICATION_TIME);
      // entries the listing could not stat (error set) are always taken: they become this run's
      // error rows
      Column same =
          listing
              .col(InventorySchema.PATH)
              .equalTo(known.col(InventorySchema.PATH))
              .and(listing.col(InventorySchema.LENGTH).equalTo(known.col(InventorySchema.LENGTH)))
              .and(
                  listing
                      .col(InventorySchema.MODIFICATION_TIME)
                      .equalTo(known.col(InventorySchema.MODIFICATION_TIME)))
              .and(listing.col(InventorySchema.ERROR).isNull());
      // cached: counted here (one aggregate, no per-file collect: how much there is to read decides
      // the
      // partitions), then read; the join runs once
      joined = listing.join(known, same, "left_anti").persist(StorageLevel.MEMORY_AND_DISK());
      Row sizes = joined.agg(functions.count("*"), functions.sum(InventorySchema.LENGTH)).first();
      files = sizes.getLong(0);
      bytes = sizes.isNullAt(1) ? 0 : sizes.getLong(1);
      // earlier rows exist when a listed file matched one; only when none did (night 1 of new
      // models, or every
      // file moved) does a probe of the table decide (no earlier rows: the one-pass scan, nothing
      // cached)
      incremental = files < listed || (files > 0 && !previous.isEmpty());
      if (incremental) {
        todo = joined;
      } else {
        joined.unpersist();
        joined = null;
      }
    }
    plan = new Plan(listed, listed - files, files, bytes);
    int filesToRead = (int) Math.min(files, Integer.MAX_VALUE);
    // a one-pass scan is bound by scoring (several tasks per core); the incremental read only reads
    // and hashes
    int partitions =
        incremental
            ? ImageIngestion.partitions(spark, filesToRead, bytes)
            : ImageIngestion.scoringPartitions(spark, filesToRead, bytes);
    candidates = todo.repartition(partitions).persist(StorageLevel.MEMORY_AND_DISK());

    if (!incremental) {
      return AuditScan.scan(spark, settings, candidates, conf, metrics)
          .withColumn(AuditSchema.SCORES_FROM_RUN, lit(null).cast(DataTypes.StringType));
    }

    // read + hash the candidates once, keeping their content for the few that must be scored
    hashed =
        AuditScan.readAndHash(spark, settings.input(), candidates, metrics)
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> read =
        hashed.filter(col(InventorySchema.STATUS).equalTo(lit(InventorySchema.STATUS_OK)));
    // tonight's hashes (the small side, broadcast) pick the earlier rows they match: the table is
    // scanned, not
    // shuffled, and the latest row per hash is chosen among those few
    Dataset<Row> tonight = functions.broadcast(read.select(InventorySchema.SHA256).distinct());
    earlier =
        latestPerSha(previous.join(tonight, on(InventorySchema.SHA256)))
            .persist(StorageLevel.MEMORY_AND_DISK());

    Dataset<Row> toScore =
        read.join(earlier.select(InventorySchema.SHA256), on(InventorySchema.SHA256), "left_anti")
            .select(
                col(InventorySchema.PATH),
                col(InventorySchema.MODIFICATION_TIME).as("modificationTime"),
                col(InventorySchema.LENGTH),
                col("content"))
            .repartition(ImageIngestion.scoringPartitions(spark, filesToRead, bytes));
    Dataset<Row> scored =
        AuditScan.score(spark, settings, toScore, conf, metrics)
            .withColumn(AuditSchema.SCORES_FROM_RUN, lit(null).cast(DataTypes.StringType));

    Dataset<Row> carried = carried(read.drop("content").join(earlier, on(InventorySchema.SHA256)));
    Dataset<Row> errors =
        errors(hashed.filter(col(InventorySchema.STATUS).notEqual(lit(InventorySchema.STATUS_OK))));
    return scored.unionByName(carried).unionByName(errors);
  }

  Plan plan() {
    return plan;
  }

  /** Frees what the run cached. */
  void release() {
    if (hashed != null) {
      hashed.unpersist();
    }
    if (candidates != null) {
      candidates.unpersist();
    }
    if (joined != null) {
      joined.unpersist();
    }
    if (earlier != null) {
      earlier.unpersist();
    }
  }

  /**
   * Per sha256, the latest earlier row (by run date, then run id): the one whose scores a copy
   * carries.
   */
  private static Dataset<Row> latestPerSha(Dataset<Row> previous) {
    List<Column> fields = new ArrayList<>();
    for (String c : previous.columns()) {
      if (!c.equals(InventorySchema.SHA256)) {
        fields.add(col(c));
      }
    }
    return previous
        .groupBy(InventorySchema.SHA256)
        .agg(
            max_by(
                    struct(fields.toArray(new Column[0])),
                    struct(col(AuditSchema.RUN_DATE), col(AuditSchema.RUN_ID)))
                .as("earlier"));
  }

  /**
   * Rows for copied or moved files: this path, the earlier image columns and scores, this run's
   * threshold.
   */
  private Dataset<Row> carried(Dataset<Row> joined) {
    List<Column> out = new ArrayList<>();
    for (StructField f :
        AuditScan.schema(
                settings.detectors().stream()
                    .map(com.synthscope.udfs.detect.ImageDetector::name)
                    .toList())
            .fields()) {
      String n = f.name();
      if (n.equals(AuditSchema.SCORES_FROM_RUN)) {
        continue; // added below
      }
      Column c =
          switch (n) {
            case InventorySchema.PATH,
                InventorySchema.LENGTH,
                InventorySchema.MODIFICATION_TIME,
                InventorySchema.SHA256,
                InventorySchema.STATUS,
                InventorySchema.ERROR ->
                col(n);
            case AuditSchema.FLAGGED ->
                when(col("earlier." + AuditSchema.SCORE).isNull(), lit(null))
                    .otherwise(col("earlier." + AuditSchema.SCORE).geq(lit(settings.threshold())));
            case AuditSchema.LABEL -> label().apply(col(InventorySchema.PATH));
            case AuditSchema.SKIPPED -> lit(false);
            default -> col("earlier." + n);
          };
      out.add(c.cast(f.dataType()).as(n));
    }
    out.add(
        coalesce(
                col("earlier." + AuditSchema.SCORES_FROM_RUN), col("earlier." + AuditSchema.RUN_ID))
            .as(AuditSchema.SCORES_FROM_RUN));
    return joined.select(out.toArray(new Column[0]));
  }

  /** Files that could not be read: their inventory error rows, nothing scored. */
  private Dataset<Row> errors(Dataset<Row> unread) {
    List<Column> out = new ArrayList<>();
    for (StructField f :
        AuditScan.schema(
                settings.detectors().stream()
                    .map(com.synthscope.udfs.detect.ImageDetector::name)
                    .toList())
            .fields()) {
      String n = f.name();
      if (n.equals(AuditSchema.SCORES_FROM_RUN)) {
        continue; // added below
      }
      Column c =
          InventorySchema.SCHEMA.getFieldIndex(n).isDefined()
              ? col(n)
              : n.equals(AuditSchema.LABEL)
                  ? label().apply(col(InventorySchema.PATH))
                  : n.equals(AuditSchema.MODELS) ? runModels() : lit(null);
      out.add(c.cast(f.dataType()).as(n));
    }
    out.add(lit(null).cast(DataTypes.StringType).as(AuditSchema.SCORES_FROM_RUN));
    return unread.select(out.toArray(new Column[0]));
  }

  /** The run's models column, as the rows it scores carry it. */
  private Column runModels() {
    List<Column> kv = new ArrayList<>();
    settings
        .models()
        .forEach(
            (k, v) -> {
              kv.add(lit(k));
              kv.add(lit(v));
            });
    return functions.map(kv.toArray(new Column[0]));
  }

  private static org.apache.spark.sql.expressions.UserDefinedFunction label() {
    return functions.udf((UDF1<String, Integer>) AuditSchema::labelOf, DataTypes.IntegerType);
  }

  /** Join columns, as Spark's Java API takes them. */
  private static scala.collection.immutable.Seq<String> on(String... columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(columns)).toSeq();
  }
}
