package dev.imgsearch.core.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Behaviour of the in-memory store beyond the contract: concurrency, scale, ties and its own choices. */
class InMemoryVectorStoreBehaviourTest {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryVectorStoreBehaviourTest.class);

  @TempDir Path dir;

  private static CollectionSpec spec(String name, int dim, MetricType metric) {
    return CollectionSpec.builder(name)
        .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
        .field(FieldSpec.scalar("writer", FieldType.INT32))
        .field(FieldSpec.vector("v", dim, metric))
        .build();
  }

  private static float[] gaussian(Random r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  private static Row row(long id, int writer, float[] v) {
    return Row.builder().put("id", id).put("writer", writer).put("v", v).build();
  }

  @Test
  void concurrentWritersReadersAndFlushesKeepEveryRow() throws Exception {
    int dim = 8;
    int writers = 4;
    int perWriter = 500;
    try (InMemoryVectorStore store = InMemoryVectorStore.open(dir.resolve("concurrent.json"))) {
      store.createCollection(spec("c", dim, MetricType.L2));
      ExecutorService pool = Executors.newFixedThreadPool(writers + 3);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        futures.add(pool.submit(() -> {
          start.await();
          Random r = new Random(writer);
          for (int i = 0; i < perWriter; i += 10) {
            List<Row> batch = new ArrayList<>();
            for (int k = i; k < i + 10; k++) {
              batch.add(row((long) writer * perWriter + k, writer, gaussian(r, dim)));
            }
            if (writer % 2 == 0) {
              store.insert("c", batch);
            } else {
              store.upsert("c", batch);
              store.upsert("c", batch.subList(0, 3)); // replacing rows keeps the count
            }
          }
          return null;
        }));
      }
      for (int reader = 0; reader < 2; reader++) {
        int seed = reader;
        futures.add(pool.submit(() -> {
          start.await();
          Random r = new Random(100 + seed);
          long lastCount = 0;
          for (int i = 0; i < 200; i++) {
            List<Hit> hits = store.search(SearchRequest.builder("c").query(gaussian(r, dim)).topK(5).build()).get(0);
            assertThat(hits).isSortedAccordingTo(Comparator.comparingDouble(Hit::score));
            long count = store.count("c");
            assertThat(count).isGreaterThanOrEqualTo(lastCount).isLessThanOrEqualTo((long) writers * perWriter);
            lastCount = count;
            assertThat(store.query(QueryRequest.builder("c").limit(50).build())).extracting(row -> (Long) row.get("id"))
                .isSorted();
          }
          return null;
        }));
      }
      futures.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < 10; i++) {
          store.flush("c");
        }
        return null;
      }));
      start.countDown();
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
      pool.shutdown();
      assertThat(store.count("c")).isEqualTo((long) writers * perWriter);
    }
    try (InMemoryVectorStore reopened = InMemoryVectorStore.open(dir.resolve("concurrent.json"))) {
      assertThat(reopened.count("c")).isEqualTo((long) writers * perWriter);
    }
  }

  @Test
  void searchesTenThousandVectorsExactly() {
    int n = 10_000;
    int dim = 64;
    Random r = new Random(42);
    List<float[]> vectors = IntStream.range(0, n).mapToObj(i -> gaussian(r, dim)).toList();
    try (InMemoryVectorStore store = new InMemoryVectorStore()) {
      for (MetricType metric : MetricType.values()) {
        String name = "big_" + metric;
        store.createCollection(spec(name, dim, metric));
        for (int from = 0; from < n; from += 1000) {
          List<Row> batch = new ArrayList<>();
          for (int i = from; i < from + 1000; i++) {
            batch.add(row(i, 0, vectors.get(i)));
          }
          store.insert(name, batch);
        }
        List<float[]> queries = IntStream.range(0, 20).mapToObj(i -> gaussian(r, dim)).toList();
        long t0 = System.nanoTime();
        List<List<Hit>> results = store.search(SearchRequest.builder(name).queries(queries).topK(10).build());
        double msPerQuery = (System.nanoTime() - t0) / 1e6 / queries.size();
        LOG.info("{}: exact search over {} x {}-d vectors: {} ms per query", metric, n, dim,
            String.format("%.2f", msPerQuery));
        for (int q = 0; q < queries.size(); q++) {
          float[] query = queries.get(q);
          double sign = metric.higherIsCloser() ? -1 : 1;
          List<Integer> expected = IntStream.range(0, n).boxed()
              .sorted(Comparator.comparingDouble(i -> sign * score(metric, query, vectors.get(i))))
              .limit(10).toList();
          assertThat(results.get(q)).extracting(h -> ((Long) h.id()).intValue()).containsExactlyElementsOf(expected);
          assertThat((double) results.get(q).get(0).score())
              .isCloseTo(score(metric, query, vectors.get(expected.get(0))), within(1e-4));
        }
      }
    }
  }

  private static double score(MetricType metric, float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    double l2 = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
      l2 += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
    }
    return switch (metric) {
      case L2 -> l2;
      case IP -> dot;
      case COSINE -> dot / Math.sqrt(na * nb);
    };
  }

  @Test
  void scoresAgreeWithFloat32ArithmeticLikeMilvus() {
    // Milvus (knowhere) accumulates in float32; double-precision scores must agree within the contract's 1e-4.
    Random r = new Random(7);
    int dim = 512;
    try (InMemoryVectorStore store = new InMemoryVectorStore()) {
      for (MetricType metric : MetricType.values()) {
        String name = "f32_" + metric;
        store.createCollection(spec(name, dim, metric));
        float[] stored = gaussian(r, dim);
        float[] query = gaussian(r, dim);
        if (metric == MetricType.COSINE) {
          normalise(stored);
          normalise(query);
        } else {
          scale(stored, 0.05f);
          scale(query, 0.05f);
        }
        store.insert(name, List.of(row(1, 0, stored)));
        float f32 = 0;
        for (int i = 0; i < dim; i++) {
          f32 += metric == MetricType.L2 ? (stored[i] - query[i]) * (stored[i] - query[i]) : stored[i] * query[i];
        }
        Hit hit = store.search(SearchRequest.builder(name).query(query).topK(1).build()).get(0).get(0);
        assertThat((double) hit.score()).as(metric.name()).isCloseTo(f32, within(1e-4));
      }
    }
  }

  private static void normalise(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    scale(v, (float) (1 / Math.sqrt(n)));
  }

  private static void scale(float[] v, float s) {
    for (int i = 0; i < v.length; i++) {
      v[i] *= s;
    }
  }

  @Test
  void tiesAreBrokenByPrimaryKey() {
    try (InMemoryVectorStore store = new InMemoryVectorStore()) {
      store.createCollection(spec("ties", 2, MetricType.IP));
      float[] same = {1, 1};
      store.insert("ties",
          List.of(row(30, 0, same), row(10, 0, same), row(20, 0, same), row(5, 0, new float[] {2, 2})));
      List<Hit> hits = store.search(SearchRequest.builder("ties").query(new float[] {1, 0}).topK(4).build()).get(0);
      assertThat(hits).extracting(Hit::id).containsExactly(5L, 10L, 20L, 30L);
      List<Hit> page = store.search(SearchRequest.builder("ties").query(new float[] {1, 0}).topK(2).offset(1).build())
          .get(0);
      assertThat(page).extracting(Hit::id).containsExactly(10L, 20L);
    }
  }

  @Test
  void insertingAnExistingKeyFailsAndWritesNothing() {
    try (InMemoryVectorStore store = new InMemoryVectorStore()) {
      store.createCollection(spec("dup", 2, MetricType.L2));
      store.insert("dup", List.of(row(1, 0, new float[] {1, 1})));
      assertThatThrownBy(() -> store.insert("dup", List.of(row(2, 0, new float[2]), row(1, 0, new float[2]))))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("exists already")
          .hasMessageContaining("upsert");
      assertThatThrownBy(() -> store.insert("dup", List.of(row(3, 0, new float[2]), row(3, 0, new float[2]))))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("twice");
      assertThat(store.count("dup")).isEqualTo(1);
      assertThat(store.get("dup", List.of(1L), List.of("v")).get(0).vector("v")).containsExactly(1, 1);
    }
  }

  @Test
  void varcharKeysAreOrderedByCodePoint() {
    // UTF-16 order would put U+1D11E (a surrogate pair starting 0xD834) before U+FF21; code point and UTF-8
    // byte order put it after.
    CollectionSpec spec = CollectionSpec.builder("text_keys")
        .primaryKey(FieldSpec.varchar("pk", 16))
        .field(FieldSpec.vector("v", 2, MetricType.L2))
        .build();
    try (InMemoryVectorStore store = new InMemoryVectorStore()) {
      store.createCollection(spec);
      List<String> keys = List.of("\uD834\uDD1E", "\uFF21", "b", "A", "é", "a", "ab");
      store.insert("text_keys", keys.stream().map(k -> Row.builder().put("pk", k).put("v", new float[2]).build())
          .toList());
      assertThat(store.query(QueryRequest.builder("text_keys").build())).extracting(row -> row.get("pk"))
          .containsExactly("A", "a", "ab", "b", "é", "\uFF21", "\uD834\uDD1E");
    }
  }

  @Test
  void deleteWhereNeedsAFilter() {
    try (InMemoryVectorStore store = new InMemoryVectorStore()) {
      store.createCollection(spec("c", 2, MetricType.L2));
      assertThatThrownBy(() -> store.deleteWhere("c", null)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("drop");
    }
  }
}
