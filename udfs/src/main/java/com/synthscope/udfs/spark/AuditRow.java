package com.synthscope.udfs.spark;

import com.synthscope.udfs.detect.ImageScore;
import com.synthscope.udfs.detect.LogisticFusion;
import com.synthscope.udfs.detect.ScoreFusion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row of the audit's scan, built here and nowhere else: a file's inventory columns, each
 * detector's score, the fused {@code score}, {@code flagged}, the run's {@code models}, the path's
 * {@code label}, how the image was scored, and whether an earlier run had scored the same bytes.
 * Its layout is {@link #schema}: the table's file columns ({@link AuditSchema#fileSchema}) plus
 * {@value AuditSchema#SKIPPED}.
 *
 * @param inventory the {@link InventorySchema} columns, as {@code DecodePartition.inventoryRow}
 *     builds them
 * @param scores probability by detector name; absent for detectors that did not score the image
 * @param skipped false: read by this run; null: refused unread (copies of earlier scores are made
 *     by the job's join against the table, in its own rows)
 */
public record AuditRow(
    Row inventory,
    Map<String, Double> scores,
    Double score,
    Boolean flagged,
    Map<String, String> models,
    Integer label,
    Scoring scoring,
    Boolean skipped) {

  public AuditRow {
    Objects.requireNonNull(inventory, "inventory");
    scores = scores == null ? Map.of() : scores;
    scoring = scoring == null ? Scoring.NONE : scoring;
  }

  /**
   * How the image was scored, over the detectors that scored it: the most tiles and tiles left out,
   * the highest tile probability, whether any scored it whole or found it outside its domain, the
   * first tile map.
   */
  public record Scoring(
      Integer tiles,
      Double maxTileScore,
      Integer tilesLeftOut,
      Boolean scoredWhole,
      Boolean outOfDomain,
      String tileMap) {

    static final Scoring NONE = new Scoring(null, null, null, null, null, null);

    static Scoring of(List<ImageScore> own) {
      if (own.isEmpty()) {
        return NONE;
      }
      List<Boolean> ood =
          own.stream().map(ImageScore::outOfDomain).filter(Objects::nonNull).toList();
      return new Scoring(
          own.stream().mapToInt(ImageScore::tiles).max().orElseThrow(),
          own.stream()
              .map(ImageScore::maxTile)
              .filter(Objects::nonNull)
              .max(Double::compare)
              .orElse(null),
          own.stream().mapToInt(ImageScore::tilesLeftOut).max().orElseThrow(),
          own.stream().anyMatch(ImageScore::wholeImage),
          ood.isEmpty() ? null : ood.contains(Boolean.TRUE),
          own.stream().map(ImageScore::tileMap).filter(Objects::nonNull).findFirst().orElse(null));
    }
  }

  /** The scan's layout: the table's file columns, then {@value AuditSchema#SKIPPED}. */
  public static StructType schema(List<String> detectors) {
    return AuditSchema.fileSchema(detectors).add(AuditSchema.SKIPPED, DataTypes.BooleanType, true);
  }

  /**
   * A file the run decoded: scored by every detector when {@code own} is not null (one score per
   * detector, in {@code detectors} order), else an error row.
   */
  public static AuditRow decoded(
      Row inventory,
      List<String> detectors,
      List<ImageScore> own,
      LogisticFusion fusion,
      double threshold,
      Map<String, String> models) {
    if (own == null) {
      return new AuditRow(inventory, null, null, null, models, labelOf(inventory), null, false);
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    for (int k = 0; k < detectors.size(); k++) {
      scores.put(detectors.get(k), own.get(k).probability());
    }
    Double fused = ScoreFusion.fuse(fusion, detectors, own);
    return new AuditRow(
        inventory,
        scores,
        fused,
        ScoreFusion.flagged(fused, threshold),
        models,
        labelOf(inventory),
        Scoring.of(own),
        false);
  }

  /**
   * A listed entry that could not be read (too large, unreadable, vanished): its inventory error
   * columns only.
   */
  public static AuditRow unread(Row scanRow, Map<String, String> models) {
    Object[] v = new Object[InventorySchema.SCHEMA.size()];
    for (int c = 0; c < v.length; c++) {
      v[c] = scanRow.get(c);
    }
    Row inventory = RowFactory.create(v);
    return new AuditRow(inventory, null, null, null, models, labelOf(inventory), null, null);
  }

  /** The row in {@link #schema}{@code (detectors)}'s layout. */
  public Row toRow(List<String> detectors) {
    List<Object> v = new ArrayList<>(InventorySchema.SCHEMA.size() + 12);
    for (int c = 0; c < InventorySchema.SCHEMA.size(); c++) {
      v.add(inventory.get(c));
    }
    for (String d : AuditSchema.scoredDetectors(detectors)) {
      v.add(scores.get(d));
    }
    v.add(score);
    v.add(flagged);
    v.add(models == null ? null : scala.jdk.javaapi.CollectionConverters.asScala(models));
    v.add(label);
    v.add(scoring.tiles());
    v.add(scoring.maxTileScore());
    v.add(scoring.tilesLeftOut());
    v.add(scoring.scoredWhole());
    v.add(scoring.outOfDomain());
    v.add(scoring.tileMap());
    v.add(null); // scores_from_run: rows this run scored or could not read carry no earlier run's
    // scores
    v.add(skipped);
    return RowFactory.create(v.toArray());
  }

  private static Integer labelOf(Row inventory) {
    return AuditSchema.labelOf(inventory.getString(0));
  }
}
