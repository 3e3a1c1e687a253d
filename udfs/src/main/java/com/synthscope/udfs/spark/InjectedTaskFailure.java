package com.synthscope.udfs.spark;

import java.io.Serializable;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;

/**
 * A test-only fault: with {@value #SETTING}{@code =N} set (e.g. {@code --conf}), every task of the
 * jobs that honour it fails on its first attempt after handing on N rows of its partition, so tests
 * can show that a retried task leaves no partial output and no duplicate rows. Unset, it changes
 * nothing. Never set it in production.
 */
public record InjectedTaskFailure(long afterRows) implements Serializable {

  /** The Spark setting that turns the fault on: rows a first attempt hands on before it fails. */
  public static final String SETTING = "spark.synthscope.test.failFirstAttemptAfterRows";

  /** The message of the injected exception, for tests to find in executor logs. */
  public static final String MESSAGE = "injected failure (" + SETTING + ")";

  public InjectedTaskFailure {
    if (afterRows < 0) {
      throw new IllegalArgumentException(SETTING + " must be >= 0, got " + afterRows);
    }
  }

  /** The fault the session's settings ask for, or null when they ask for none. */
  public static InjectedTaskFailure from(SparkSession spark) {
    String value = spark.conf().get(SETTING, null);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return new InjectedTaskFailure(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          SETTING + " must be a number of rows, got '" + value + "'", e);
    }
  }

  /**
   * {@code rows}, failing after {@code fault.afterRows} of them on a task's first attempt; as is
   * when null.
   */
  public static <T> Iterator<T> apply(InjectedTaskFailure fault, Iterator<T> rows) {
    TaskContext task = TaskContext.get();
    if (fault == null || task == null || task.attemptNumber() > 0) {
      return rows;
    }
    return new Iterator<>() {
      private long handed;

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public T next() {
        if (!rows.hasNext()) {
          throw new NoSuchElementException();
        }
        if (handed == fault.afterRows()) {
          throw new IllegalStateException(
              MESSAGE
                  + " in partition "
                  + task.partitionId()
                  + " after "
                  + handed
                  + " rows, attempt "
                  + task.attemptNumber());
        }
        handed++;
        return rows.next();
      }
    };
  }
}
