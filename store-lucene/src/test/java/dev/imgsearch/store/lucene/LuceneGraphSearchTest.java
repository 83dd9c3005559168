package dev.imgsearch.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.IndexType;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HNSW collections: recall against exact search, exact scores for what the graph finds, {@code ef}, int8
 * quantisation, filtered graph search, index type mapping, large dimensions, searches during writes.
 */
class LuceneGraphSearchTest {
  private static final int DIM = 24;
  private static final int ROWS = 2000;

  @TempDir
  Path dir;

  private LuceneVectorStore store;

  @BeforeEach
  void open() {
    store = LuceneVectorStore.open(dir.resolve("store"));
  }

  @AfterEach
  void close() {
    store.close();
  }

  /** Clustered data: 30 gaussian clusters, so neighbours are meaningful as in real embeddings. */
  private static List<Row> rows(long seed, int n, int dim) {
    Random r = new Random(seed);
    float[][] centres = new float[30][dim];
    for (float[] c : centres) {
      for (int j = 0; j < dim; j++) {
        c[j] = (float) r.nextGaussian() * 3;
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] c = centres[r.nextInt(centres.length)];
      float[] v = new float[dim];
      for (int j = 0; j < dim; j++) {
        v[j] = c[j] + (float) r.nextGaussian();
      }
      rows.add(Row.builder().put("id", (long) i).put("group", i % 10).put("vec", v).build());
    }
    return rows;
  }

  private CollectionSpec spec(String name, MetricType metric, IndexSpec index) {
    return CollectionSpec.builder(name)
        .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
        .field(FieldSpec.scalar("group", FieldType.INT32))
        .field(FieldSpec.vector("vec", DIM, metric, index))
        .build();
  }

  private static List<float[]> queries(long seed, int n) {
    Random r = new Random(seed);
    List<Row> base = rows(seed, n, DIM);
    List<float[]> qs = new ArrayList<>();
    for (Row row : base) {
      float[] v = row.vector("vec");
      v[0] += (float) r.nextGaussian() * 0.1f;
      qs.add(v);
    }
    return qs;
  }

  private double recall(String graph, String exact, List<float[]> queries, int topK, Map<String, Object> params,
      String filter) {
    int found = 0;
    int total = 0;
    for (float[] q : queries) {
      SearchRequest.Builder g = SearchRequest.builder(graph).query(q).topK(topK).filter(filter);
      params.forEach(g::searchParam);
      List<Hit> approx = store.search(g.build()).get(0);
      List<Hit> truth = store.search(SearchRequest.builder(exact).query(q).topK(topK).filter(filter).build()).get(0);
      Set<Object> want = new HashSet<>();
      truth.forEach(h -> want.add(h.id()));
      for (Hit h : approx) {
        if (want.contains(h.id())) {
          found++;
        }
      }
      total += truth.size();
    }
    return found / (double) total;
  }

  private void load(MetricType metric, IndexSpec index, boolean twoSegments) {
    List<Row> rows = rows(1, ROWS, DIM);
    store.createCollection(spec("graph", metric, index));
    store.createCollection(spec("exact", metric, IndexSpec.flat()));
    if (twoSegments) {
      store.insert("graph", rows.subList(0, ROWS / 2));
      store.insert("graph", rows.subList(ROWS / 2, ROWS));
    } else {
      store.insert("graph", rows);
    }
    store.insert("exact", rows);
  }

  @ParameterizedTest
  @EnumSource(MetricType.class)
  void hnswFindsTheExactNeighboursWithExactScores(MetricType metric) {
    load(metric, IndexSpec.hnsw(16, 100), true);
    List<float[]> queries = queries(99, 25);
    assertThat(recall("graph", "exact", queries, 10, Map.of("ef", 64), null)).isGreaterThanOrEqualTo(0.95);
    // Whatever the graph returns is scored exactly: the same numbers as the exact search, to float precision.
    for (float[] q : queries.subList(0, 5)) {
      List<Hit> approx = store.search(SearchRequest.builder("graph").query(q).topK(10).build()).get(0);
      for (Hit h : approx) {
        float[] v = store.get("graph", List.of(h.id()), List.of("vec")).get(0).vector("vec");
        assertThat((double) h.score()).isCloseTo(metric.score(q, v), within(1e-5));
      }
    }
  }

  @Test
  void compactMergesSegmentsIntoOneGraph() {
    load(MetricType.L2, IndexSpec.hnsw(16, 100), true);
    assertThat(store.segments("graph")).isEqualTo(2);
    List<float[]> queries = queries(95, 20);
    store.compact("graph");
    assertThat(store.segments("graph")).isEqualTo(1);
    assertThat(store.count("graph")).isEqualTo(ROWS);
    assertThat(recall("graph", "exact", queries, 10, Map.of("ef", 64), null)).isGreaterThanOrEqualTo(0.95);
    store.flush("graph");
    store.close();
    store = LuceneVectorStore.open(dir.resolve("store"));
    assertThat(store.segments("graph")).isEqualTo(1);
    assertThat(store.count("graph")).isEqualTo(ROWS);
  }

  @ParameterizedTest
  @EnumSource(MetricType.class)
  void tiesBeyondTheExactMarginAreBrokenByPrimaryKey(MetricType metric) {
    // 40 rows with one vector, inserted in shuffled order: more ties than a fixed margin beyond the page holds,
    // in an exact search and in a graph route.
    List<Row> rows = new ArrayList<>(rows(6, 500, DIM));
    float[] shared = rows.get(0).vector("vec");
    List<Long> keys = new ArrayList<>();
    for (long k = 1000; k < 1040; k++) {
      keys.add(k);
    }
    java.util.Collections.shuffle(keys, new Random(7));
    for (long k : keys) {
      rows.add(Row.builder().put("id", k).put("group", 0).put("vec", shared.clone()).build());
    }
    store.createCollection(spec("graph", metric, IndexSpec.hnsw(16, 100)));
    store.createCollection(spec("exact", metric, IndexSpec.flat()));
    store.insert("graph", rows);
    store.insert("exact", rows);
    // Expected: by score, computed here, then by key. The filter leaves fewer rows than ef, so the graph route
    // ranks them all (Lucene scans them instead of walking the graph, whose neighbour selection leaves identical
    // vectors badly connected): this checks the route's handling of ties, not the graph's.
    java.util.Comparator<Row> byScore = java.util.Comparator.comparingDouble(r -> metric.score(shared, r.vector("vec")));
    List<Long> expected = rows.stream().filter(r -> ((Integer) r.get("group")) == 0)
        .sorted((metric.higherIsCloser() ? byScore.reversed() : byScore)
            .thenComparing(r -> (Long) r.get("id")))
        .limit(5).map(r -> (Long) r.get("id")).toList();
    if (metric != MetricType.IP) {
      assertThat(expected).containsExactly(0L, 1000L, 1001L, 1002L, 1003L);
    }
    List<Hit> approx = store.search(SearchRequest.builder("graph").query(shared).topK(5).searchParam("ef", 100)
        .filter("group == 0").build()).get(0);
    List<Hit> truth = store.search(SearchRequest.builder("exact").query(shared).topK(5).filter("group == 0").build())
        .get(0);
    List<Hit> unfiltered = store.search(SearchRequest.builder("exact").query(shared).topK(5).build()).get(0);
    if (metric != MetricType.IP) {
      assertThat(unfiltered).extracting(Hit::id).containsExactlyElementsOf(expected);
    }
    assertThat(truth).extracting(Hit::id).containsExactlyElementsOf(expected);
    assertThat(approx).extracting(Hit::id).containsExactlyElementsOf(expected);
    for (int i = 0; i < truth.size(); i++) {
      assertThat(approx.get(i).score()).isEqualTo(truth.get(i).score());
    }
  }

  @Test
  void aLargerEfFindsMoreNeighbours() {
    load(MetricType.L2, IndexSpec.hnsw(6, 16), false);
    List<float[]> queries = queries(98, 25);
    double small = recall("graph", "exact", queries, 10, Map.of("ef", 10), null);
    double large = recall("graph", "exact", queries, 10, Map.of("ef", 300), null);
    assertThat(large).isGreaterThan(small).isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void int8QuantisedGraphsKeepRecallAndExactScores() {
    store.close();
    store = LuceneVectorStore.builder(dir.resolve("store")).int8Graphs(true).open();
    load(MetricType.COSINE, IndexSpec.hnsw(16, 100), false);
    List<float[]> queries = queries(97, 25);
    assertThat(recall("graph", "exact", queries, 10, Map.of("ef", 100), null)).isGreaterThanOrEqualTo(0.9);
    float[] q = queries.get(0);
    Hit best = store.search(SearchRequest.builder("graph").query(q).topK(1).build()).get(0).get(0);
    Hit truth = store.search(SearchRequest.builder("exact").query(q).topK(1).build()).get(0).get(0);
    assertThat(best.id()).isEqualTo(truth.id());
    assertThat(best.score()).isEqualTo(truth.score());
  }

  /**
   * The scalar-quantised graphs (Lucene 10's optimised scalar quantisation, {@code sq_type} SQ8, SQ4, SQ1), with
   * and without re-ranking on the raw vectors ({@code refine}): recall against exact search, exact scores, and the
   * format actually written.
   */
  @ParameterizedTest
  @CsvSource({"SQ8, 0.95, 0.9", "SQ4, 0.95, 0.6", "SQ1, 0.75, 0.15"})
  void quantisedGraphsReachTheirRecallWithExactScores(String sqType, double withRefine, double withoutRefine)
      throws IOException {
    List<Row> rows = rows(1, ROWS, DIM);
    store.createCollection(spec("exact", MetricType.L2, IndexSpec.flat()));
    store.insert("exact", rows);
    List<float[]> queries = queries(95, 25);
    double[] recalls = new double[2];
    for (boolean refine : new boolean[] {true, false}) {
      String name = "sq_" + refine;
      store.createCollection(spec(name, MetricType.L2, IndexSpec.of(IndexType.HNSW,
          Map.of("M", 16, "efConstruction", 100, "sq_type", sqType, "refine", refine))));
      store.insert(name, rows);
      store.compact(name);
      double recall = recall(name, "exact", queries, 10, Map.of("ef", 100), null);
      recalls[refine ? 0 : 1] = recall;
      // Whatever the graph returns is scored exactly: the same numbers as the exact search's for those rows.
      for (float[] q : queries.subList(0, 5)) {
        List<Hit> approx = store.search(SearchRequest.builder(name).query(q).topK(10).searchParam("ef", 100).build())
            .get(0);
        Map<Object, Float> exactScores = new HashMap<>();
        store.search(SearchRequest.builder("exact").query(q).topK(ROWS).build()).get(0)
            .forEach(h -> exactScores.put(h.id(), h.score()));
        assertThat(approx).hasSize(10);
        for (Hit h : approx) {
          assertThat(h.score()).as("%s refine=%s id %s", sqType, refine, h.id()).isEqualTo(exactScores.get(h.id()));
        }
        assertThat(approx).extracting(Hit::score).isSortedAccordingTo(Float::compare); // L2: closest first
      }
      store.flush(name);
      try (Directory d = FSDirectory.open(dir.resolve("store/collections/" + name + "/index"));
          DirectoryReader reader = DirectoryReader.open(d)) {
        assertThat(reader.leaves()).hasSize(1);
        assertThat(reader.leaves().get(0).reader().getFieldInfos().fieldInfo("vec")
            .getAttribute("PerFieldKnnVectorsFormat.format")).isEqualTo("ImgsearchHnswSq104");
      }
    }
    assertThat(recalls[0]).as("%s with re-ranking", sqType).isGreaterThanOrEqualTo(withRefine);
    assertThat(recalls[1]).as("%s without re-ranking", sqType).isGreaterThanOrEqualTo(withoutRefine)
        .isLessThanOrEqualTo(recalls[0]);
    // The search parameter refine overrides the index's: the same graph (deterministic builds), no re-ranking.
    assertThat(recall("sq_true", "exact", queries, 10, Map.of("ef", 100, "refine", false), null))
        .isEqualTo(recalls[1]);
  }

  @Test
  void unknownQuantisationTypesAreRefusedWithTheAccepted() {
    assertThatThrownBy(() -> store.createCollection(spec("bad", MetricType.L2,
        IndexSpec.of(IndexType.HNSW, Map.of("sq_type", "PQ8")))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("SQ8 (or SQ6), SQ4, SQ2 or SQ1");
    assertThatThrownBy(() -> store.createCollection(spec("bad", MetricType.L2,
        IndexSpec.of(IndexType.HNSW, Map.of("sq_type", "SQ4", "refine", "maybe")))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("refine is 'maybe'");
    assertThat(store.hasCollection("bad")).isFalse();
  }

  @Test
  void filteredGraphSearchIsAsGoodAsUnfiltered() {
    load(MetricType.IP, IndexSpec.hnsw(16, 100), true);
    List<float[]> queries = queries(96, 20);
    // A selective filter (1 row in 10) and a very selective one (a few rows): the pre-filter keeps recall.
    assertThat(recall("graph", "exact", queries, 10, Map.of(), "group == 3")).isGreaterThanOrEqualTo(0.95);
    assertThat(recall("graph", "exact", queries, 10, Map.of(), "group == 3 and id < 60")).isEqualTo(1.0);
    // A broad filter (half the rows, above VectorSearch.EXACT_FILTER_FRACTION) walks Lucene's filtered graph.
    assertThat(recall("graph", "exact", queries, 10, Map.of(), "group < 5")).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void milvusIndexTypesMapToGraphsAndLargeDimensionsWork() {
    for (IndexType type : IndexType.values()) {
      IndexSpec index = switch (type) {
        case IVF_FLAT -> IndexSpec.ivfFlat(128);
        case IVF_SQ8 -> IndexSpec.ivfSq8(128);
        case IVF_PQ -> IndexSpec.ivfPq(128, 8, 8);
        case HNSW -> IndexSpec.of(IndexType.HNSW, Map.of("M", 8, "efConstruction", 64, "sq_type", "SQ8"));
        case FLAT -> IndexSpec.flat();
        case AUTOINDEX -> IndexSpec.autoIndex();
      };
      String name = "t_" + type.name().toLowerCase(java.util.Locale.ROOT);
      // 2048 dimensions (ResNet50 features): above Lucene's default limit of 1024.
      CollectionSpec spec = CollectionSpec.builder(name)
          .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
          .field(FieldSpec.vector("vec", 2048, MetricType.COSINE, index))
          .build();
      store.createCollection(spec);
      List<Row> rows = new ArrayList<>();
      Random r = new Random(type.ordinal());
      for (int i = 0; i < 50; i++) {
        float[] v = new float[2048];
        for (int j = 0; j < v.length; j++) {
          v[j] = (float) r.nextGaussian();
        }
        rows.add(Row.builder().put("id", (long) i).put("vec", v).build());
      }
      store.insert(name, rows);
      Hit best = store.search(SearchRequest.builder(name).query(rows.get(17).vector("vec")).topK(1).build()).get(0)
          .get(0);
      assertThat(best.id()).as("%s", type).isEqualTo(17L);
      assertThat((double) best.score()).isCloseTo(1.0, within(1e-5));
      assertThat(store.describeCollection(name)).isEqualTo(spec);
    }
  }

  @Test
  void zeroVectorsScoreZeroUnderCosine() {
    store.createCollection(spec("graph", MetricType.COSINE, IndexSpec.hnsw(8, 32)));
    List<Row> rows = new ArrayList<>(rows(5, 200, DIM));
    rows.add(Row.builder().put("id", 999L).put("group", 1).put("vec", new float[DIM]).build());
    store.insert("graph", rows);
    List<Hit> all = store.search(SearchRequest.builder("graph").query(rows.get(3).vector("vec")).topK(201)
        .searchParam("ef", 400).build()).get(0);
    assertThat(all).extracting(Hit::id).contains(999L);
    assertThat(all.stream().filter(h -> h.id().equals(999L)).findFirst().orElseThrow().score()).isZero();
    assertThat(all.get(0).id()).isEqualTo(3L);
  }

  @Test
  void searchesRunWhileAnotherThreadWrites() throws Exception {
    store.createCollection(spec("graph", MetricType.L2, IndexSpec.hnsw(16, 64)));
    List<Row> rows = rows(3, 1200, DIM);
    store.insert("graph", rows.subList(0, 200));
    ExecutorService pool = Executors.newFixedThreadPool(3);
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      Future<?> writer = pool.submit(() -> {
        for (int from = 200; from < rows.size(); from += 100) {
          store.upsert("graph", rows.subList(from, from + 100));
        }
        writing.set(false);
        return null;
      });
      List<Future<Long>> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        readers.add(pool.submit(() -> {
          long last = 0;
          int searches = 0;
          while (writing.get() || searches < 5) {
            long count = store.count("graph");
            assertThat(count).isGreaterThanOrEqualTo(last);
            last = count;
            List<Hit> hits = store.search(SearchRequest.builder("graph").query(rows.get(7).vector("vec")).topK(3)
                .build()).get(0);
            assertThat(hits.get(0).id()).isEqualTo(7L);
            searches++;
          }
          return last;
        }));
      }
      writer.get(60, TimeUnit.SECONDS);
      for (Future<Long> reader : readers) {
        reader.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.count("graph")).isEqualTo(1200);
    assertThat(store.query(QueryRequest.builder("graph").filter("id >= 1190").build())).hasSize(10);
  }

  @Test
  void autoIdsAreNotReusedAfterReopening() {
    CollectionSpec spec = spec("auto", MetricType.L2, IndexSpec.flat()).toBuilder().autoId(true).build();
    store.createCollection(spec);
    List<Row> noKeys = rows(4, 30, DIM).stream()
        .map(r -> Row.builder().put("group", r.get("group")).put("vec", r.get("vec")).build()).toList();
    List<Object> first = store.insert("auto", noKeys.subList(0, 20));
    store.delete("auto", List.of(first.get(19)));
    store.close();
    store = LuceneVectorStore.open(dir.resolve("store"));
    List<Object> second = store.insert("auto", noKeys.subList(20, 30));
    Set<Object> all = new HashSet<>(first);
    for (Object id : second) {
      assertThat(all.add(id)).as("id %s was used before", id).isTrue();
    }
  }
}
