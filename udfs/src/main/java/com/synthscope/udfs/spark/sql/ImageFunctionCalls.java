package com.synthscope.udfs.spark.sql;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ScalaUDF;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import scala.Option;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Builds the Catalyst expression of a SynthScope function call: a {@code ScalaUDF} named after the
 * function whose body ({@link RowAtATimeFunction}) carries the function and the engine resolved for
 * the session's settings. The batching rule ({@link BatchedImageFunctions}) recognises calls by
 * that body.
 */
final class ImageFunctionCalls {

  private ImageFunctionCalls() {}

  static Expression build(ImageFunction.Kind kind, Seq<Expression> arguments) {
    List<Expression> args = CollectionConverters.asJava(arguments);
    int expected = kind.takesDetector() ? 2 : 1;
    if (args.size() != expected) {
      throw new IllegalArgumentException(
          kind.sqlName()
              + " takes "
              + (expected == 1 ? "(content)" : "(content, 'detector')")
              + ", got "
              + args.size()
              + " argument(s)");
    }
    Expression content = args.get(0);
    if (content.resolved() && !content.dataType().equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException(
          kind.sqlName()
              + ": content must be binary (e.g. binaryFile's content), it is "
              + content.dataType().simpleString());
    }
    String detector = null;
    if (kind.takesDetector()) {
      Expression d = args.get(1);
      Object v = d.foldable() ? d.eval(null) : null;
      if (v == null || !d.dataType().equals(DataTypes.StringType)) {
        throw new IllegalArgumentException(
            kind.sqlName() + ": the detector must be a string literal such as 'dnf'");
      }
      detector = v.toString();
    }
    ImageFunction f = new ImageFunction(kind, detector);
    ImageFunctionEngine engine = engine();
    engine.check(f);
    RowAtATimeFunction body = new RowAtATimeFunction(f, engine);
    Object fn =
        kind.takesDetector() ? new RowAtATimeFunction.Two(body) : new RowAtATimeFunction.One(body);
    return new ScalaUDF(
        fn,
        f.dataType(),
        arguments,
        CollectionConverters.asScala(
                List.<Option<org.apache.spark.sql.catalyst.encoders.ExpressionEncoder<?>>>of())
            .toList(),
        Option.empty(),
        Option.apply(kind.sqlName()),
        true,
        true);
  }

  /** The engine for the active session's {@code spark.synthscope.*} settings. */
  static ImageFunctionEngine engine() {
    Map<String, String> conf = CollectionConverters.asJava(SQLConf.get().getAllConfs());
    org.apache.spark.sql.classic.SparkSession spark =
        (org.apache.spark.sql.classic.SparkSession) SparkSession.active();
    return ImageFunctionEngine.resolve(
        ImageFunctionSettings.fromConf(conf), spark.sessionState().newHadoopConf());
  }
}
