package com.synthscope.udfs.spark.ml;

import com.synthscope.udfs.detect.DetectorCatalog;
import com.synthscope.udfs.detect.DetectorRegistry;
import com.synthscope.udfs.spark.sql.BatchedPartition;
import com.synthscope.udfs.spark.sql.ImageFunction;
import com.synthscope.udfs.spark.sql.ImageFunctionEngine;
import com.synthscope.udfs.spark.sql.ImageFunctionSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A Spark ML stage that scores a column of encoded images: appends the detector's probability of
 * "generated" ({@code outputCol}; {@code detector=fused} is the audit's fused, calibrated {@code
 * score}) and, when {@code infoCol} is set, the decode facts ({@code synthscope_image_info}'s
 * struct: a bad image has a null score and its reason there). Images run in batches of {@code
 * batchSize} per partition through the same path as the SQL functions ({@link BatchedPartition});
 * models by {@code modelUris} ({@code detector.role=URI}), the embedded ones by default. The schema
 * is checked before anything runs; the stage saves and loads with its pipeline.
 */
public final class ImageDetectorTransformer extends Transformer implements DefaultParamsWritable {

  private static final long serialVersionUID = 1L;

  /** The {@code detector} value for the fused score. */
  public static final String FUSED = "fused";

  private final String uid;

  // created after the uid: each param records its owner's uid
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> infoCol;
  private final Param<String> detector;
  private final IntParam batchSize;
  private final StringArrayParam modelUris;

  public ImageDetectorTransformer() {
    this(Identifiable.randomUID("synthscopeDetector"));
  }

  public ImageDetectorTransformer(String uid) {
    this.uid = uid;
    inputCol = new Param<>(this, "inputCol", "binary column of encoded images");
    outputCol = new Param<>(this, "outputCol", "score column to add (double)");
    infoCol =
        new Param<>(
            this,
            "infoCol",
            "struct column of decode facts to add (format, width, height, channels,"
                + " bit_depth, status, error); empty: none");
    detector =
        new Param<>(
            this,
            "detector",
            "'fused' (the audit's fused, calibrated score) or a detector name: "
                + String.join(", ", DetectorRegistry.builtin().names()));
    batchSize = new IntParam(this, "batchSize", "images per model call", ParamValidators.gtEq(1));
    modelUris =
        new StringArrayParam(
            this,
            "modelUris",
            "models as detector.role=URI (also ROLE-format, ROLE-sha256); roles not given: the embedded models");
    setDefault(inputCol, "content");
    setDefault(outputCol, "score");
    setDefault(infoCol, "");
    setDefault(detector, FUSED);
    setDefault(batchSize, DetectorRegistry.DEFAULT_BATCH);
    setDefault(modelUris, new String[0]);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> infoCol() {
    return infoCol;
  }

  public Param<String> detector() {
    return detector;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public StringArrayParam modelUris() {
    return modelUris;
  }

  public ImageDetectorTransformer setInputCol(String v) {
    set(inputCol, v);
    return this;
  }

  public ImageDetectorTransformer setOutputCol(String v) {
    set(outputCol, v);
    return this;
  }

  public ImageDetectorTransformer setInfoCol(String v) {
    set(infoCol, v);
    return this;
  }

  public ImageDetectorTransformer setDetector(String v) {
    set(detector, v);
    return this;
  }

  public ImageDetectorTransformer setBatchSize(int v) {
    set(batchSize, v);
    return this;
  }

  /** Models as {@code detector.role -> URI}. */
  public ImageDetectorTransformer setModelUris(Map<String, String> uris) {
    set(
        modelUris,
        uris.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    return this;
  }

  /** The functions this stage computes, in output order. */
  List<ImageFunction> functions() {
    List<ImageFunction> out = new ArrayList<>();
    String d = $(detector);
    out.add(FUSED.equals(d) ? ImageFunction.score() : ImageFunction.detect(d));
    if (!$(infoCol).isEmpty()) {
      out.add(ImageFunction.imageInfo());
    }
    return out;
  }

  private Map<String, String> models() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String kv : $(modelUris)) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("modelUris: write detector.role=URI, got '" + kv + "'");
      }
      m.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return m;
  }

  private ImageFunctionSettings settings() {
    return ImageFunctionSettings.defaults()
        .withModels(models())
        .withBatchSize((Integer) getOrDefault(batchSize));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String in = $(inputCol);
    if (!Arrays.asList(schema.fieldNames()).contains(in)) {
      throw new IllegalArgumentException(
          "inputCol " + in + " is not among the columns " + Arrays.toString(schema.fieldNames()));
    }
    if (!schema.apply(in).dataType().equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException(
          "inputCol "
              + in
              + " must be binary (encoded image bytes), it is "
              + schema.apply(in).dataType().simpleString());
    }
    String d = $(detector);
    if (!FUSED.equals(d) && !DetectorRegistry.builtin().names().contains(d)) {
      throw new IllegalArgumentException(
          "detector '"
              + d
              + "' is unknown; choose fused or one of "
              + String.join(", ", DetectorRegistry.builtin().names()));
    }
    // the model settings name known detectors and roles (nothing is fetched here)
    DetectorCatalog.byDetector(models(), "modelUris")
        .forEach(
            (name, roles) -> {
              DetectorRegistry.builtin().factory(name);
              roles
                  .keySet()
                  .forEach(
                      r -> {
                        if (!r.endsWith("-format") && !r.endsWith("-sha256")) {
                          DetectorRegistry.builtin().ref(name, r, roles);
                        }
                      });
            });
    List<String> outs = new ArrayList<>(List.of($(outputCol)));
    if (!$(infoCol).isEmpty()) {
      outs.add($(infoCol));
    }
    StructType out = schema;
    List<ImageFunction> fns = functions();
    for (int k = 0; k < outs.size(); k++) {
      if (Arrays.asList(out.fieldNames()).contains(outs.get(k))) {
        throw new IllegalArgumentException("output column " + outs.get(k) + " already exists");
      }
      out =
          out.add(
              new StructField(
                  outs.get(k),
                  fns.get(k).dataType(),
                  true,
                  org.apache.spark.sql.types.Metadata.empty()));
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType outSchema = transformSchema(dataset.schema());
    org.apache.spark.sql.classic.SparkSession spark =
        (org.apache.spark.sql.classic.SparkSession) dataset.sparkSession();
    ImageFunctionEngine engine =
        ImageFunctionEngine.resolve(settings(), spark.sessionState().newHadoopConf());
    int content = dataset.schema().fieldIndex($(inputCol));
    List<ImageFunction> fns = functions();
    int[] columns = new int[fns.size()];
    Arrays.fill(columns, content);
    BatchedPartition batched = new BatchedPartition(engine, fns, columns);
    return dataset
        .toDF()
        .mapPartitions(
            (MapPartitionsFunction<Row, Row>)
                rows ->
                    CollectionConverters.asJava(batched.apply(CollectionConverters.asScala(rows))),
            Encoders.row(outSchema));
  }

  @Override
  public ImageDetectorTransformer copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<ImageDetectorTransformer> read() {
    return new DefaultParamsReader<>();
  }

  public static ImageDetectorTransformer load(String path) {
    return read().load(path);
  }
}
