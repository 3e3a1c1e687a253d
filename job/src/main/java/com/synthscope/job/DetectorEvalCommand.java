package com.synthscope.job;

import com.synthscope.udfs.detect.DetectionMetrics;
import com.synthscope.udfs.detect.ImageDetector;
import com.synthscope.udfs.spark.HadoopConf;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** {@code eval <detector>}: scores a labelled set and prints the papers' metrics per subset, then one JSON line. */
abstract class DetectorEvalCommand extends JobCommand {

  @Option(names = "--data", required = true, paramLabel = "URI", description = "Labelled images: Parquet (e.g. from 'bench-data micrographs') or folders [<split>/]<generator>/{0_real,1_fake}/.")
  String data;

  @Option(names = "--split", defaultValue = "test", description = "Rows of this split (rows without a split are always used; default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--batch", defaultValue = "16", description = "Images per model batch (default: ${DEFAULT-VALUE}).")
  int batch;

  /** The detector to evaluate, from the command's model options. */
  abstract ImageDetector detector(int batchSize);

  @Override
  protected void validate() {
    if (batch < 1) {
      throw new ConfigurationException("--batch must be >= 1");
    }
  }

  @Override
  protected int run(SparkSession session) throws Exception {
    ImageDetector detector = detector(batch);
    String modelIds = detector.preflight(HadoopConf.of(session).get());
    long started = System.nanoTime();
    List<DetectorEvaluation.Scored> scored = DetectorEvaluation.score(session, detector, data, split, batch);
    double seconds = (System.nanoTime() - started) / 1e9;
    Map<String, DetectionMetrics> subsets = DetectorEvaluation.bySubset(scored);
    out().printf("%s %s on %s (%s split), %d images in %.1f s%n", detector.name(), modelIds, data, split,
        scored.size(), seconds);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("command", "eval " + detector.name());
    json.put("models", modelIds);
    json.put("data", data);
    json.put("split", split);
    json.put("subsets", DetectorEvaluation.report(out(), subsets));
    json.put("images_per_second", Math.round(scored.size() / seconds * 10) / 10.0);
    printJson(json);
    return SynthScopeCli.EXIT_OK;
  }
}
