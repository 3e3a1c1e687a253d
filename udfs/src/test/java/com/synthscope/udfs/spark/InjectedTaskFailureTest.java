package com.synthscope.udfs.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.synthscope.udfs.testing.SharedSpark;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The test-only task fault: off unless set, and when set a first attempt fails after the given
 * rows. (Local mode does not retry tasks, so the job fails here; StandaloneClusterIT shows the
 * retry on a cluster.)
 */
class InjectedTaskFailureTest {

  private final SparkSession spark = SharedSpark.session();

  @AfterEach
  void unset() {
    spark.conf().unset(InjectedTaskFailure.SETTING);
  }

  @Test
  void offUnlessSetAndOutsideTasks() {
    assertNull(InjectedTaskFailure.from(spark));
    Iterator<Integer> rows = List.of(1, 2, 3).iterator();
    assertSame(
        rows, InjectedTaskFailure.apply(new InjectedTaskFailure(0), rows), "the driver is no task");
  }

  @Test
  void aFirstAttemptFailsAfterTheGivenRows() {
    spark.conf().set(InjectedTaskFailure.SETTING, "3");
    InjectedTaskFailure fault = InjectedTaskFailure.from(spark);
    assertEquals(new InjectedTaskFailure(3), fault);

    Exception e =
        assertThrows(
            Exception.class,
            () ->
                spark
                    .range(0, 10, 1, 2)
                    .as(Encoders.LONG())
                    .mapPartitions(
                        (MapPartitionsFunction<Long, Long>)
                            rows -> InjectedTaskFailure.apply(fault, rows),
                        Encoders.LONG())
                    .collectAsList());
    assertTrue(
        e.getMessage().contains(InjectedTaskFailure.MESSAGE + " in partition"), e.getMessage());
    assertTrue(e.getMessage().contains("after 3 rows, attempt 0"), e.getMessage());

    // a partition with no more rows than that passes untouched
    assertEquals(
        6,
        spark
            .range(0, 6, 1, 2)
            .as(Encoders.LONG())
            .mapPartitions(
                (MapPartitionsFunction<Long, Long>) rows -> InjectedTaskFailure.apply(fault, rows),
                Encoders.LONG())
            .count());
  }

  @Test
  void aBadSettingIsAClearError() {
    spark.conf().set(InjectedTaskFailure.SETTING, "three");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> InjectedTaskFailure.from(spark));
    assertTrue(e.getMessage().contains(InjectedTaskFailure.SETTING), e.getMessage());
  }
}
