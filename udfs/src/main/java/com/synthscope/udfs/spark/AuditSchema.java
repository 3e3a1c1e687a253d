package com.synthscope.udfs.spark;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The audit-scores table of DESIGN.md: the inventory columns, one {@code <detector>_score} per
 * detector, the fused {@code score}, {@code flagged}, {@code models}, {@code label}, how each image
 * was scored ({@code tiles}, {@code max_tile_score}, {@code tiles_left_out}, {@code scored_whole},
 * {@code out_of_domain}, {@code tile_map}), {@code scores_from_run} (the run whose scores a copied
 * or moved file carries), and the partition columns {@code run_date} and {@code run_id}. {@code
 * dnf_score} and {@code nsnet_score} are always present (null where a detector did not run), so
 * runs with different detector selections read as one table.
 */
public final class AuditSchema {

  public static final String SCORE = "score";
  public static final String FLAGGED = "flagged";
  public static final String MODELS = "models";
  public static final String LABEL = "label";
  public static final String RUN_ID = "run_id";
  public static final String RUN_DATE = "run_date";

  /**
   * Tiles the image was scored from (NS-Net alone: patches selection chose from); 1 for a
   * whole-image score.
   */
  public static final String TILES = "tiles";

  /** The highest tile probability of the tiled detectors. */
  public static final String MAX_TILE_SCORE = "max_tile_score";

  /** Non-specimen (information band, borders) and blank area left out, in tiles. */
  public static final String TILES_LEFT_OUT = "tiles_left_out";

  /**
   * True when the image was smaller than one tile at the detectors' scale and scored once at its
   * own size.
   */
  public static final String SCORED_WHOLE = "scored_whole";

  /**
   * True when a detector's domain check put the image outside what it learned; null without a
   * check.
   */
  public static final String OUT_OF_DOMAIN = "out_of_domain";

  /** The tiled detector's tile heat map ({@code detect.ImageScore#tileMap}). */
  public static final String TILE_MAP = "tile_map";

  /**
   * The run whose scores a row carries when its bytes (sha256) were scored earlier with the same
   * models under another path (a copied or moved file); null on rows this run scored itself.
   */
  public static final String SCORES_FROM_RUN = "scores_from_run";

  /**
   * Scan-only column: the image was scored by an earlier run with the same models (never written).
   */
  public static final String SKIPPED = "skipped";

  /** The detectors whose score columns every audit table has. */
  public static final List<String> CONTRACT_DETECTORS = List.of("dnf", "nsnet");

  /**
   * Folder names that give an image its ground-truth label (the nearest one above the file wins).
   */
  public static final String REAL_FOLDER = "0_real";

  public static final String FAKE_FOLDER = "1_fake";

  private AuditSchema() {}

  /** The score column of a detector. */
  public static String scoreColumn(String detector) {
    return detector + "_score";
  }

  /** dnf, nsnet, then any other detector names, in order. */
  public static List<String> scoredDetectors(List<String> selected) {
    Set<String> all = new LinkedHashSet<>(CONTRACT_DETECTORS);
    all.addAll(selected);
    return List.copyOf(all);
  }

  /** The columns inside the data files: everything but the partition columns. */
  public static StructType fileSchema(List<String> detectors) {
    List<StructField> fields = new ArrayList<>(List.of(InventorySchema.SCHEMA.fields()));
    for (String d : scoredDetectors(detectors)) {
      fields.add(DataTypes.createStructField(scoreColumn(d), DataTypes.DoubleType, true));
    }
    fields.add(DataTypes.createStructField(SCORE, DataTypes.DoubleType, true));
    fields.add(DataTypes.createStructField(FLAGGED, DataTypes.BooleanType, true));
    fields.add(
        DataTypes.createStructField(
            MODELS, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true));
    fields.add(DataTypes.createStructField(LABEL, DataTypes.IntegerType, true));
    fields.addAll(scoringFields());
    fields.add(DataTypes.createStructField(SCORES_FROM_RUN, DataTypes.StringType, true));
    return DataTypes.createStructType(fields);
  }

  /** How each image was scored: after {@code label}, in this order. */
  public static List<StructField> scoringFields() {
    return List.of(
        DataTypes.createStructField(TILES, DataTypes.IntegerType, true),
        DataTypes.createStructField(MAX_TILE_SCORE, DataTypes.DoubleType, true),
        DataTypes.createStructField(TILES_LEFT_OUT, DataTypes.IntegerType, true),
        DataTypes.createStructField(SCORED_WHOLE, DataTypes.BooleanType, true),
        DataTypes.createStructField(OUT_OF_DOMAIN, DataTypes.BooleanType, true),
        DataTypes.createStructField(TILE_MAP, DataTypes.StringType, true));
  }

  /** The table as readers see it: the file columns plus {@code run_id} and {@code run_date}. */
  public static StructType tableSchema(List<String> detectors) {
    return fileSchema(detectors)
        .add(RUN_ID, DataTypes.StringType, false)
        .add(RUN_DATE, DataTypes.DateType, false);
  }

  /**
   * The label a path's folders give: 0 under a {@code 0_real} folder, 1 under {@code 1_fake}, the
   * nearest such folder above the file deciding; null otherwise. The file name itself never counts.
   */
  public static Integer labelOf(String path) {
    if (path == null) {
      return null;
    }
    String[] parts = path.split("/");
    for (int i = parts.length - 2; i >= 0; i--) {
      if (parts[i].equals(REAL_FOLDER)) {
        return 0;
      }
      if (parts[i].equals(FAKE_FOLDER)) {
        return 1;
      }
    }
    return null;
  }
}
