package com.synthscope.udfs.spark.sql;

import com.synthscope.udfs.model.Batches;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One partition of a batched projection: its rows in batches of the settings' size, each batch's
 * images decoded and run through the models once for all the projection's SynthScope calls; each
 * row comes back with one value per call appended.
 */
public final class BatchedPartition extends AbstractFunction1<Iterator<Row>, Iterator<Row>>
    implements Serializable {

  private static final long serialVersionUID = 1L;

  private final ImageFunctionEngine engine;
  private final List<ImageFunction> functions;

  /** Per call: the input column holding its image bytes. */
  private final int[] contentColumns;

  public BatchedPartition(
      ImageFunctionEngine engine, List<ImageFunction> functions, int[] contentColumns) {
    this.engine = engine;
    this.functions = List.copyOf(functions);
    this.contentColumns = contentColumns.clone();
  }

  @Override
  public Iterator<Row> apply(Iterator<Row> rows) {
    // calls on the same column share one decode and one model pass
    Map<Integer, List<Integer>> byColumn = new LinkedHashMap<>();
    for (int k = 0; k < functions.size(); k++) {
      byColumn.computeIfAbsent(contentColumns[k], c -> new ArrayList<>()).add(k);
    }
    Map<Integer, ImageFunctionEngine.Runner> runners =
        new LinkedHashMap<>(); // opened on the first batch
    java.util.Iterator<Row> out =
        Batches.map(
            CollectionConverters.asJava(rows),
            engine.settings().batchSize(),
            batch -> {
              Object[][] values = new Object[batch.size()][functions.size()];
              byColumn.forEach(
                  (column, calls) -> {
                    ImageFunctionEngine.Runner runner =
                        runners.computeIfAbsent(
                            column, c -> engine.open(calls.stream().map(functions::get).toList()));
                    List<byte[]> contents = new ArrayList<>(batch.size());
                    for (Row r : batch) {
                      contents.add((byte[]) r.get(column));
                    }
                    List<Object[]> got = runner.evaluate(contents);
                    for (int i = 0; i < batch.size(); i++) {
                      for (int j = 0; j < calls.size(); j++) {
                        values[i][calls.get(j)] = got.get(i)[j];
                      }
                    }
                  });
              List<Row> result = new ArrayList<>(batch.size());
              for (int i = 0; i < batch.size(); i++) {
                Row r = batch.get(i);
                Object[] v = new Object[r.size() + functions.size()];
                for (int c = 0; c < r.size(); c++) {
                  v[c] = r.get(c);
                }
                System.arraycopy(values[i], 0, v, r.size(), functions.size());
                result.add(RowFactory.create(v));
              }
              return result;
            });
    return CollectionConverters.asScala(out);
  }
}
