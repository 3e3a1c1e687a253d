package com.synthscope.job.audit;

import com.synthscope.job.ConfigurationException;
import com.synthscope.udfs.detect.ImageScore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-image scores {@code calibrate --dump} writes, and reads back for {@code calibrate
 * --scores}: refitting operating points and the fusion from scores already computed costs seconds,
 * where scoring held-out whole micrographs again costs minutes to hours on CPU.
 *
 * <p>CSV, one line per image and detector: {@code
 * id,generator,label,detector,p,logit,tiles,tile_logits,model} ({@code tile_logits}
 * space-separated; {@code model} the detector's model ids, so a reader can tell whether the scores
 * came from the models it is calibrating). Files written before the {@code model} column existed
 * are read too; their model is unknown.
 */
final class ScoreDump {

  static final String HEADER = "id,generator,label,detector,p,logit,tiles,tile_logits,model";

  /** One held-out image's scores, one per detector in the dump's detector order. */
  record Scored(String id, String generator, int label, List<ImageScore> scores) {}

  /**
   * What a dump holds: the images and, per detector, the model ids that scored them (null when
   * unknown).
   */
  /**
   * The images read, and per detector every model id the dumps name (empty for dumps that predate
   * the model column); two ids of one detector differ at most in their manifests.
   */
  record Contents(List<Scored> images, Map<String, java.util.Set<String>> models) {}

  private ScoreDump() {}

  static void write(
      Path file, List<String> detectors, Map<String, String> models, List<Scored> scored)
      throws IOException {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    for (Scored s : scored) {
      for (int k = 0; k < detectors.size(); k++) {
        ImageScore x = s.scores().get(k);
        b.append(s.id().replace(',', '_'))
            .append(',')
            .append(s.generator())
            .append(',')
            .append(s.label())
            .append(',')
            .append(detectors.get(k))
            .append(',')
            .append(x.probability())
            .append(',')
            .append(x.logit())
            .append(',')
            .append(x.tiles())
            .append(',');
        for (double t : x.tileLogits()) {
          b.append(String.format(Locale.ROOT, "%.4f ", t));
        }
        b.append(',').append(models.getOrDefault(detectors.get(k), "")).append('\n');
      }
    }
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
  }

  /**
   * Reads dumps for the given detectors (in that order). Images are matched by id across lines; an
   * image without a score of every detector is refused, as are two files scoring one image
   * differently.
   *
   * @throws ConfigurationException on a file that is not a dump, or a detector the dump does not
   *     hold
   */
  static Contents read(List<Path> files, List<String> detectors) throws IOException {
    Map<String, String[]> meta = new LinkedHashMap<>(); // id -> generator, label
    Map<String, ImageScore[]> scores = new LinkedHashMap<>();
    Map<String, java.util.Set<String>> models = new LinkedHashMap<>();
    for (Path file : files) {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty()
          || !lines.get(0).startsWith("id,generator,label,detector,p,logit,tiles,tile_logits")) {
        throw new ConfigurationException(
            "--scores "
                + file
                + " is not a calibrate --dump file (header "
                + (lines.isEmpty() ? "missing" : "'" + lines.get(0) + "'")
                + ")");
      }
      for (int n = 1; n < lines.size(); n++) {
        String line = lines.get(n);
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        if (f.length < 8) {
          throw new ConfigurationException(
              "--scores "
                  + file
                  + " line "
                  + (n + 1)
                  + ": "
                  + f.length
                  + " fields, expected 8 or 9");
        }
        int k = detectors.indexOf(f[3]);
        if (k < 0) {
          continue; // a detector not selected
        }
        String model = f.length > 8 && !f[8].isEmpty() ? f[8] : null;
        java.util.Set<String> ids =
            models.computeIfAbsent(f[3], d -> new java.util.LinkedHashSet<>());
        // a dump that predates the model column says nothing against another's model; a calibrated
        // copy (the same weights under a manifest that holds an operating point) is the same model
        if (model != null && ids.add(model) && ids.size() > 1) {
          String first = ids.iterator().next();
          if (!names(first).equals(names(model))) {
            throw new ConfigurationException(
                "--scores: "
                    + f[3]
                    + " scores of two models ("
                    + first
                    + ", "
                    + model
                    + ") in "
                    + files);
          }
        }
        meta.putIfAbsent(f[0], new String[] {f[1], f[2]});
        ImageScore[] own = scores.computeIfAbsent(f[0], id -> new ImageScore[detectors.size()]);
        ImageScore x = parse(f);
        if (own[k] != null && own[k].logit() != x.logit()) {
          throw new ConfigurationException(
              "--scores: image " + f[0] + " has two different " + f[3] + " scores");
        }
        own[k] = x;
      }
    }
    for (String d : detectors) {
      if (!models.containsKey(d)) {
        throw new ConfigurationException("--scores " + files + " holds no " + d + " scores");
      }
    }
    List<Scored> out = new ArrayList<>();
    for (var e : scores.entrySet()) {
      if (Arrays.asList(e.getValue()).contains(null)) {
        throw new ConfigurationException(
            "--scores: image " + e.getKey() + " lacks a score of some detector " + detectors);
      }
      String[] m = meta.get(e.getKey());
      out.add(new Scored(e.getKey(), m[0], Integer.parseInt(m[1]), List.of(e.getValue())));
    }
    return new Contents(out, models);
  }

  /** Model ids without their manifest checksums: "a@1+b@2" -> "a+b". */
  static String names(String ids) {
    return ids.replaceAll("@[0-9a-f]+", "");
  }

  private static ImageScore parse(String[] f) {
    double p = Double.parseDouble(f[4]);
    double logit = Double.parseDouble(f[5]);
    int tiles = Integer.parseInt(f[6]);
    double[] tileLogits =
        f[7].isBlank()
            ? new double[0]
            : Arrays.stream(f[7].trim().split(" +")).mapToDouble(Double::parseDouble).toArray();
    Double maxTile =
        tileLogits.length == 0
            ? null
            : 1 / (1 + Math.exp(-Arrays.stream(tileLogits).max().orElseThrow()));
    return new ImageScore(p, logit, tiles, maxTile, 0, false, null, null, List.of(), tileLogits);
  }
}
