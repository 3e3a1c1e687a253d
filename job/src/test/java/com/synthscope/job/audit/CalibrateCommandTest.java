package com.synthscope.job.audit;

import static com.synthscope.job.JobTestSupport.concat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.synthscope.job.JobTestSupport;
import com.synthscope.job.JobTestSupport.Result;
import com.synthscope.udfs.detect.ImageScore;
import com.synthscope.udfs.detect.ScoringOptions;
import com.synthscope.udfs.spark.AuditSchema;
import com.synthscope.udfs.testing.SharedSpark;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * calibrate fits operating points and a domain summary that audit then uses, with the embedded
 * detectors.
 */
class CalibrateCommandTest {

  @TempDir Path tmp;

  @Test
  void generatedImagesAloneAreEvaluatedAndDumpedButNotCalibratedOn() throws Exception {
    Path data = tmp.resolve("fakes-only");
    Random rng = new Random(5);
    for (int i = 0; i < 3; i++) {
      BufferedImage f = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          f.getRaster().setSample(x, y, 0, 40 + rng.nextInt(150));
        }
      }
      JobTestSupport.png(data.resolve("noise/1_fake/f" + i + ".png"), f);
    }
    Path dump = tmp.resolve("fakes.csv");
    Result e =
        JobTestSupport.cli(
            "calibrate",
            "--evaluate",
            "--detectors",
            "dnf",
            "--data",
            data.toString(),
            "--dump",
            dump.toString());
    assertEquals(0, e.code(), e.err() + e.out());
    JsonObject all =
        e.lastLineJson()
            .getAsJsonObject("evaluation")
            .getAsJsonObject("dnf")
            .getAsJsonObject("all");
    assertEquals(0, all.get("real").getAsInt());
    assertEquals(3, all.get("fake").getAsInt());
    assertTrue(
        !all.has("fpr") || all.get("fpr").isJsonNull(),
        "no real image, no false-positive rate: " + all);
    double tpr = all.get("tpr").getAsDouble();
    assertTrue(tpr >= 0 && tpr <= 1, all.toString());
    List<String> rows = Files.readAllLines(dump);
    assertEquals(1 + 3, rows.size(), "header and one row per image: " + rows);
    assertTrue(rows.stream().skip(1).allMatch(r -> r.contains(",noise,1,dnf,")), rows.toString());

    Result c =
        JobTestSupport.cli(
            "calibrate",
            "--detectors",
            "dnf",
            "--data",
            data.toString(),
            "--out",
            tmp.resolve("cal").toString());
    assertEquals(2, c.code(), c.out());
    assertTrue(c.err().contains("has no decodable real images"), c.err());
    assertFalse(Files.exists(tmp.resolve("cal/synthscope-fusion.json")), "nothing written");
  }

  @Test
  void calibratedArtifactsSetTheAuditsOperatingPointAndFlagOutOfDomainImages() throws Exception {
    Path data = tmp.resolve("held-out");
    Path real = Files.createDirectories(data.resolve("real/0_real"));
    Path metaldam = SharedSpark.metalDam().resolve("images/micrograph1.jpg"); // validation split
    Files.copy(metaldam, real.resolve("micrograph1.jpg")); // whole, with its information band
    BufferedImage whole = ImageIO.read(metaldam.toFile());
    for (int i = 0; i < 4; i++) {
      ImageIO.write(
          whole.getSubimage(128 * i, 100 + 64 * i, 128, 128),
          "png",
          real.resolve("crop" + i + ".png").toFile());
    }
    Random rng = new Random(3);
    for (int i = 0; i < 6; i++) {
      BufferedImage f = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_GRAY);
      for (int y = 0; y < 32; y++) {
        for (int x = 0; x < 32; x++) {
          f.getRaster()
              .setSample(x, y, 0, 60 + (int) (40 * Math.sin((x + i) / 3.0)) + rng.nextInt(60));
        }
      }
      JobTestSupport.png(data.resolve("noise/1_fake/f" + i + ".png"), f);
    }
    Path cal = tmp.resolve("cal");
    Path dump = tmp.resolve("scores.csv");
    Result c =
        JobTestSupport.cli(
            "calibrate",
            "--data",
            data.toString(),
            "--out",
            cal.toString(),
            "--target-fpr",
            "0.01",
            "--dump",
            dump.toString());
    assertEquals(0, c.code(), c.err() + c.out());
    JsonObject calibrated = c.lastLineJson().getAsJsonObject("calibrated");
    assertTrue(
        calibrated.has("dnf") && calibrated.has("nsnet") && calibrated.has("fused"),
        calibrated.toString());
    assertEquals(
        0.0,
        calibrated.getAsJsonObject("fused").get("fpr").getAsDouble(),
        0.0,
        "5 real: none above");
    String head = Files.readString(cal.resolve("nsnet-head/synthscope-model.json"));
    assertTrue(
        head.contains("\"calibration\"")
            && head.contains("\"domain\"")
            && head.contains("\"contract\""));
    assertTrue(Files.isRegularFile(cal.resolve("synthscope-fusion.json")));

    // the same fit again from the dumped scores alone: no image scored, the same operating points
    // and fusion
    Path refit = tmp.resolve("refit");
    Result re =
        JobTestSupport.cli(
            "calibrate",
            "--scores",
            dump.toString(),
            "--out",
            refit.toString(),
            "--target-fpr",
            "0.01");
    assertEquals(0, re.code(), re.err() + re.out());
    assertTrue(re.out().contains("read the scores of 11 images (5 real)"), re.out());
    JsonObject again = re.lastLineJson().getAsJsonObject("calibrated");
    for (String k : List.of("dnf", "nsnet", "fused")) {
      assertEquals(
          calibrated.getAsJsonObject(k).get("threshold"),
          again.getAsJsonObject(k).get("threshold"),
          k);
      assertEquals(
          calibrated.getAsJsonObject(k).get("tpr"), again.getAsJsonObject(k).get("tpr"), k);
    }
    assertEquals(
        calibrated.getAsJsonObject("fused").get("rule"),
        again.getAsJsonObject("fused").get("rule"));
    // scores of other models are refused, not silently calibrated on
    Path other = tmp.resolve("other.csv");
    Files.write(
        other,
        Files.readAllLines(dump).stream()
            .map(
                l ->
                    l.split(",", -1)[3].equals("dnf")
                        ? l.substring(0, l.lastIndexOf(',') + 1) + "dnf-other@0"
                        : l)
            .toList());
    Result o = JobTestSupport.cli("calibrate", "--scores", other.toString(), "--evaluate");
    assertEquals(2, o.code(), o.out());
    assertTrue(o.err().contains("the dnf scores come from dnf-other@0"), o.err());
    // two dumps naming the same weights under two manifests (a model before and after calibrate)
    // are read together, with the warning; two models' scores are not
    Path remanifested = tmp.resolve("remanifested.csv");
    Files.write(
        remanifested,
        Files.readAllLines(dump).stream().map(l -> l.replaceAll("@[0-9a-f]+", "@abc123")).toList());
    Result both =
        JobTestSupport.cli(
            "calibrate",
            "--scores",
            dump.toString(),
            "--scores",
            remanifested.toString(),
            "--evaluate");
    assertEquals(0, both.code(), both.err() + both.out());
    assertTrue(both.out().contains("only in their manifests"), both.out());
    Result mixed =
        JobTestSupport.cli(
            "calibrate", "--scores", dump.toString(), "--scores", other.toString(), "--evaluate");
    assertEquals(2, mixed.code(), mixed.out());
    assertTrue(mixed.err().contains("dnf scores of two models"), mixed.err());
    // the calibrated copies (same weights, new manifests) evaluate on the dump of the models they
    // came from
    Result copies =
        JobTestSupport.cli(
            "calibrate",
            "--scores",
            dump.toString(),
            "--evaluate",
            "--model",
            "dnf.classifier=" + cal.resolve("dnf-classifier"),
            "--model",
            "nsnet.head=" + cal.resolve("nsnet-head"),
            "--fusion",
            cal.resolve("synthscope-fusion.json").toString());
    assertEquals(0, copies.code(), copies.err() + copies.out());
    assertTrue(
        copies.out().contains("differ from") && copies.out().contains("only in their manifests"),
        copies.out());
    assertEquals(
        0.0,
        copies
            .lastLineJson()
            .getAsJsonObject("evaluation")
            .getAsJsonObject("fused")
            .getAsJsonObject("all")
            .get("fpr")
            .getAsDouble(),
        0.0);

    // the audit of the same images with the calibrated models: their operating point, no real image
    // flagged
    Path out = tmp.resolve("audit");
    String[] models = {
      "--model",
      "dnf.classifier=" + cal.resolve("dnf-classifier"),
      "--model",
      "nsnet.head=" + cal.resolve("nsnet-head"),
      "--fusion",
      cal.resolve("synthscope-fusion.json").toString()
    };
    Result a =
        JobTestSupport.cli(
            concat(
                new String[] {
                  "audit",
                  "--input",
                  data.toString(),
                  "--recursive",
                  "--output",
                  out.toString(),
                  "--run-id",
                  "cal"
                },
                models));
    assertEquals(0, a.code(), a.err() + a.out());
    assertTrue(
        a.out().contains("threshold  flagged = score >= ") && a.out().contains("(calibrated: "),
        a.out());
    assertTrue(
        a.out().contains("6 images were smaller than one tile"),
        "the 32 px noise images: " + a.out());
    JsonObject summary =
        JsonParser.parseString(Files.readString(out.resolve("runs/cal/summary.json")))
            .getAsJsonObject();
    assertTrue(
        summary.getAsJsonObject("scoring").get("fusion").getAsString().startsWith("sigmoid("));
    List<Row> rows = JobTestSupport.table(out).filter("label = 0").collectAsList();
    assertEquals(5, rows.size());
    for (Row r : rows) {
      assertFalse(
          r.<Boolean>getAs(AuditSchema.FLAGGED),
          "a calibration real image flagged: " + r.getAs("path"));
      assertFalse(
          r.<Boolean>getAs(AuditSchema.OUT_OF_DOMAIN), "inside the domain it was fitted on");
    }
    Row micrograph = JobTestSupport.table(out).filter("path LIKE '%micrograph1.jpg'").first();
    // 48 specimen tiles at scale 0.25: NS-Net chose its patches from all 48 (the row's `tiles`, the
    // larger of the detectors' counts); DNF scored the default cap's 16, spread evenly (its heat
    // map)
    assertEquals(48, (int) micrograph.<Integer>getAs(AuditSchema.TILES));
    assertEquals(
        ScoringOptions.DEFAULT_MAX_TILES,
        ImageScore.parseTileMap(micrograph.<String>getAs(AuditSchema.TILE_MAP)).size());
    assertTrue(micrograph.<Integer>getAs(AuditSchema.TILES_LEFT_OUT) >= 3, "the band is left out");
    assertFalse(micrograph.<Boolean>getAs(AuditSchema.SCORED_WHOLE));

    // a colourful photo is far from the micrographs: scored, but said to be outside the domain
    Path photos = tmp.resolve("photos");
    BufferedImage photo = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = photo.createGraphics();
    g.setPaint(new GradientPaint(0, 0, Color.ORANGE, 256, 256, Color.BLUE));
    g.fillRect(0, 0, 256, 256);
    g.setColor(Color.GREEN);
    g.fillOval(40, 60, 120, 90);
    g.dispose();
    JobTestSupport.png(photos.resolve("photo.png"), photo);
    Path out2 = tmp.resolve("audit-photos");
    Result p =
        JobTestSupport.cli(
            concat(
                new String[] {
                  "audit",
                  "--input",
                  photos.toString(),
                  "--output",
                  out2.toString(),
                  "--run-id",
                  "photos"
                },
                models));
    assertEquals(0, p.code(), p.err() + p.out());
    assertTrue(p.out().contains("WARNING    1 images lie outside the detectors' domain"), p.out());
    assertTrue(
        Files.readString(out2.resolve("runs/photos/report.html")).contains("class=\"banner\""));
  }
}
