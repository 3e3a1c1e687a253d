package com.synthscope.udfs.spark;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Files on any Hadoop filesystem to the inventory table: {@link DistributedListing} lists them
 * (path, length, modification time: no content; the driver lists the top of the tree, Spark tasks
 * the rest), each partition reads its files' bytes ({@link FileContent}) and decodes them. A file
 * that cannot be listed, read or decoded becomes an error row; nothing here fails the job for one
 * file. The audit job starts from this too.
 */
public final class ImageIngestion {

  /**
   * The listing's column with the encoded URI a file is opened with ({@link
   * FileListing.Entry#uri}).
   */
  public static final String URI = "uri";

  /** The listing as a table, for jobs that join it against earlier results: no content is read. */
  public static final StructType LISTING_SCHEMA =
      new StructType()
          .add(InventorySchema.PATH, DataTypes.StringType, false)
          .add(InventorySchema.LENGTH, DataTypes.LongType, false)
          .add(InventorySchema.MODIFICATION_TIME, DataTypes.TimestampType, true)
          .add(InventorySchema.ERROR, DataTypes.StringType, true)
          .add(URI, DataTypes.StringType, false);

  /**
   * The rows a decode function gets: those of Spark's {@code binaryFile} source, which it replaces.
   */
  static final StructType FILE_SCHEMA =
      new StructType()
          .add("path", DataTypes.StringType, false)
          .add("modificationTime", DataTypes.TimestampType, true)
          .add("length", DataTypes.LongType, false)
          .add("content", DataTypes.BinaryType, true);

  private ImageIngestion() {}

  /**
   * The entries under the input (see {@link FileListing} for the rules) as a DataFrame of {@link
   * #LISTING_SCHEMA}, with its size: the driver lists the top of the tree, Spark tasks the rest
   * ({@link DistributedListing}); nothing per file is kept on the driver.
   */
  public static DistributedListing.Listed listed(SparkSession spark, IngestOptions options) {
    return DistributedListing.list(spark, options.input(), options.glob(), options.recursive());
  }

  /** {@link #listed}'s rows: the listing as a DataFrame of {@link #LISTING_SCHEMA}. */
  public static Dataset<Row> listing(SparkSession spark, IngestOptions options) {
    return listed(spark, options).rows();
  }

  /** The inventory of the input, lazily: nothing is read until the caller writes or counts it. */
  public static Dataset<Row> inventory(SparkSession spark, IngestOptions options) {
    return perFile(
        spark,
        options,
        new DecodePartition(options.limits(), InjectedTaskFailure.from(spark)),
        InventorySchema.SCHEMA);
  }

  /**
   * One row per listed entry, for jobs that do more with each file than the inventory (the audit
   * decodes and scores in one pass, so every file is read once). The input is listed now ({@link
   * #listed}); {@code decode} gets the files that could be read as {@code binaryFile}-like rows
   * ({@code path}, {@code modificationTime}, {@code length}, {@code content}) and must return rows
   * of {@code schema}. Entries that could not be listed or read (too large, unreadable, vanished,
   * dangling links ...) come as inventory error rows, their other columns null. {@code schema} must
   * start with the inventory columns.
   */
  public static Dataset<Row> perFile(
      SparkSession spark,
      IngestOptions options,
      MapPartitionsFunction<Row, Row> decode,
      StructType schema) {
    int extra = checkSchema(schema);
    DistributedListing.Listed listed = listed(spark, options);
    int partitions =
        partitions(spark, (int) Math.min(listed.files(), Integer.MAX_VALUE), listed.bytes());
    return read(
        spark,
        hadoopConf(spark),
        readRows(listed.rows()).repartition(partitions).javaRDD(),
        options,
        decode,
        schema,
        extra);
  }

  /**
   * As {@link #perFile(SparkSession, IngestOptions, MapPartitionsFunction, StructType)}, for the
   * entries of a listing the caller has already narrowed (rows of {@link #LISTING_SCHEMA}, e.g. a
   * nightly run's new and changed files after an anti-join against its table): only these are read,
   * in the listing's partitions.
   */
  public static Dataset<Row> perListed(
      SparkSession spark,
      Dataset<Row> listing,
      IngestOptions options,
      MapPartitionsFunction<Row, Row> decode,
      StructType schema) {
    int extra = checkSchema(schema);
    return read(
        spark, hadoopConf(spark), readRows(listing).javaRDD(), options, decode, schema, extra);
  }

  /** Listing rows as {@link ReadPartition} takes them: path, uri, length, time in ms, error. */
  private static Dataset<Row> readRows(Dataset<Row> listing) {
    return listing.select(
        functions.col(InventorySchema.PATH),
        functions.col(URI),
        functions.col(InventorySchema.LENGTH),
        functions.coalesce(
            functions.expr("unix_millis(" + InventorySchema.MODIFICATION_TIME + ")"),
            functions.lit(0L)),
        functions.col(InventorySchema.ERROR));
  }

  private static int checkSchema(StructType schema) {
    int extra = schema.size() - InventorySchema.SCHEMA.size();
    if (extra < 0
        || !Arrays.asList(schema.fieldNames())
            .subList(0, InventorySchema.SCHEMA.size())
            .equals(Arrays.asList(InventorySchema.SCHEMA.fieldNames()))) {
      throw new IllegalArgumentException(
          "schema must start with the inventory columns: " + schema.simpleString());
    }
    return extra;
  }

  /**
   * {@code listed}: rows (path, uri, length, modification time in ms, error), one task per
   * partition.
   */
  private static Dataset<Row> read(
      SparkSession spark,
      Configuration hadoop,
      JavaRDD<Row> listed,
      IngestOptions options,
      MapPartitionsFunction<Row, Row> decode,
      StructType schema,
      int extra) {
    HadoopConf conf = HadoopConf.of(hadoop);
    boolean java8 = java8Time(spark);
    long maxFileBytes = options.limits().maxFileBytes();
    FlatMapFunction<Iterator<Row>, Row> read =
        files -> new ReadPartition(files, conf, maxFileBytes, java8, extra).decodeWith(decode);
    return spark.createDataFrame(listed.mapPartitions(read), schema);
  }

  /**
   * As many partitions as cores, more when the bytes call for it (Spark's 128 MiB per partition),
   * never empty.
   */
  public static int partitions(SparkSession spark, int files, long bytes) {
    long perPartition = Math.max(1, spark.sessionState().conf().filesMaxPartitionBytes());
    long byBytes = (bytes + perPartition - 1) / perPartition;
    long n = Math.max(spark.sparkContext().defaultParallelism(), byBytes);
    return (int) Math.max(1, Math.min(files, Math.min(n, 100_000)));
  }

  /** Tasks per core a scoring-bound scan is cut into (see {@link #scoringPartitions}). */
  public static final int SCORING_TASKS_PER_CORE = 4;

  /**
   * Partitions for a scan whose time goes into decoding and scoring, not reading: {@link
   * #partitions}' bound of 128 MiB of content per partition (so a partition's files never hold more
   * than that in memory), but at least {@value #SCORING_TASKS_PER_CORE} per core. By bytes alone,
   * 100 000 images of 3 KB were 3 partitions on 2 cores: two tasks of a third of the archive each,
   * then the third alone with one core idle for a third of the night. With several equal tasks per
   * core the last wave is short. Never more partitions than files.
   */
  public static int scoringPartitions(SparkSession spark, int files, long bytes) {
    long perCore = (long) SCORING_TASKS_PER_CORE * spark.sparkContext().defaultParallelism();
    long n = Math.max(partitions(spark, files, bytes), Math.min(perCore, 100_000));
    return (int) Math.max(1, Math.min(files, n));
  }

  private static Configuration hadoopConf(SparkSession spark) {
    // the session's spark.hadoop.* settings too, as Spark's own file sources see them
    return spark.sessionState().newHadoopConf();
  }

  private static boolean java8Time(SparkSession spark) {
    return Boolean.parseBoolean(spark.conf().get("spark.sql.datetime.java8API.enabled", "false"));
  }

  private static Object time(long millis, boolean java8) {
    return java8 ? Instant.ofEpochMilli(millis) : new Timestamp(millis);
  }

  /**
   * One partition: reads its files lazily, as the decode function asks for them, hands the readable
   * ones on and keeps error rows for the others, which follow the decoded rows.
   */
  private static final class ReadPartition {
    private final Iterator<Row> listed;
    private final HadoopConf conf;
    private final long maxFileBytes;
    private final boolean java8;
    private final int extra;
    private final List<Row> errors = new ArrayList<>();

    ReadPartition(
        Iterator<Row> listed, HadoopConf conf, long maxFileBytes, boolean java8, int extra) {
      this.listed = listed;
      this.conf = conf;
      this.maxFileBytes = maxFileBytes;
      this.java8 = java8;
      this.extra = extra;
    }

    Iterator<Row> decodeWith(MapPartitionsFunction<Row, Row> decode) throws Exception {
      Iterator<Row> decoded = decode.call(readable());
      return new Iterator<>() {
        private int nextError;

        @Override
        public boolean hasNext() {
          // the errors are all known once the decoder has taken every readable file
          return decoded.hasNext() || nextError < errors.size();
        }

        @Override
        public Row next() {
          if (decoded.hasNext()) {
            return decoded.next();
          }
          if (nextError < errors.size()) {
            return errors.get(nextError++);
          }
          throw new NoSuchElementException();
        }
      };
    }

    private Iterator<Row> readable() {
      return new Iterator<>() {
        private Row next;

        @Override
        public boolean hasNext() {
          while (next == null && listed.hasNext()) {
            Row r = listed.next();
            FileListing.Entry e =
                new FileListing.Entry(
                    r.getString(0),
                    r.getString(1),
                    r.getLong(2),
                    r.getLong(3),
                    r.isNullAt(4) ? null : r.getString(4));
            FileContent.Read read = FileContent.read(conf.get(), e, maxFileBytes);
            Object modified = time(e.modificationTime(), java8);
            if (read.error() != null) {
              errors.add(errorRow(e, modified, read.error()));
            } else {
              next =
                  new GenericRowWithSchema(
                      new Object[] {
                        e.path(), modified, (long) read.content().length, read.content()
                      },
                      FILE_SCHEMA);
            }
          }
          return next != null;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row r = next;
          next = null;
          return r;
        }
      };
    }

    private Row errorRow(FileListing.Entry e, Object modified, String error) {
      Object[] values = new Object[InventorySchema.SCHEMA.size() + extra];
      values[0] = e.path();
      values[1] = e.length();
      values[2] = modified;
      values[InventorySchema.SCHEMA.fieldIndex(InventorySchema.STATUS)] =
          InventorySchema.STATUS_ERROR;
      values[InventorySchema.SCHEMA.fieldIndex(InventorySchema.ERROR)] = error;
      return RowFactory.create(values);
    }
  }
}
