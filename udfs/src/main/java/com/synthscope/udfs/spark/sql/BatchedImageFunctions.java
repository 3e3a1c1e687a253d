package com.synthscope.udfs.spark.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.ScalaUDF;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.MapPartitions$;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractPartialFunction;

/**
 * The analyzer rule that makes SynthScope's SQL functions run in batches: a projection that calls
 * them, {@code Project([..., synthscope_score(content) AS s, ...], child)}, becomes {@code
 * Project([..., s#new AS s, ...], SerializeFromObject(MapPartitions(batched, DeserializeToObject(
 * Project(child.output ++ [content AS in0], child)))))}, the same operators {@code
 * Dataset.mapPartitions} plans: per partition, rows go in batches of {@code spark.synthscope.batch}
 * through one decode and one model call per detector for all the projection's calls ({@link
 * BatchedPartition}). The projection's output keeps its names and ids, so the operators above it
 * see no change.
 *
 * <p>It runs in the analyzer's resolution batch, so Spark's own rules resolve the row deserializer
 * it adds. Calls anywhere else (a filter, an aggregate), or with {@value
 * ImageFunctionSettings#BATCHED}{@code =false}, stay row at a time.
 */
final class BatchedImageFunctions extends Rule<LogicalPlan> {

  private static final String CONTENT = "__synthscope_content_";
  private static final String RESULT = "__synthscope_result_";

  @Override
  public LogicalPlan apply(LogicalPlan plan) {
    if (!Boolean.parseBoolean(SQLConf.get().getConfString(ImageFunctionSettings.BATCHED, "true"))) {
      return plan;
    }
    return plan.resolveOperatorsUp(
        new AbstractPartialFunction<LogicalPlan, LogicalPlan>() {
          @Override
          public boolean isDefinedAt(LogicalPlan p) {
            return p instanceof Project project && project.resolved() && !calls(project).isEmpty();
          }

          @Override
          public LogicalPlan apply(LogicalPlan p) {
            return rewrite((Project) p);
          }
        });
  }

  /**
   * The distinct SynthScope calls of a projection that can run batched: on the child's columns
   * only.
   */
  private static List<ScalaUDF> calls(Project project) {
    List<ScalaUDF> out = new ArrayList<>();
    for (NamedExpression e : CollectionConverters.asJava(project.projectList())) {
      collect((Expression) e, project.child(), out);
    }
    return out;
  }

  private static void collect(Expression e, LogicalPlan child, List<ScalaUDF> out) {
    if (e instanceof ScalaUDF u && RowAtATimeFunction.of(u.function()) != null) {
      Expression content = u.children().head();
      if (content.deterministic()
          && content.references().subsetOf(child.outputSet())
          && out.stream().noneMatch(x -> x.semanticEquals(u))) {
        out.add(u);
      }
      return;
    }
    for (Expression c : CollectionConverters.asJava(e.children())) {
      collect(c, child, out);
    }
  }

  private static LogicalPlan rewrite(Project project) {
    LogicalPlan child = project.child();
    List<ScalaUDF> calls = calls(project);
    List<Attribute> childOut = CollectionConverters.asJava(child.output());

    // the child's columns plus each distinct content expression
    List<Expression> contents = new ArrayList<>();
    int[] contentOf = new int[calls.size()];
    List<ImageFunction> functions = new ArrayList<>();
    ImageFunctionEngine engine = null;
    for (int k = 0; k < calls.size(); k++) {
      RowAtATimeFunction f = RowAtATimeFunction.of(calls.get(k).function());
      if (engine != null && engine != f.engine) {
        return project; // calls resolved under different settings: leave them row at a time
      }
      engine = f.engine;
      functions.add(f.function);
      Expression content = calls.get(k).children().head();
      int at = -1;
      for (int j = 0; j < contents.size(); j++) {
        if (contents.get(j).semanticEquals(content)) {
          at = j;
        }
      }
      if (at < 0) {
        at = contents.size();
        contents.add(content);
      }
      contentOf[k] = childOut.size() + at;
    }
    List<NamedExpression> innerList = new ArrayList<>(childOut);
    for (int j = 0; j < contents.size(); j++) {
      innerList.add(alias(contents.get(j), CONTENT + j));
    }
    Project inner = new Project(CollectionConverters.asScala(innerList).toList(), child);
    StructType innerSchema = inner.schema();
    StructType outSchema = innerSchema;
    for (int k = 0; k < calls.size(); k++) {
      outSchema = outSchema.add(RESULT + k, functions.get(k).dataType(), true);
    }
    LogicalPlan batched =
        MapPartitions$.MODULE$.apply(
            new BatchedPartition(engine, functions, contentOf),
            inner,
            Encoders.row(innerSchema),
            Encoders.row(outSchema));
    List<Attribute> newOut = CollectionConverters.asJava(batched.output());

    Map<ExprId, Attribute> columns = new HashMap<>();
    for (int i = 0; i < childOut.size(); i++) {
      columns.put(childOut.get(i).exprId(), newOut.get(i));
    }
    List<Attribute> results = newOut.subList(innerSchema.size(), newOut.size());
    List<NamedExpression> top = new ArrayList<>();
    for (NamedExpression e : CollectionConverters.asJava(project.projectList())) {
      Expression r = replace((Expression) e, calls, results, columns);
      if (r instanceof NamedExpression n && n.exprId().equals(e.exprId())) {
        top.add(n);
      } else {
        // a column passed through: the same name and id as before, so the operators above still
        // find it
        top.add(
            new Alias(
                r,
                e.name(),
                e.exprId(),
                e.qualifier(),
                Option.apply(e.metadata()),
                CollectionConverters.asScala(List.<String>of()).toList()));
      }
    }
    return new Project(CollectionConverters.asScala(top).toList(), batched);
  }

  private static Expression replace(
      Expression e, List<ScalaUDF> calls, List<Attribute> results, Map<ExprId, Attribute> columns) {
    for (int k = 0; k < calls.size(); k++) {
      if (e instanceof ScalaUDF && calls.get(k).semanticEquals(e)) {
        return results.get(k);
      }
    }
    if (e instanceof AttributeReference a && columns.containsKey(a.exprId())) {
      return columns.get(a.exprId());
    }
    return e.mapChildren(c -> replace(c, calls, results, columns));
  }

  private static Alias alias(Expression e, String name) {
    return new Alias(
        e,
        name,
        org.apache.spark.sql.catalyst.expressions.NamedExpression.newExprId(),
        CollectionConverters.asScala(List.<String>of()).toList(),
        Option.empty(),
        CollectionConverters.asScala(List.<String>of()).toList());
  }
}
