package com.synthscope.udfs.spark;

import com.synthscope.udfs.spark.FileListing.Entry;
import com.synthscope.udfs.spark.FileListing.Frame;
import com.synthscope.udfs.spark.FileListing.Kind;
import com.synthscope.udfs.spark.FileListing.Lister;
import com.synthscope.udfs.spark.FileListing.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;

/**
 * {@link FileListing}'s rules at any size: the driver lists only the top of the tree, Spark tasks
 * list the rest, and the listing is a DataFrame built on the executors; nothing per file is held on
 * the driver beyond a fixed budget.
 *
 * <p><b>The driver's part.</b> The driver lists the input breadth first until it has listed {@value
 * #DEFAULT_DRIVER_FOLDERS} folders or {@value #DEFAULT_DRIVER_ENTRIES} entries ({@value
 * #DRIVER_FOLDERS}, {@value #DRIVER_ENTRIES}). Breadth first, because the folders left when the
 * budget is spent are then the sub-trees of one or two levels (a camera archive's days or cameras),
 * not one half-listed year beside a whole other one. A tree that ends within the budget (every
 * small input) is done there: its rows are a local DataFrame and its size is known without a Spark
 * job, unless it holds links to folders or one folder under two paths, which are settled as below.
 *
 * <p><b>The tasks' part.</b> The folders left are listed in Spark tasks (a few per core, each
 * walking whole sub-trees depth first), like Spark's own parallel listing past a threshold. Every
 * walk, the driver's and the tasks', is the same per-folder step ({@link FileListing.Lister}:
 * hidden names, the glob on names, {@code _COPYING_}, dangling links, special files, unreadable
 * folders) as {@link FileListing#list}; what differs is only who settles links and duplicates,
 * which needs to see the whole tree: a part sees only its own.
 *
 * <p><b>Links and duplicates, across parts.</b> Every folder a part lists becomes a record with its
 * identity (inode, or resolved path) and its <em>key</em> ({@link FileListing.Frame#key}: its names
 * from the input; a folder reached through a link: the link's key after the round's mark). The
 * sequential walk lists real folders depth first in name order and a link's folder only after
 * everything found before it, so of two paths to one folder it keeps the one with the smaller key:
 * here the same rule is applied to the records, so the result is the sequential walk's. Within a
 * part, a folder or link that leads to one of its own parents (the part knows the identities above
 * its root) is a {@value FileListing#SYMLINK_CYCLE} entry at once. After the parts:
 *
 * <ol>
 *   <li>one Spark job collects the folders listed under more than one path (rare: bind mounts, or
 *       links that raced) and this round's links to folders not listed at all (links out of the
 *       tree: rare); per folder, never per file;
 *   <li>of a folder listed twice, the record with the larger key loses: its rows and everything
 *       under it are dropped (a filter on the key's prefixes, shipped to the tasks), and the
 *       topmost such folder gets one {@value FileListing#SYMLINK_DUPLICATE} row;
 *   <li>a link to a folder that a part listed is a {@value FileListing#SYMLINK_DUPLICATE} row (a
 *       semi-join, on the executors); links to a folder listed nowhere are followed, the one with
 *       the smallest key per folder (the others are duplicates): their folders are the next round's
 *       parts, listed in tasks, and the steps repeat until no link is left to follow.
 * </ol>
 *
 * The totals (files and bytes) come from one aggregate of the result, not from a list. The walked
 * records are cached at the RDD level (recomputed from their lineage if an executor is lost; freed
 * by Spark's cleaner with the listing).
 */
public final class DistributedListing {

  /** Folders the driver lists before the rest goes to Spark tasks. */
  public static final String DRIVER_FOLDERS = "spark.synthscope.listing.driverFolders";

  public static final int DEFAULT_DRIVER_FOLDERS = 64;

  /** Entries the driver lists before the rest goes to Spark tasks. */
  public static final String DRIVER_ENTRIES = "spark.synthscope.listing.driverEntries";

  public static final int DEFAULT_DRIVER_ENTRIES = 10_000;

  /**
   * A listing.
   *
   * @param rows rows of {@link ImageIngestion#LISTING_SCHEMA}, one per entry
   * @param files the number of rows
   * @param bytes the sum of their lengths
   * @param tasks whether Spark tasks listed part of it (false: the driver listed it all)
   */
  public record Listed(Dataset<Row> rows, long files, long bytes, boolean tasks) {}

  static final int ENTRY = 0;
  static final int FOLDER = 1;
  static final int LINK = 2;

  /**
   * What a part of the walk finds: entries (key: the folder they were found in), folders listed and
   * links to folders not followed (key: their own). {@code chain}: for links and folders handed to
   * a task, the identities of the folders above them, outermost first, joined by {@link
   * FileListing#SEPARATOR}.
   */
  static final StructType RECORD =
      new StructType()
          .add("kind", DataTypes.IntegerType, false)
          .add("key", DataTypes.StringType, false)
          .add("identity", DataTypes.StringType, true)
          .add("path", DataTypes.StringType, false)
          .add("uri", DataTypes.StringType, false)
          .add("length", DataTypes.LongType, false)
          .add("modified", DataTypes.LongType, false)
          .add("error", DataTypes.StringType, true)
          .add("link", DataTypes.BooleanType, false)
          .add("chain", DataTypes.StringType, true);

  private DistributedListing() {}

  /**
   * The entries under {@code input} ({@link FileListing}'s rules), with the driver's budget from
   * the session ({@value #DRIVER_FOLDERS}, {@value #DRIVER_ENTRIES}).
   *
   * @throws FileListing.InputException when {@code input} does not exist or cannot be listed
   */
  public static Listed list(SparkSession spark, String input, String glob, boolean recursive) {
    return list(
        spark,
        input,
        glob,
        recursive,
        Integer.parseInt(spark.conf().get(DRIVER_FOLDERS, String.valueOf(DEFAULT_DRIVER_FOLDERS))),
        Integer.parseInt(spark.conf().get(DRIVER_ENTRIES, String.valueOf(DEFAULT_DRIVER_ENTRIES))));
  }

  static Listed list(
      SparkSession spark,
      String input,
      String glob,
      boolean recursive,
      int driverFolders,
      int driverEntries) {
    // the session's spark.hadoop.* settings too, as Spark's own file sources see them
    Configuration conf = spark.sessionState().newHadoopConf();
    Path p = new Path(input);
    try {
      FileSystem fs = p.getFileSystem(conf);
      Path qualified = fs.makeQualified(p);
      Records top = new Records();
      Lister lister = new Lister(FileListing.treeFor(fs, qualified), glob, recursive, top);
      Frame root = lister.start(qualified);
      Deque<Frame> pending = new ArrayDeque<>();
      if (root != null) {
        top.folder(root);
        FileListing.expand(lister, root, lister.listRoot(root), true, pending);
        FileListing.walkParts(
            lister,
            pending,
            true,
            () -> top.folders >= driverFolders || top.entries >= driverEntries);
      }
      if (pending.isEmpty() && top.links == 0 && !top.sharedFolder) {
        // small: all listed here, nothing to settle; its size needs no Spark job
        return new Listed(
            listing(
                spark
                    .createDataFrame(top.rows, RECORD)
                    .filter(functions.col("kind").equalTo(ENTRY))),
            top.entries,
            top.bytes,
            false);
      }
      List<Row> parts = new ArrayList<>();
      for (Frame f : pending) {
        parts.add(Records.frame(FOLDER, f, f.parent()));
      }
      return new Rounds(spark, HadoopConf.of(conf), glob, recursive, top).run(parts);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + input + ": " + e.getMessage(), e);
    }
  }

  /** Records as listing rows. */
  private static Dataset<Row> listing(Dataset<Row> records) {
    return records.select(
        functions.col("path").as(InventorySchema.PATH),
        functions.col("length").as(InventorySchema.LENGTH),
        functions.timestamp_millis(functions.col("modified")).as(InventorySchema.MODIFICATION_TIME),
        functions.col("error").as(InventorySchema.ERROR),
        functions.col("uri").as(ImageIngestion.URI));
  }

  /** The distributed walk: parts in tasks, then links and duplicates settled, round by round. */
  private static final class Rounds {
    private final SparkSession spark;
    private final HadoopConf conf;
    private final String glob;
    private final boolean recursive;
    private final LongAccumulator links;
    private final boolean linksOnDriver;
    private Dataset<Row> records;

    /** Keys of the links already settled on the driver (followed, or duplicates of those). */
    private final List<String> settled = new ArrayList<>();

    /** Rows made on the driver: links not followed because another link to it was. */
    private final List<Entry> notFollowed = new ArrayList<>();

    /** The folders listed under more than one path (all rounds so far), by key. */
    private List<Row> shared = List.of();

    Rounds(SparkSession spark, HadoopConf conf, String glob, boolean recursive, Records top) {
      this.spark = spark;
      this.conf = conf;
      this.glob = glob;
      this.recursive = recursive;
      this.links = spark.sparkContext().longAccumulator("listing: links to folders");
      this.linksOnDriver = top.links > 0;
      this.records = spark.createDataFrame(top.rows, RECORD);
    }

    Listed run(List<Row> parts) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      boolean tasks = false;
      for (int round = 0; ; round++) {
        if (!parts.isEmpty()) {
          tasks = true;
          // a few parts per core: sub-trees differ in size, and a task per part costs little
          int slices =
              Math.max(1, Math.min(parts.size(), 4 * spark.sparkContext().defaultParallelism()));
          JavaRDD<Row> walked =
              jsc.parallelize(parts, slices)
                  .flatMap(new WalkPart(conf, glob, recursive, links))
                  .persist(StorageLevel.MEMORY_AND_DISK());
          records = records.unionAll(spark.createDataFrame(walked, RECORD));
        }
        parts = settle(round);
        if (parts.isEmpty()) {
          break;
        }
      }
      Set<String> losers = losers();
      Dataset<Row> rows = records.filter(functions.col("kind").equalTo(ENTRY));
      if (linksOnDriver || links.value() > 0) {
        Dataset<Row> open = records.filter(functions.col("kind").equalTo(LINK));
        if (!settled.isEmpty()) {
          Dataset<Row> done =
              spark.createDataset(settled, org.apache.spark.sql.Encoders.STRING()).toDF("settled");
          open =
              open.join(
                  functions.broadcast(done),
                  open.col("key").equalTo(done.col("settled")),
                  "left_anti");
        }
        // a link to a folder that a part listed: never followed (it was not a parent of the link's,
        // or the part would have said symlink_cycle)
        Dataset<Row> ids = folders().select(functions.col("identity").as("listed_identity"));
        Dataset<Row> duplicates =
            open.join(ids, open.col("identity").equalTo(ids.col("listed_identity")), "left_semi")
                .withColumn("error", functions.lit(Lister.notFollowedError(true, false)));
        rows = rows.unionAll(duplicates);
      }
      if (!losers.isEmpty()) {
        HashSet<String> dropped = new HashSet<>(losers);
        rows = rows.filter((FilterFunction<Row>) r -> !under(r.getString(1), dropped));
      }
      List<Row> driverRows = new ArrayList<>();
      for (Entry e : notFollowed) {
        driverRows.add(Records.entryRow(e.path(), e));
      }
      for (Row r : shared) {
        if (losers.contains(r.getString(1)) && !underAnother(r.getString(1), losers)) {
          // the topmost folder of what is dropped: one row, as the sequential walk gives it
          driverRows.add(Records.entryRow(r.getString(1), Lister.notFollowed(node(r), false)));
        }
      }
      Dataset<Row> all = listing(rows.unionAll(spark.createDataFrame(driverRows, RECORD)));
      Row size =
          all.agg(functions.count("*"), functions.sum(functions.col(InventorySchema.LENGTH)))
              .first();
      return new Listed(all, size.getLong(0), size.isNullAt(1) ? 0 : size.getLong(1), tasks);
    }

    private Dataset<Row> folders() {
      return records.filter(functions.col("kind").equalTo(FOLDER));
    }

    /**
     * One job: the folders listed under more than one path and this round's links to folders that
     * no part listed. Returns the next round's parts: the links to follow.
     */
    private List<Row> settle(int round) {
      Dataset<Row> folders = folders();
      Dataset<Row> twice =
          folders
              .groupBy(functions.col("identity").as("twice"))
              .count()
              .filter(functions.col("count").gt(1))
              .select("twice");
      Dataset<Row> sharedNow =
          folders.join(twice, folders.col("identity").equalTo(twice.col("twice")), "left_semi");
      Dataset<Row> ids = folders.select(functions.col("identity").as("listed_identity"));
      Column thisRound =
          functions
              .col("kind")
              .equalTo(LINK)
              .and(functions.substring(functions.col("key"), 1, 1).equalTo(mark(round)));
      Dataset<Row> linksNow = records.filter(thisRound);
      Dataset<Row> outward =
          linksNow.join(
              ids, linksNow.col("identity").equalTo(ids.col("listed_identity")), "left_anti");
      List<Row> found = sharedNow.unionAll(outward).collectAsList();
      shared = new ArrayList<>();
      List<Row> out = new ArrayList<>();
      for (Row r : found) {
        (r.getInt(0) == FOLDER ? shared : out).add(r);
      }
      Set<String> losers = losers();
      // per folder, the link with the smallest key is followed: the sequential walk takes links in
      // the order they were found, which is key order
      Map<String, Row> follow = new LinkedHashMap<>();
      out.sort((a, b) -> FileListing.CODE_POINT_ORDER.compare(a.getString(1), b.getString(1)));
      for (Row link : out) {
        settled.add(link.getString(1));
        if (under(link.getString(1), losers)) {
          continue; // found in a folder that is dropped
        }
        if (follow.putIfAbsent(link.getString(2), link) != null) {
          notFollowed.add(Lister.notFollowed(node(link), false));
        }
      }
      List<Row> parts = new ArrayList<>();
      for (Row link : follow.values()) {
        parts.add(
            RowFactory.create(
                FOLDER,
                mark(round + 1) + link.getString(1),
                link.getString(2),
                link.getString(3),
                link.getString(4),
                0L,
                link.getLong(6),
                null,
                true,
                link.getString(9)));
      }
      return parts;
    }

    /** Keys of the folders listed under a path other than the one kept (smallest key). */
    private Set<String> losers() {
      Map<String, String> kept = new HashMap<>();
      for (Row r : shared) {
        kept.merge(
            r.getString(2),
            r.getString(1),
            (a, b) -> FileListing.CODE_POINT_ORDER.compare(a, b) <= 0 ? a : b);
      }
      Set<String> losers = new HashSet<>();
      for (Row r : shared) {
        if (!kept.get(r.getString(2)).equals(r.getString(1))) {
          losers.add(r.getString(1));
        }
      }
      return losers;
    }
  }

  /** The mark a round's keys start with (the input's round: {@link FileListing#ROOT_KEY}). */
  static String mark(int round) {
    return String.valueOf((char) (round + 1));
  }

  /** Whether {@code key} is one of {@code folders} or lies under one. */
  static boolean under(String key, Set<String> folders) {
    if (folders.isEmpty()) {
      return false;
    }
    if (folders.contains(key)) {
      return true;
    }
    return underAnother(key, folders);
  }

  /** Whether {@code key} lies under one of {@code folders} (not counting itself). */
  static boolean underAnother(String key, Set<String> folders) {
    for (int i = key.indexOf(FileListing.SEPARATOR);
        i >= 0;
        i = key.indexOf(FileListing.SEPARATOR, i + 1)) {
      if (folders.contains(key.substring(0, i))) {
        return true;
      }
    }
    return false;
  }

  /** A folder or link record as the walk's node (a folder: links are followed as folders). */
  private static Node node(Row r) {
    Path path = new Path(URI.create(r.getString(4)));
    return new Node(
        path, path.getName(), Kind.FOLDER, r.getBoolean(8), 0, r.getLong(6), r.getString(2), null);
  }

  /** Collects a part's findings as {@link #RECORD} rows; counts for the driver's budget. */
  static final class Records implements FileListing.Sink {
    final List<Row> rows = new ArrayList<>();
    final Set<String> identities = new HashSet<>();
    int entries;
    int folders;
    int links;
    long bytes;
    boolean sharedFolder;

    @Override
    public void entry(String folderKey, Entry e) {
      rows.add(entryRow(folderKey, e));
      entries++;
      bytes += e.length();
    }

    @Override
    public void folder(Frame f) {
      rows.add(frame(FOLDER, f, null));
      folders++;
      sharedFolder |= !identities.add(f.folder().identity());
    }

    @Override
    public void link(Frame l) {
      rows.add(frame(LINK, l, l.parent()));
      links++;
    }

    static Row entryRow(String folderKey, Entry e) {
      return RowFactory.create(
          ENTRY,
          folderKey,
          null,
          e.path(),
          e.uri(),
          e.length(),
          e.modificationTime(),
          e.error(),
          false,
          null);
    }

    /** A folder or link; {@code above}: the folder it was found in, for its chain of parents. */
    static Row frame(int kind, Frame f, Frame above) {
      Node n = f.folder();
      return RowFactory.create(
          kind,
          f.key(),
          n.identity(),
          n.path().toString(),
          n.path().toUri().toString(),
          0L,
          n.modified(),
          null,
          n.link(),
          above == null ? null : String.join(String.valueOf(FileListing.SEPARATOR), above.chain()));
    }
  }

  /** A task: walks its parts' sub-trees depth first ({@link FileListing#walkParts}). */
  private static final class WalkPart implements FlatMapFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final HadoopConf conf;
    private final String glob;
    private final boolean recursive;
    private final LongAccumulator links;

    WalkPart(HadoopConf conf, String glob, boolean recursive, LongAccumulator links) {
      this.conf = conf;
      this.glob = glob;
      this.recursive = recursive;
      this.links = links;
    }

    @Override
    public Iterator<Row> call(Row part) throws IOException {
      Node n = node(part);
      String chain = part.getString(9);
      Frame above =
          chain == null
              ? null
              : Frame.ancestors(
                  Arrays.asList(chain.split(String.valueOf(FileListing.SEPARATOR), -1)));
      Frame root = new Frame(n, part.getString(1), above);
      FileSystem fs = n.path().getFileSystem(conf.get());
      Records out = new Records();
      Deque<Frame> pending = new ArrayDeque<>();
      pending.push(root);
      FileListing.walkParts(
          new Lister(FileListing.treeFor(fs, n.path()), glob, recursive, out),
          pending,
          false,
          () -> false);
      links.add(out.links);
      return out.rows.iterator();
    }
  }
}
