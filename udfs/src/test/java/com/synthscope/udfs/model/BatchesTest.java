package com.synthscope.udfs.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchesTest {

  @Test
  void cutsFixedSizeBatchesAndKeepsOrder() {
    List<Integer> sizes = new ArrayList<>();
    Iterator<Integer> out =
        Batches.map(
            IntStream.range(0, 10).iterator(),
            4,
            batch -> {
              sizes.add(batch.size());
              return batch.stream().map(i -> i * 10).toList();
            });
    List<Integer> all = new ArrayList<>();
    out.forEachRemaining(all::add);
    assertEquals(List.of(0, 10, 20, 30, 40, 50, 60, 70, 80, 90), all);
    assertEquals(List.of(4, 4, 2), sizes);
  }

  @Test
  void isLazy() {
    List<Integer> pulled = new ArrayList<>();
    Iterator<Integer> source = IntStream.range(0, 100).peek(pulled::add).iterator();
    Iterator<Integer> out = Batches.map(source, 8, batch -> batch);
    out.next();
    assertEquals(8, pulled.size());
  }

  @Test
  void aBatchFunctionThatDropsResultsIsAnError() {
    Iterator<Integer> out =
        Batches.map(List.of(1, 2, 3).iterator(), 3, batch -> batch.subList(0, 2));
    assertThrows(IllegalStateException.class, out::hasNext);
  }
}
