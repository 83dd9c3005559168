package dev.imgsearch.store.lucene;

import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A process that indexes rows into a Lucene store until it is killed, for {@link LuceneStoreFaultsTest}: batches
 * of {@link #BATCH} rows with ids {@code 0, 1, 2, ...}, a flush after every {@link #FLUSH_EVERY} batches, and
 * after each completed flush a line {@code FLUSHED n} on stdout saying that rows {@code 0..n-1} are durable.
 */
public final class IndexingChild {
  static final String COLLECTION = "crash";
  static final int DIM = 32;
  static final int BATCH = 40;
  static final int FLUSH_EVERY = 2;

  private IndexingChild() {}

  static CollectionSpec spec() {
    return CollectionSpec.builder(COLLECTION)
        .primaryKey(FieldSpec.scalar("id", dev.imgsearch.core.store.FieldType.INT64))
        .field(FieldSpec.varchar("path", 200))
        .field(FieldSpec.vector("vec", DIM, MetricType.L2, IndexSpec.hnsw(16, 64)))
        .build();
  }

  /** Row {@code i}, the same in every run (so re-running the job reproduces it). */
  static Row row(long i) {
    Random r = new Random(i);
    float[] v = new float[DIM];
    for (int j = 0; j < DIM; j++) {
      v[j] = (float) r.nextGaussian();
    }
    return Row.builder().put("id", i).put("path", "images/" + i + ".jpg").put("vec", v).build();
  }

  static List<Row> rows(long from, long to) {
    List<Row> rows = new ArrayList<>();
    for (long i = from; i < to; i++) {
      rows.add(row(i));
    }
    return rows;
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    LuceneVectorStore store = LuceneVectorStore.open(Path.of(args[0]));
    store.createCollection(spec());
    out.println("OPEN");
    long next = 0;
    for (int batch = 1; ; batch++) {
      store.upsert(COLLECTION, rows(next, next + BATCH));
      next += BATCH;
      if (batch % FLUSH_EVERY == 0) {
        store.flush(COLLECTION);
        out.println("FLUSHED " + next);
      }
    }
  }
}
