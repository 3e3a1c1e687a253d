package com.synthscope.udfs.spark.sql;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;

/**
 * A SynthScope function as the body of a Catalyst {@code ScalaUDF}: one image per call. This is
 * what runs where the batching rule ({@link BatchedImageFunctions}) cannot take the call into a
 * batched projection (a filter, a join condition, an aggregate) or when {@value
 * ImageFunctionSettings#BATCHED} is false; the models are opened once per task, but every row is
 * its own model call.
 */
final class RowAtATimeFunction implements Serializable {

  private static final long serialVersionUID = 1L;

  final ImageFunction function;
  final ImageFunctionEngine engine;
  private transient ImageFunctionEngine.Runner runner;

  RowAtATimeFunction(ImageFunction function, ImageFunctionEngine engine) {
    this.function = function;
    this.engine = engine;
  }

  Object apply(byte[] content) {
    if (runner == null) {
      runner = engine.open(List.of(function));
    }
    return runner.evaluate(Collections.singletonList(content)).get(0)[0];
  }

  /** The body for one-argument functions. */
  static final class One extends AbstractFunction1<byte[], Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    final RowAtATimeFunction f;

    One(RowAtATimeFunction f) {
      this.f = f;
    }

    @Override
    public Object apply(byte[] content) {
      return f.apply(content);
    }
  }

  /**
   * The body for functions whose second argument (the detector name) was fixed when the call was
   * built.
   */
  static final class Two extends AbstractFunction2<byte[], Object, Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    final RowAtATimeFunction f;

    Two(RowAtATimeFunction f) {
      this.f = f;
    }

    @Override
    public Object apply(byte[] content, Object detector) {
      return f.apply(content);
    }
  }

  /** The SynthScope function behind a ScalaUDF's body, or null for any other function. */
  static RowAtATimeFunction of(Object body) {
    if (body instanceof One one) {
      return one.f;
    }
    if (body instanceof Two two) {
      return two.f;
    }
    return null;
  }
}
