package com.synthscope.udfs.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Turns a partition's iterator into fixed-size batches, runs a function per batch, and yields its
 * results one by one, lazily: at most one batch of inputs and one of outputs is in memory at a
 * time.
 */
public final class Batches {

  private Batches() {}

  /**
   * @param input the items of a partition
   * @param batchSize items per batch (the last batch may be smaller)
   * @param perBatch maps one batch to exactly one result per item, in order
   */
  public static <I, O> Iterator<O> map(
      Iterator<I> input, int batchSize, Function<List<I>, List<O>> perBatch) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    return new Iterator<>() {
      private Iterator<O> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && input.hasNext()) {
          List<I> batch = new ArrayList<>(batchSize);
          while (batch.size() < batchSize && input.hasNext()) {
            batch.add(input.next());
          }
          List<O> out = perBatch.apply(batch);
          if (out.size() != batch.size()) {
            throw new IllegalStateException(
                "a batch of " + batch.size() + " gave " + out.size() + " results");
          }
          current = out.iterator();
        }
        return current.hasNext();
      }

      @Override
      public O next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }
}
