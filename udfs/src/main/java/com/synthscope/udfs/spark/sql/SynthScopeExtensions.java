package com.synthscope.udfs.spark.sql;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.SparkSessionExtensionsProvider;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import scala.Function1;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;
import scala.runtime.BoxedUnit;

/**
 * SynthScope's Spark SQL functions, registered in a session by {@code
 * spark.sql.extensions=com.synthscope.udfs.spark.sql.SynthScopeExtensions} (the job jar on the
 * classpath):
 *
 * <ul>
 *   <li>{@code synthscope_score(content)}: the fused, calibrated probability of "generated", the
 *       audit's {@code score};
 *   <li>{@code synthscope_detect(content, 'dnf')}: one detector's probability ({@code dnf_score},
 *       ...);
 *   <li>{@code synthscope_image_info(content)}: struct of format, width, height, channels,
 *       bit_depth, status, error;
 *   <li>{@code synthscope_features(content, 'nsnet')}: a detector's frozen features,
 *       array&lt;float&gt;.
 * </ul>
 *
 * A bad image gives null and its reason in {@code synthscope_image_info(content).error}, never a
 * failed query. Models from {@code spark.synthscope.model.<detector>.<role>=URI}, the embedded ones
 * by default ({@link ImageFunctionSettings}); in projections the calls run in batches ({@link
 * BatchedImageFunctions}).
 */
public final class SynthScopeExtensions extends AbstractFunction1<SparkSessionExtensions, BoxedUnit>
    implements SparkSessionExtensionsProvider {

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    for (ImageFunction.Kind kind : ImageFunction.Kind.values()) {
      Function1<Seq<Expression>, Expression> builder = args -> ImageFunctionCalls.build(kind, args);
      extensions.injectFunction(
          new Tuple3<>(
              FunctionIdentifier.apply(kind.sqlName()),
              new ExpressionInfo(SynthScopeExtensions.class.getName(), null, kind.sqlName()),
              builder));
    }
    extensions.injectResolutionRule(session -> new BatchedImageFunctions());
    return BoxedUnit.UNIT;
  }
}
