package dev.imgsearch.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.Gson;
import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.CollectionNotFoundException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.filter.Filters;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract every {@link VectorStore} of the SDK passes: extend it in the store's test class and implement
 * {@link #createStore()}.
 *
 * <pre>{@code
 * class MyStoreTest extends VectorStoreContract {
 *   @Override protected VectorStore createStore() { return new MyStore(...); }
 * }
 * }</pre>
 *
 * <p>Each test makes collections with unique names ({@link #newCollectionName()}) and drops them afterwards, so
 * stores that share one server between tests (Milvus) can run it. Nothing depends on timing: the contract
 * expects writes to be visible once the call returns (configure eventually consistent stores with strong
 * consistency). Exact (FLAT) searches are compared with scores computed here by brute force, on fixed-seed random
 * data without near ties: the same ids in the same order and the same scores to 1e-4, for L2 (squared), IP and
 * COSINE.
 */
public abstract class VectorStoreContract {
  /** Score tolerance between a store and the brute-force reference, as DESIGN.md asks of every store. */
  protected static final double SCORE_TOLERANCE = 1e-4;

  private static final Gson GSON = new Gson();
  private static final int DIM = 16;
  private static final int ROWS = 300;

  /** The store under test, made by {@link #createStore()} before each test and closed after it. */
  protected VectorStore store;

  private final List<String> createdCollections = new ArrayList<>();

  /**
   * A new store for one test. Stores that keep data somewhere (a server, a folder) must give a store that sees
   * the same data when called again in the same test (see {@link #reopenStore()}).
   */
  protected abstract VectorStore createStore();

  /**
   * A store that sees what the previous store made durable, after that store was closed. The default calls
   * {@link #createStore()} again, which is right for servers and for stores whose test keeps its file or folder
   * for the whole test.
   */
  protected VectorStore reopenStore() {
    return createStore();
  }

  @BeforeEach
  void openStore() {
    store = createStore();
  }

  @AfterEach
  void dropCollectionsAndClose() {
    VectorStore cleaner = store;
    try {
      for (String name : createdCollections) {
        try {
          cleaner.dropCollection(name);
        } catch (ClosedException e) {
          cleaner = reopenStore();
          cleaner.dropCollection(name);
        }
      }
    } finally {
      cleaner.close();
      if (cleaner != store) {
        store.close();
      }
    }
  }

  /** A collection name no other test uses; it is dropped after the test. */
  protected String newCollectionName() {
    String name = "vsc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    createdCollections.add(name);
    return name;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Schemas and data used by the tests
  // ---------------------------------------------------------------------------------------------------------

  /** INT64 pk "id", a DOUBLE "random", a VARCHAR "tag", a FLAT vector "vec" of dimension 16 and the metric. */
  private CollectionSpec simpleSpec(MetricType metric) {
    return CollectionSpec.builder(newCollectionName())
        .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
        .field(FieldSpec.scalar("random", FieldType.DOUBLE))
        .field(FieldSpec.varchar("tag", 64))
        .field(FieldSpec.vector("vec", DIM, metric))
        .build();
  }

  /** VARCHAR pk, every scalar type, JSON, two vector fields, dynamic fields. */
  private CollectionSpec richSpec() {
    return CollectionSpec.builder(newCollectionName())
        .description("every field type")
        .primaryKey(FieldSpec.varchar("pk", 100))
        .field(FieldSpec.scalar("i32", FieldType.INT32))
        .field(FieldSpec.scalar("i64", FieldType.INT64))
        .field(FieldSpec.scalar("f32", FieldType.FLOAT))
        .field(FieldSpec.scalar("f64", FieldType.DOUBLE))
        .field(FieldSpec.scalar("flag", FieldType.BOOL))
        .field(FieldSpec.varchar("name", 200))
        .field(FieldSpec.scalar("meta", FieldType.JSON))
        .field(FieldSpec.vector("image", 8, MetricType.COSINE))
        .field(FieldSpec.vector("text", 4, MetricType.L2))
        .dynamicFields(true)
        .build();
  }

  private static Row richRow(int i) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("index", i);
    meta.put("label", "item " + i);
    meta.put("tags", List.of("a", "b" + i));
    meta.put("nested", Map.of("ok", i % 2 == 0));
    Random r = new Random(1000 + i);
    return Row.builder()
        .put("pk", "row-" + i)
        .put("i32", i - 3)
        .put("i64", 10_000_000_000L + i)
        .put("f32", 0.25f * i)
        .put("f64", Math.PI * i)
        .put("flag", i % 2 == 0)
        .put("name", "name " + i + " ünïcode ✓")
        .put("meta", meta)
        .put("image", randomVector(r, 8))
        .put("text", randomVector(r, 4))
        .put("colour", i % 3 == 0 ? "red" : "blue")
        .build();
  }

  private static float[] randomVector(Random r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /** ROWS rows with ids 0..ROWS-1 (shuffled insertion order), random in [0,1), tag t0..t4, gaussian vectors. */
  private static List<Row> simpleRows(long seed) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(Row.builder()
          .put("id", (long) i)
          .put("random", r.nextDouble())
          .put("tag", "t" + (i % 5))
          .put("vec", randomVector(r, DIM))
          .build());
    }
    java.util.Collections.shuffle(rows, new Random(seed + 1));
    return rows;
  }

  private static List<float[]> queries(long seed, int n) {
    Random r = new Random(seed);
    return IntStream.range(0, n).mapToObj(i -> randomVector(r, DIM)).toList();
  }

  private String createSimple(MetricType metric, List<Row> rows) {
    CollectionSpec spec = simpleSpec(metric);
    store.createCollection(spec);
    if (!rows.isEmpty()) {
      store.insert(spec.name(), rows);
    }
    return spec.name();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Independent brute-force reference
  // ---------------------------------------------------------------------------------------------------------

  /** Milvus's score, computed here on purpose without MetricType so the check is independent. */
  private static double referenceScore(MetricType metric, float[] a, float[] b) {
    double dot = 0;
    double aa = 0;
    double bb = 0;
    double l2 = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
      l2 += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
    }
    switch (metric) {
      case L2:
        return l2;
      case IP:
        return dot;
      case COSINE:
        return dot / Math.sqrt(aa) / Math.sqrt(bb);
      default:
        throw new AssertionError(metric);
    }
  }

  private record Scored(long id, double score) {}

  /** Best first; asserts the data has no near tie in the window the test looks at. */
  private static List<Scored> bruteForce(MetricType metric, List<Row> rows, String field, float[] query,
      Predicate<Row> filter, int window) {
    Comparator<Scored> order = Comparator.comparingDouble(Scored::score);
    if (metric != MetricType.L2) {
      order = order.reversed();
    }
    List<Scored> all = rows.stream().filter(filter)
        .map(r -> new Scored((Long) r.get("id"), referenceScore(metric, query, r.vector(field))))
        .sorted(order).toList();
    for (int i = 0; i + 1 < Math.min(window + 1, all.size()); i++) {
      assertThat(Math.abs(all.get(i).score() - all.get(i + 1).score()))
          .as("test data has a near tie at rank %d; change the seed", i)
          .isGreaterThan(1e-4);
    }
    return all;
  }

  private static void assertHitsMatch(List<Hit> hits, List<Scored> expected) {
    assertThat(hits).extracting(Hit::id).containsExactlyElementsOf(expected.stream().map(Scored::id).toList());
    for (int i = 0; i < hits.size(); i++) {
      assertThat((double) hits.get(i).score()).as("score of hit %d (id %s)", i, hits.get(i).id())
          .isCloseTo(expected.get(i).score(), within(SCORE_TOLERANCE));
    }
  }

  /** JSON values compare by their JSON form, so 1 (Integer) equals 1 (Long) and maps compare by content. */
  protected static void assertJsonEquals(Object actual, Object expected) {
    assertThat(GSON.toJsonTree(actual)).isEqualTo(GSON.toJsonTree(expected));
  }

  private static List<Object> ids(List<Row> rows, String pk) {
    return rows.stream().map(r -> r.get(pk)).toList();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Collections
  // ---------------------------------------------------------------------------------------------------------

  @Test
  void createsDescribesAndListsAnInt64Collection() {
    CollectionSpec spec = simpleSpec(MetricType.L2);
    assertThat(store.hasCollection(spec.name())).isFalse();
    store.createCollection(spec);
    assertThat(store.hasCollection(spec.name())).isTrue();
    assertThat(store.describeCollection(spec.name())).isEqualTo(spec);
    assertThat(store.listCollections()).contains(spec.name());
    assertThat(store.count(spec.name())).isZero();
  }

  @Test
  void createsAndDescribesACollectionWithEveryFieldType() {
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    CollectionSpec described = store.describeCollection(spec.name());
    assertThat(described).isEqualTo(spec);
    assertThat(described.primaryKey()).isEqualTo(FieldSpec.varchar("pk", 100));
    assertThat(described.vectorFields()).extracting(FieldSpec::name).containsExactly("image", "text");
    assertThat(described.dynamicFields()).isTrue();
  }

  @Test
  void createsAnAutoIdCollection() {
    CollectionSpec spec = simpleSpec(MetricType.IP).toBuilder().autoId(true).build();
    store.createCollection(spec);
    assertThat(store.describeCollection(spec.name()).autoId()).isTrue();
  }

  @Test
  void creatingTheSameCollectionTwiceIsANoOp() {
    String name = createSimple(MetricType.L2, simpleRows(1).subList(0, 10));
    store.createCollection(store.describeCollection(name));
    assertThat(store.count(name)).isEqualTo(10);
  }

  @Test
  void creatingACollectionTwiceWithAnotherSchemaFails() {
    CollectionSpec spec = simpleSpec(MetricType.L2);
    store.createCollection(spec);
    CollectionSpec other = spec.toBuilder().field(FieldSpec.scalar("extra", FieldType.INT32)).build();
    assertThatThrownBy(() -> store.createCollection(other)).isInstanceOf(SchemaException.class)
        .isNotInstanceOf(CollectionNotFoundException.class)
        .hasMessageContaining(spec.name());
    CollectionSpec otherMetric = CollectionSpec.builder(spec.name())
        .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
        .field(FieldSpec.scalar("random", FieldType.DOUBLE))
        .field(FieldSpec.varchar("tag", 64))
        .field(FieldSpec.vector("vec", DIM, MetricType.COSINE))
        .build();
    assertThatThrownBy(() -> store.createCollection(otherMetric)).isInstanceOf(SchemaException.class);
    assertThat(store.describeCollection(spec.name())).isEqualTo(spec);
  }

  @Test
  void listsCollectionsSorted() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CollectionSpec spec = simpleSpec(MetricType.L2);
      store.createCollection(spec);
      names.add(spec.name());
    }
    List<String> listed = store.listCollections();
    assertThat(listed).isSorted().containsAll(names);
  }

  @Test
  void dropsACollection() {
    String name = createSimple(MetricType.L2, simpleRows(2).subList(0, 5));
    assertThat(store.dropCollection(name)).isTrue();
    assertThat(store.hasCollection(name)).isFalse();
    assertThat(store.listCollections()).doesNotContain(name);
    assertThat(store.dropCollection(name)).isFalse();
    assertThatThrownBy(() -> store.describeCollection(name)).isInstanceOf(CollectionNotFoundException.class);
    // A collection of the same name can be made again, empty.
    store.createCollection(simpleSpecNamed(name, MetricType.IP));
    assertThat(store.count(name)).isZero();
  }

  private static CollectionSpec simpleSpecNamed(String name, MetricType metric) {
    return CollectionSpec.builder(name)
        .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
        .field(FieldSpec.scalar("random", FieldType.DOUBLE))
        .field(FieldSpec.varchar("tag", 64))
        .field(FieldSpec.vector("vec", DIM, metric))
        .build();
  }

  @Test
  void everyOperationOnAnUnknownCollectionRaisesCollectionNotFound() {
    String name = newCollectionName();
    Row row = simpleRows(3).get(0);
    assertThat(store.hasCollection(name)).isFalse();
    List<Runnable> calls = List.of(
        () -> store.describeCollection(name),
        () -> store.count(name),
        () -> store.insert(name, List.of(row)),
        () -> store.upsert(name, List.of(row)),
        () -> store.get(name, List.of(1L), List.of()),
        () -> store.delete(name, List.of(1L)),
        () -> store.deleteWhere(name, Filter.parse("id > 3")),
        () -> store.search(SearchRequest.builder(name).query(new float[DIM]).build()),
        () -> store.query(QueryRequest.builder(name).build()),
        () -> store.flush(name));
    for (Runnable call : calls) {
      assertThatThrownBy(call::run).isInstanceOf(CollectionNotFoundException.class)
          .hasMessageContaining(name);
    }
    assertThat(store.dropCollection(name)).isFalse();
  }

  @Test
  void countsRows() {
    String name = createSimple(MetricType.L2, List.of());
    assertThat(store.count(name)).isZero();
    List<Row> rows = simpleRows(4);
    store.insert(name, rows.subList(0, 100));
    assertThat(store.count(name)).isEqualTo(100);
    store.insert(name, rows.subList(100, 150));
    assertThat(store.count(name)).isEqualTo(150);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Insert, upsert, get
  // ---------------------------------------------------------------------------------------------------------

  @Test
  void insertReturnsTheGivenInt64IdsInOrder() {
    String name = createSimple(MetricType.L2, List.of());
    List<Row> rows = simpleRows(5).subList(0, 20);
    List<Object> ids = store.insert(name, rows);
    assertThat(ids).containsExactlyElementsOf(ids(rows, "id"));
    assertThat(ids).allMatch(id -> id instanceof Long);
  }

  @Test
  void roundTripsEveryFieldTypeWithAVarcharKey() {
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    List<Row> rows = IntStream.range(0, 6).mapToObj(VectorStoreContract::richRow).toList();
    assertThat(store.insert(spec.name(), rows)).containsExactly("row-0", "row-1", "row-2", "row-3", "row-4", "row-5");

    List<Row> got = store.get(spec.name(), List.of("row-4", "row-1"),
        List.of("i32", "i64", "f32", "f64", "flag", "name", "meta", "image", "text", "colour"));
    assertThat(got).hasSize(2);
    for (int k = 0; k < 2; k++) {
      Row expected = rows.get(k == 0 ? 4 : 1);
      Row actual = got.get(k);
      assertThat(actual.get("pk")).isEqualTo(expected.get("pk"));
      assertThat(actual.get("i32")).isEqualTo(expected.get("i32"));
      assertThat(actual.get("i64")).isEqualTo(expected.get("i64"));
      assertThat(actual.get("f32")).isEqualTo(expected.get("f32"));
      assertThat(actual.get("f64")).isEqualTo(expected.get("f64"));
      assertThat(actual.get("flag")).isEqualTo(expected.get("flag"));
      assertThat(actual.get("name")).isEqualTo(expected.get("name"));
      assertJsonEquals(actual.get("meta"), expected.get("meta"));
      assertThat(actual.vector("image")).containsExactly(expected.vector("image"));
      assertThat(actual.vector("text")).containsExactly(expected.vector("text"));
      assertThat(actual.get("colour")).isEqualTo(expected.get("colour"));
    }
  }

  @Test
  void widensNumbersToTheFieldType() {
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    Row row = Row.builder().put("pk", "w").put("i32", (short) 7).put("i64", 42).put("f32", 1.5d).put("f64", 2)
        .put("flag", true).put("name", "n").put("meta", Map.of("k", 1)).put("image", new float[8])
        .put("text", new float[4])
        .build();
    store.insert(spec.name(), List.of(row));
    Row got = store.get(spec.name(), List.of("w"), List.of("*")).get(0);
    assertThat(got.get("i32")).isEqualTo(7);
    assertThat(got.get("i64")).isEqualTo(42L);
    assertThat(got.get("f32")).isEqualTo(1.5f);
    assertThat(got.get("f64")).isEqualTo(2.0d);
  }

  @Test
  void autoIdGeneratesUniqueLongIds() {
    CollectionSpec spec = simpleSpec(MetricType.L2).toBuilder().autoId(true).build();
    store.createCollection(spec);
    List<Row> rows = simpleRows(6).stream().limit(20)
        .map(r -> Row.builder().put("random", r.get("random")).put("tag", r.get("tag")).put("vec", r.get("vec"))
            .build())
        .toList();
    List<Object> first = store.insert(spec.name(), rows.subList(0, 10));
    List<Object> second = store.insert(spec.name(), rows.subList(10, 20));
    assertThat(first).hasSize(10).allMatch(id -> id instanceof Long);
    assertThat(second).hasSize(10).allMatch(id -> id instanceof Long);
    Set<Object> all = new HashSet<>(first);
    all.addAll(second);
    assertThat(all).hasSize(20);
    assertThat(store.count(spec.name())).isEqualTo(20);

    List<Object> ids = new ArrayList<>(first);
    ids.addAll(second);
    List<Row> got = store.get(spec.name(), ids, List.of("vec", "tag"));
    assertThat(got).extracting(r -> r.get("id")).containsExactlyElementsOf(ids);
    for (int i = 0; i < 20; i++) {
      assertThat(got.get(i).vector("vec")).containsExactly(rows.get(i).vector("vec"));
      assertThat(got.get(i).get("tag")).isEqualTo(rows.get(i).get("tag"));
    }
  }

  @Test
  void autoIdRejectsRowsThatCarryThePrimaryKey() {
    CollectionSpec spec = simpleSpec(MetricType.L2).toBuilder().autoId(true).build();
    store.createCollection(spec);
    List<Row> rows = simpleRows(7).subList(0, 3);
    assertThatThrownBy(() -> store.insert(spec.name(), rows)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("id");
    assertThat(store.count(spec.name())).isZero();
  }

  @Test
  void rowsWithoutThePrimaryKeyAreRejected() {
    String name = createSimple(MetricType.L2, List.of());
    List<Row> rows = new ArrayList<>(simpleRows(8).subList(0, 3));
    Row noKey = Row.builder().put("random", 0.5).put("tag", "x").put("vec", new float[DIM]).build();
    rows.add(noKey);
    assertThatThrownBy(() -> store.insert(name, rows)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("id");
    assertThatThrownBy(() -> store.upsert(name, rows)).isInstanceOf(InvalidInputException.class);
    assertThat(store.count(name)).isZero();
  }

  @Test
  void aWrongDimensionFailsTheWholeBatch() {
    String name = createSimple(MetricType.L2, List.of());
    List<Row> rows = new ArrayList<>(simpleRows(9).subList(0, 5));
    rows.add(Row.builder().put("id", 999L).put("random", 0.1).put("tag", "x").put("vec", new float[DIM + 1]).build());
    assertThatThrownBy(() -> store.insert(name, rows)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("vec").hasMessageContaining(String.valueOf(DIM));
    assertThatThrownBy(() -> store.upsert(name, rows)).isInstanceOf(InvalidInputException.class);
    assertThat(store.count(name)).isZero();
    assertThat(store.get(name, ids(rows, "id"), List.of())).isEmpty();
  }

  @Test
  void nanAndInfiniteValuesFailTheWholeBatch() {
    String name = createSimple(MetricType.IP, List.of());
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      List<Row> rows = new ArrayList<>(simpleRows(10).subList(0, 4));
      float[] vec = new float[DIM];
      vec[3] = bad;
      rows.add(1, Row.builder().put("id", 1000L).put("random", 0.1).put("tag", "x").put("vec", vec).build());
      assertThatThrownBy(() -> store.insert(name, rows)).as("value %s", bad)
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> store.upsert(name, rows)).isInstanceOf(InvalidInputException.class);
    }
    assertThat(store.count(name)).isZero();
  }

  @Test
  void undeclaredFieldsAreRejectedWithoutDynamicFields() {
    String name = createSimple(MetricType.L2, List.of());
    Row row = Row.builder().put("id", 1L).put("random", 0.1).put("tag", "x").put("vec", new float[DIM])
        .put("surprise", 3).build();
    assertThatThrownBy(() -> store.insert(name, List.of(row))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("surprise");
    assertThat(store.count(name)).isZero();
  }

  @Test
  void missingOrMistypedFieldsAreRejected() {
    String name = createSimple(MetricType.L2, List.of());
    Row missing = Row.builder().put("id", 1L).put("tag", "x").put("vec", new float[DIM]).build();
    assertThatThrownBy(() -> store.insert(name, List.of(missing))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("random");
    Row mistyped = Row.builder().put("id", 1L).put("random", "high").put("tag", "x").put("vec", new float[DIM])
        .build();
    assertThatThrownBy(() -> store.insert(name, List.of(mistyped))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("random");
    Row tooLong = Row.builder().put("id", 1L).put("random", 0.5).put("tag", "x".repeat(65))
        .put("vec", new float[DIM]).build();
    assertThatThrownBy(() -> store.insert(name, List.of(tooLong))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("tag");
    Row nullValue = Row.builder().put("id", 1L).put("random", null).put("tag", "x").put("vec", new float[DIM])
        .build();
    assertThatThrownBy(() -> store.insert(name, List.of(nullValue))).isInstanceOf(InvalidInputException.class);
    assertThat(store.count(name)).isZero();
  }

  @Test
  void dynamicFieldsAreStoredReturnedAndFiltered() {
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    List<Row> rows = IntStream.range(0, 9).mapToObj(VectorStoreContract::richRow).toList();
    store.insert(spec.name(), rows);
    Row extra = Row.builder().put("pk", "extra").put("i32", 1).put("i64", 1L).put("f32", 1f).put("f64", 1d)
        .put("flag", true).put("name", "x").put("meta", Map.of()).put("image", rows.get(0).vector("image"))
        .put("text", rows.get(0).vector("text")).put("score", 12).put("labels", List.of("p", "q")).build();
    store.insert(spec.name(), List.of(extra));

    Row got = store.get(spec.name(), List.of("extra"), List.of("score", "labels")).get(0);
    assertJsonEquals(got.get("score"), 12);
    assertJsonEquals(got.get("labels"), List.of("p", "q"));

    List<Row> red = store.query(QueryRequest.builder(spec.name()).filter("colour == \"red\"")
        .outputFields("colour").build());
    assertThat(red).extracting(r -> r.get("pk")).containsExactly("row-0", "row-3", "row-6");
    assertThat(red).allSatisfy(r -> assertThat(r.get("colour")).isEqualTo("red"));
  }

  @Test
  void upsertReplacesRowsWithTheSameKeyAndAddsNewOnes() {
    String name = createSimple(MetricType.L2, List.of());
    List<Row> rows = simpleRows(11).subList(0, 10);
    store.upsert(name, rows);
    assertThat(store.count(name)).isEqualTo(10);
    Object replacedId = rows.get(3).get("id");
    float[] newVec = new float[DIM];
    newVec[0] = 7f;
    Row replacement = Row.builder().put("id", replacedId).put("random", 0.123).put("tag", "new").put("vec", newVec)
        .build();
    Row added = Row.builder().put("id", 5000L).put("random", 0.5).put("tag", "added").put("vec", newVec).build();
    store.upsert(name, List.of(replacement, added));
    assertThat(store.count(name)).isEqualTo(11);
    Row got = store.get(name, List.of(replacedId), List.of("random", "tag", "vec")).get(0);
    assertThat(got.get("random")).isEqualTo(0.123);
    assertThat(got.get("tag")).isEqualTo("new");
    assertThat(got.vector("vec")).containsExactly(newVec);
    assertThat(store.get(name, List.of(5000L), List.of("tag")).get(0).get("tag")).isEqualTo("added");
  }

  @Test
  void upsertWithVarcharKeysIsIdempotent() {
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    List<Row> rows = IntStream.range(0, 5).mapToObj(VectorStoreContract::richRow).toList();
    store.upsert(spec.name(), rows);
    store.upsert(spec.name(), rows);
    assertThat(store.count(spec.name())).isEqualTo(5);
  }

  @Test
  void emptyBatchesAreNoOps() {
    String name = createSimple(MetricType.L2, simpleRows(12).subList(0, 5));
    assertThat(store.insert(name, List.of())).isEmpty();
    store.upsert(name, List.of());
    store.delete(name, List.of());
    assertThat(store.get(name, List.of(), List.of("*"))).isEmpty();
    assertThat(store.count(name)).isEqualTo(5);
  }

  @Test
  void getReturnsRowsInTheOrderOfTheIdsAndLeavesOutMissingOnes() {
    List<Row> rows = simpleRows(13).subList(0, 30);
    String name = createSimple(MetricType.L2, rows);
    List<Object> wanted = List.of(rows.get(7).get("id"), 123_456L, rows.get(2).get("id"), rows.get(19).get("id"));
    List<Row> got = store.get(name, wanted, List.of("tag"));
    assertThat(got).extracting(r -> r.get("id"))
        .containsExactly(rows.get(7).get("id"), rows.get(2).get("id"), rows.get(19).get("id"));
    assertThat(got.get(0).get("tag")).isEqualTo(rows.get(7).get("tag"));
    // Integer ids for an INT64 key are widened.
    long small = (Long) rows.get(0).get("id");
    assertThat(store.get(name, List.of((int) small), List.of())).extracting(r -> r.get("id")).containsExactly(small);
  }

  @Test
  void outputFieldsChooseWhatComesBack() {
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    store.insert(spec.name(), List.of(richRow(1)));
    Row idOnly = store.get(spec.name(), List.of("row-1"), List.of()).get(0);
    assertThat(idOnly.fields()).containsExactly("pk");

    Row star = store.get(spec.name(), List.of("row-1"), List.of("*")).get(0);
    assertThat(star.fields()).containsExactlyInAnyOrder("pk", "i32", "i64", "f32", "f64", "flag", "name", "meta",
        "colour");

    Row starAndVector = store.get(spec.name(), List.of("row-1"), List.of("*", "image")).get(0);
    assertThat(starAndVector.fields()).contains("image", "colour", "i32").doesNotContain("text");
    assertThat(starAndVector.vector("image")).containsExactly(richRow(1).vector("image"));

    Row named = store.get(spec.name(), List.of("row-1"), List.of("f64", "text")).get(0);
    assertThat(named.fields()).containsExactlyInAnyOrder("pk", "f64", "text");
  }

  @Test
  void unknownOutputFieldsAreRejected() {
    String name = createSimple(MetricType.L2, simpleRows(14).subList(0, 5));
    assertThatThrownBy(() -> store.get(name, List.of(1L), List.of("nope"))).isInstanceOf(SchemaException.class)
        .hasMessageContaining("nope");
    assertThatThrownBy(() -> store.query(QueryRequest.builder(name).outputFields("nope").build()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("nope");
    assertThatThrownBy(() -> store.search(SearchRequest.builder(name).query(new float[DIM]).outputFields("nope")
        .build())).isInstanceOf(SchemaException.class).hasMessageContaining("nope");
  }

  // ---------------------------------------------------------------------------------------------------------
  // Delete
  // ---------------------------------------------------------------------------------------------------------

  @Test
  void deletesByIdsAndIgnoresMissingOnes() {
    List<Row> rows = simpleRows(15).subList(0, 20);
    String name = createSimple(MetricType.L2, rows);
    List<Object> doomed = List.of(rows.get(0).get("id"), rows.get(5).get("id"), 77_777L);
    store.delete(name, doomed);
    assertThat(store.count(name)).isEqualTo(18);
    assertThat(store.get(name, doomed, List.of())).isEmpty();
    assertThat(store.get(name, List.of(rows.get(1).get("id")), List.of())).hasSize(1);
    // Deleted rows no longer show up in search.
    List<Hit> hits = store.search(SearchRequest.builder(name).query(rows.get(0).vector("vec")).topK(20).build()).get(0);
    assertThat(hits).hasSize(18).extracting(Hit::id).doesNotContainAnyElementsOf(doomed);
  }

  @Test
  void deletesVarcharKeys() {
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    store.insert(spec.name(), IntStream.range(0, 5).mapToObj(VectorStoreContract::richRow).toList());
    store.delete(spec.name(), List.of("row-1", "row-3"));
    assertThat(store.query(QueryRequest.builder(spec.name()).build())).extracting(r -> r.get("pk"))
        .containsExactly("row-0", "row-2", "row-4");
  }

  @Test
  void deletesByFilter() {
    List<Row> rows = simpleRows(16);
    String name = createSimple(MetricType.L2, rows);
    store.deleteWhere(name, Filter.parse("random < 0.5 and tag != \"t1\""));
    long expected = rows.stream().filter(r -> !((Double) r.get("random") < 0.5 && !r.get("tag").equals("t1"))).count();
    assertThat(store.count(name)).isEqualTo(expected);
    List<Row> left = store.query(QueryRequest.builder(name).outputFields("random", "tag").limit(ROWS).build());
    assertThat(left).hasSize((int) expected)
        .allSatisfy(r -> assertThat((Double) r.get("random") >= 0.5 || r.get("tag").equals("t1")).isTrue());
    store.deleteWhere(name, Filter.parse("id >= 0"));
    assertThat(store.count(name)).isZero();
  }

  @Test
  void unknownFieldsInFiltersAreRejected() {
    String name = createSimple(MetricType.L2, simpleRows(17).subList(0, 10));
    Filter unknown = Filter.parse("colour == \"red\"");
    assertThatThrownBy(() -> store.deleteWhere(name, unknown)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("colour");
    assertThatThrownBy(() -> store.query(QueryRequest.builder(name).filter(unknown).build()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("colour");
    assertThatThrownBy(() -> store.search(SearchRequest.builder(name).query(new float[DIM]).filter(unknown).build()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("colour");
    assertThat(store.count(name)).isEqualTo(10);
  }

  @Test
  void filtersThatDoNotSuitTheSchemaAreRejected() {
    String name = createSimple(MetricType.L2, simpleRows(33).subList(0, 10));
    for (String expression : List.of("random == \"high\"", "tag > 3", "vec == 1")) {
      Filter filter = Filter.parse(expression);
      assertThatThrownBy(() -> store.query(QueryRequest.builder(name).filter(filter).build())).as(expression)
          .isInstanceOf(SchemaException.class);
      assertThatThrownBy(() -> store.deleteWhere(name, filter)).as(expression).isInstanceOf(SchemaException.class);
    }
    assertThat(store.count(name)).isEqualTo(10);
  }

  @Test
  void filterValuesFromTheBuilderCannotChangeTheExpression() {
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    List<Row> rows = IntStream.range(0, 6).mapToObj(VectorStoreContract::richRow).toList();
    store.insert(spec.name(), rows);
    String hostile = "x\" or pk != \"";
    Row tricky = Row.builder().put("pk", hostile).put("i32", 0).put("i64", 0L).put("f32", 0f).put("f64", 0d)
        .put("flag", false).put("name", "quote \" and \\ backslash").put("meta", Map.of())
        .put("image", rows.get(0).vector("image")).put("text", rows.get(0).vector("text")).build();
    store.insert(spec.name(), List.of(tricky));
    assertThat(ids(store.query(QueryRequest.builder(spec.name()).filter(Filters.eq("pk", hostile)).build()), "pk"))
        .containsExactly(hostile);
    assertThat(ids(store.query(QueryRequest.builder(spec.name())
        .filter(Filters.eq("name", "quote \" and \\ backslash")).build()), "pk")).containsExactly(hostile);
    store.deleteWhere(spec.name(), Filters.eq("name", "name 1\" or pk != \"none"));
    assertThat(store.count(spec.name())).isEqualTo(7);
    store.deleteWhere(spec.name(), Filters.eq("pk", hostile));
    assertThat(store.count(spec.name())).isEqualTo(6);
  }

  @Test
  void idsOfTheWrongTypeAreRejected() {
    String name = createSimple(MetricType.L2, simpleRows(34).subList(0, 5));
    assertThatThrownBy(() -> store.get(name, List.of("seven"), List.of())).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.delete(name, List.of("seven"))).isInstanceOf(InvalidInputException.class);
    assertThat(store.count(name)).isEqualTo(5);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Search
  // ---------------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(MetricType.class)
  void exactSearchGivesTheBruteForceIdsAndScores(MetricType metric) {
    List<Row> rows = simpleRows(100 + metric.ordinal());
    String name = createSimple(metric, rows);
    List<float[]> queries = queries(200 + metric.ordinal(), 5);
    List<List<Hit>> results = store.search(SearchRequest.builder(name).queries(queries).topK(10).build());
    assertThat(results).hasSize(5);
    for (int q = 0; q < queries.size(); q++) {
      List<Scored> expected = bruteForce(metric, rows, "vec", queries.get(q), r -> true, 10);
      assertHitsMatch(results.get(q), expected.subList(0, 10));
    }
  }

  @ParameterizedTest
  @EnumSource(MetricType.class)
  void searchOffsetSkipsTheBestHits(MetricType metric) {
    List<Row> rows = simpleRows(110 + metric.ordinal());
    String name = createSimple(metric, rows);
    float[] query = queries(210 + metric.ordinal(), 1).get(0);
    List<Hit> page = store.search(SearchRequest.builder(name).query(query).topK(7).offset(5).build()).get(0);
    List<Scored> expected = bruteForce(metric, rows, "vec", query, r -> true, 12);
    assertHitsMatch(page, expected.subList(5, 12));
  }

  @ParameterizedTest
  @EnumSource(MetricType.class)
  void searchWithAFilterRanksOnlyMatchingRows(MetricType metric) {
    List<Row> rows = simpleRows(120 + metric.ordinal());
    String name = createSimple(metric, rows);
    List<float[]> queries = queries(220 + metric.ordinal(), 3);
    List<List<Hit>> results = store.search(SearchRequest.builder(name).queries(queries).topK(8)
        .filter("random > 0.5 and tag in [\"t1\", \"t2\", \"t3\"]").build());
    Predicate<Row> matches = r -> (Double) r.get("random") > 0.5 && Set.of("t1", "t2", "t3").contains(r.get("tag"));
    for (int q = 0; q < queries.size(); q++) {
      List<Scored> expected = bruteForce(metric, rows, "vec", queries.get(q), matches, 8);
      assertHitsMatch(results.get(q), expected.subList(0, 8));
    }
  }

  @Test
  void searchFindsAStoredVectorFirst() {
    List<Row> rows = simpleRows(18);
    String name = createSimple(MetricType.L2, rows);
    Row target = rows.get(42);
    Hit best = store.search(SearchRequest.builder(name).query(target.vector("vec")).topK(1).build()).get(0).get(0);
    assertThat(best.id()).isEqualTo(target.get("id"));
    assertThat((double) best.score()).isCloseTo(0.0, within(SCORE_TOLERANCE));
  }

  @Test
  void searchReturnsRequestedOutputFields() {
    List<Row> rows = simpleRows(19);
    String name = createSimple(MetricType.COSINE, rows);
    Map<Object, Row> byId = rows.stream().collect(Collectors.toMap(r -> r.get("id"), r -> r));
    float[] query = queries(20, 1).get(0);

    List<Hit> none = store.search(SearchRequest.builder(name).query(query).topK(3).build()).get(0);
    assertThat(none).hasSize(3).allSatisfy(h -> assertThat(h.fields()).isEmpty());

    List<Hit> some = store.search(SearchRequest.builder(name).query(query).topK(3).outputFields("tag", "random")
        .build()).get(0);
    for (Hit h : some) {
      assertThat(h.fields()).containsOnlyKeys("tag", "random");
      assertThat(h.field("tag")).isEqualTo(byId.get(h.id()).get("tag"));
      assertThat(h.field("random")).isEqualTo(byId.get(h.id()).get("random"));
    }

    List<Hit> star = store.search(SearchRequest.builder(name).query(query).topK(3).outputFields("*").build()).get(0);
    assertThat(star).allSatisfy(h -> assertThat(h.fields()).containsOnlyKeys("tag", "random"));

    List<Hit> vectors = store.search(SearchRequest.builder(name).query(query).topK(3).outputFields("vec").build())
        .get(0);
    for (Hit h : vectors) {
      assertThat((float[]) h.field("vec")).containsExactly(byId.get(h.id()).vector("vec"));
    }
  }

  @Test
  void searchReturnsFewerHitsThanTopKWhenFewerRowsMatch() {
    List<Row> rows = simpleRows(21).subList(0, 12);
    String name = createSimple(MetricType.L2, rows);
    float[] query = queries(22, 1).get(0);
    assertThat(store.search(SearchRequest.builder(name).query(query).topK(50).build()).get(0)).hasSize(12);
    assertThat(store.search(SearchRequest.builder(name).query(query).topK(5).offset(10).build()).get(0)).hasSize(2);
    Object tag = rows.get(0).get("tag");
    List<Row> tagged = rows.stream().filter(r -> r.get("tag").equals(tag)).toList();
    List<Hit> filtered = store.search(SearchRequest.builder(name).query(query).topK(50)
        .filter("tag == \"" + tag + "\"").build()).get(0);
    assertThat(filtered).isNotEmpty().extracting(Hit::id).containsExactlyInAnyOrderElementsOf(ids(tagged, "id"));
  }

  @Test
  void searchingAnEmptyCollectionGivesOneEmptyListPerQuery() {
    String name = createSimple(MetricType.IP, List.of());
    List<List<Hit>> results = store.search(SearchRequest.builder(name).queries(queries(23, 3)).topK(4).build());
    assertThat(results).hasSize(3).allSatisfy(hits -> assertThat(hits).isEmpty());
  }

  @Test
  void indexSearchParametersAreAcceptedOnAnExactIndex() {
    List<Row> rows = simpleRows(24);
    String name = createSimple(MetricType.L2, rows);
    float[] query = queries(25, 1).get(0);
    List<Hit> plain = store.search(SearchRequest.builder(name).query(query).topK(5).build()).get(0);
    List<Hit> withParams = store.search(SearchRequest.builder(name).query(query).topK(5)
        .searchParam("nprobe", 16).searchParam("ef", 64).build()).get(0);
    assertThat(withParams).extracting(Hit::id).containsExactlyElementsOf(plain.stream().map(Hit::id).toList());
  }

  @Test
  void searchesTheNamedVectorFieldOfSeveral() {
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    List<Row> rows = IntStream.range(0, 40).mapToObj(VectorStoreContract::richRow).toList();
    store.insert(spec.name(), rows);
    Row target = rows.get(17);
    Hit byImage = store.search(SearchRequest.builder(spec.name()).vectorField("image").query(target.vector("image"))
        .topK(1).build()).get(0).get(0);
    assertThat(byImage.id()).isEqualTo("row-17");
    assertThat((double) byImage.score()).isCloseTo(1.0, within(SCORE_TOLERANCE));
    Hit byText = store.search(SearchRequest.builder(spec.name()).vectorField("text").query(target.vector("text"))
        .topK(1).build()).get(0).get(0);
    assertThat(byText.id()).isEqualTo("row-17");
    assertThat((double) byText.score()).isCloseTo(0.0, within(SCORE_TOLERANCE));

    assertThatThrownBy(() -> store.search(SearchRequest.builder(spec.name()).query(new float[8]).build()))
        .isInstanceOf(SchemaException.class);
    assertThatThrownBy(() -> store.search(SearchRequest.builder(spec.name()).vectorField("i32").query(new float[8])
        .build())).isInstanceOf(SchemaException.class);
  }

  @Test
  void searchRejectsBadQueryVectors() {
    String name = createSimple(MetricType.L2, simpleRows(26).subList(0, 10));
    assertThatThrownBy(() -> store.search(SearchRequest.builder(name).query(new float[DIM - 1]).build()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining(String.valueOf(DIM));
    float[] nan = new float[DIM];
    nan[0] = Float.NaN;
    assertThatThrownBy(() -> store.search(SearchRequest.builder(name).query(new float[DIM]).query(nan).build()))
        .isInstanceOf(InvalidInputException.class);
    float[] inf = new float[DIM];
    inf[DIM - 1] = Float.NEGATIVE_INFINITY;
    assertThatThrownBy(() -> store.search(SearchRequest.builder(name).query(inf).build()))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void topKMustBePositive() {
    String name = createSimple(MetricType.L2, List.of());
    for (int topK : new int[] {0, -1}) {
      assertThatThrownBy(() -> store.search(SearchRequest.builder(name).query(new float[DIM]).topK(topK).build()))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("topK");
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Query
  // ---------------------------------------------------------------------------------------------------------

  @Test
  void queryPagesThroughInt64KeysInNumericOrder() {
    List<Row> rows = new ArrayList<>(simpleRows(27).subList(0, 25));
    // Keys whose string order differs from their numeric order.
    rows.add(Row.builder().put("id", 1000L).put("random", 0.1).put("tag", "t").put("vec", new float[DIM]).build());
    rows.add(Row.builder().put("id", -5L).put("random", 0.1).put("tag", "t").put("vec", new float[DIM]).build());
    String name = createSimple(MetricType.L2, rows);
    List<Object> seen = new ArrayList<>();
    for (int offset = 0; offset < 40; offset += 10) {
      seen.addAll(ids(store.query(QueryRequest.builder(name).limit(10).offset(offset).build()), "id"));
    }
    List<Object> expected = rows.stream().map(r -> (Long) r.get("id")).sorted().map(Object.class::cast).toList();
    assertThat(seen).containsExactlyElementsOf(expected);
  }

  @Test
  void queryOrdersVarcharKeysLexicographically() {
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    List<Row> rows = IntStream.of(3, 11, 1, 20, 2).mapToObj(VectorStoreContract::richRow).toList();
    store.insert(spec.name(), rows);
    assertThat(ids(store.query(QueryRequest.builder(spec.name()).build()), "pk"))
        .containsExactly("row-1", "row-11", "row-2", "row-20", "row-3");
    assertThat(ids(store.query(QueryRequest.builder(spec.name()).offset(1).limit(2).build()), "pk"))
        .containsExactly("row-11", "row-2");
  }

  @Test
  void queryFiltersAndReturnsOutputFields() {
    List<Row> rows = simpleRows(28);
    String name = createSimple(MetricType.L2, rows);
    List<Row> got = store.query(QueryRequest.builder(name).filter("random > 0.8 or tag == \"t4\"")
        .outputFields("random", "tag", "vec").limit(ROWS).build());
    Map<Object, Row> byId = rows.stream().collect(Collectors.toMap(r -> r.get("id"), r -> r));
    List<Object> expected = rows.stream().filter(r -> (Double) r.get("random") > 0.8 || r.get("tag").equals("t4"))
        .map(r -> (Long) r.get("id")).sorted().map(Object.class::cast).toList();
    assertThat(ids(got, "id")).containsExactlyElementsOf(expected);
    for (Row r : got) {
      Row original = byId.get(r.get("id"));
      assertThat(r.fields()).containsExactlyInAnyOrder("id", "random", "tag", "vec");
      assertThat(r.get("random")).isEqualTo(original.get("random"));
      assertThat(r.vector("vec")).containsExactly(original.vector("vec"));
    }
  }

  @Test
  void queryByPrimaryKeyList() {
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    store.insert(spec.name(), IntStream.range(0, 10).mapToObj(VectorStoreContract::richRow).toList());
    List<Row> got = store.query(QueryRequest.builder(spec.name()).filter("pk in [\"row-7\", \"row-2\", \"none\"]")
        .outputFields("i32").build());
    assertThat(ids(got, "pk")).containsExactly("row-2", "row-7");
    assertThat(got).extracting(r -> r.get("i32")).containsExactly(-1, 4);
  }

  @Test
  void queryFiltersOnEveryScalarType() {
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    store.insert(spec.name(), IntStream.range(0, 10).mapToObj(VectorStoreContract::richRow).toList());
    Map<String, List<String>> cases = new LinkedHashMap<>();
    cases.put("i32 >= 4", List.of("row-7", "row-8", "row-9"));
    cases.put("i64 == 10000000005", List.of("row-5"));
    cases.put("f32 < 0.5", List.of("row-0", "row-1"));
    cases.put("f64 > 27.0", List.of("row-9"));
    cases.put("flag == true and i32 < 0", List.of("row-0", "row-2"));
    cases.put("name like \"name 1%\"", List.of("row-1"));
    cases.put("not (colour == \"blue\")", List.of("row-0", "row-3", "row-6", "row-9"));
    for (Map.Entry<String, List<String>> c : cases.entrySet()) {
      assertThat(ids(store.query(QueryRequest.builder(spec.name()).filter(c.getKey()).build()), "pk"))
          .as(c.getKey()).containsExactlyElementsOf(c.getValue());
    }
  }

  @Test
  void queryWithoutMatchesIsEmpty() {
    String name = createSimple(MetricType.L2, simpleRows(29).subList(0, 10));
    assertThat(store.query(QueryRequest.builder(name).filter("random > 2.0").build())).isEmpty();
    assertThat(store.query(QueryRequest.builder(name).offset(10).build())).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Collection properties
  // ---------------------------------------------------------------------------------------------------------

  @Test
  void aNewCollectionHasNoPropertiesEvenWhereTheStoreKeepsItsOwn() {
    // richSpec has a description and two vector indexes, which some stores keep as properties of their own.
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    assertThat(store.collectionProperties(spec.name())).isEmpty();
    assertThat(store.describeCollection(spec.name())).isEqualTo(spec);
  }

  @Test
  void setsReplacesAndRemovesProperties() {
    String name = createSimple(MetricType.L2, simpleRows(40).subList(0, 5));
    String json = "{\"modelId\": \"clip\", \"text\": \"一只白色的狗 \\\" '\", \"n\": 1}";
    store.setCollectionProperties(name, Map.of("imgsearch.manifest", json, "myapp.owner", "team-a"));
    assertThat(store.collectionProperties(name))
        .containsExactly(Map.entry("imgsearch.manifest", json), Map.entry("myapp.owner", "team-a"));
    Map<String, String> change = new HashMap<>();
    change.put("myapp.owner", null);
    change.put("myapp.z-last_key", "2");
    store.setCollectionProperties(name, change);
    assertThat(store.collectionProperties(name))
        .containsExactly(Map.entry("imgsearch.manifest", json), Map.entry("myapp.z-last_key", "2"));
    store.setCollectionProperties(name, Map.of("imgsearch.manifest", "{}"));
    assertThat(store.collectionProperties(name)).containsEntry("imgsearch.manifest", "{}").hasSize(2);
    // Properties change nothing else.
    assertThat(store.count(name)).isEqualTo(5);
    assertThat(store.describeCollection(name)).isEqualTo(store.describeCollection(name));
    assertThat(store.listCollections()).contains(name);
  }

  @Test
  void propertiesHoldAFewKilobytes() {
    String name = createSimple(MetricType.L2, List.of());
    String big = "x".repeat(8 * 1024);
    store.setCollectionProperties(name, Map.of("imgsearch.big", big));
    assertThat(store.collectionProperties(name).get("imgsearch.big")).isEqualTo(big);
  }

  @Test
  void badPropertiesAreRefusedAndChangeNothing() {
    String name = createSimple(MetricType.L2, List.of());
    store.setCollectionProperties(name, Map.of("a.b", "1"));
    assertThatThrownBy(() -> store.setCollectionProperties(name, Map.of("a.c", "2", "has space", "x")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("'has space'");
    assertThatThrownBy(() -> store.setCollectionProperties(name,
        Map.of("a.big", "x".repeat(VectorStore.MAX_PROPERTY_VALUE_BYTES + 1))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("bytes");
    assertThatThrownBy(() -> store.setCollectionProperties(name, Map.of("", "x")))
        .isInstanceOf(InvalidInputException.class);
    assertThat(store.collectionProperties(name)).containsExactly(Map.entry("a.b", "1"));
  }

  @Test
  void propertiesOfAMissingCollectionRaiseCollectionNotFound() {
    String name = newCollectionName();
    assertThatThrownBy(() -> store.collectionProperties(name)).isInstanceOf(CollectionNotFoundException.class);
    assertThatThrownBy(() -> store.setCollectionProperties(name, Map.of("a.b", "1")))
        .isInstanceOf(CollectionNotFoundException.class);
  }

  @Test
  void propertiesSurviveReopeningAndGoWithTheCollection() {
    String name = createSimple(MetricType.COSINE, simpleRows(41).subList(0, 3));
    store.setCollectionProperties(name, Map.of("imgsearch.manifest", "{\"v\": 2}"));
    store.close();
    store = reopenStore();
    assertThat(store.collectionProperties(name)).containsExactly(Map.entry("imgsearch.manifest", "{\"v\": 2}"));
    store.dropCollection(name);
    store.createCollection(simpleSpecNamed(name, MetricType.COSINE));
    assertThat(store.collectionProperties(name)).isEmpty();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Durability and lifecycle
  // ---------------------------------------------------------------------------------------------------------

  @Test
  void flushedWritesSurviveReopening() {
    List<Row> rows = simpleRows(30).subList(0, 50);
    String name = createSimple(MetricType.COSINE, rows);
    store.delete(name, List.of(rows.get(0).get("id")));
    store.flush(name);
    assertThat(store.count(name)).isEqualTo(49);
    store.close();
    store = reopenStore();
    assertThat(store.hasCollection(name)).isTrue();
    assertThat(store.count(name)).isEqualTo(49);
    Row some = rows.get(10);
    Row got = store.get(name, List.of(some.get("id")), List.of("*", "vec")).get(0);
    assertThat(got.vector("vec")).containsExactly(some.vector("vec"));
    assertThat(got.get("random")).isEqualTo(some.get("random"));
    assertThat(store.get(name, List.of(rows.get(0).get("id")), List.of())).isEmpty();
  }

  /**
   * The same mistake gets the same exception and message on every store: the store under test is compared with
   * the in-memory store (the reference, whose messages all come from {@code core.store.spi}) on a collection of
   * the same name and spec, for a wrong dimension and a NaN in a written row and in a query vector, an unknown
   * output field, an unknown collection, a missing deleteWhere filter and a second spec for a collection.
   */
  @Test
  void theSameMistakeGetsTheSameMessageAsOnEveryOtherStore() {
    CollectionSpec spec = simpleSpec(MetricType.L2);
    String name = spec.name();
    List<Row> rows = new ArrayList<>(simpleRows(32).subList(0, 3));
    store.createCollection(spec);
    store.insert(name, rows);
    try (VectorStore reference = new InMemoryVectorStore()) {
      reference.createCollection(spec);
      reference.insert(name, rows);
      float[] nan = new float[DIM];
      nan[2] = Float.NaN;
      Row wrongDimension = Row.builder().put("id", 900L).put("random", 0.1).put("tag", "x")
          .put("vec", new float[DIM + 1]).build();
      Row nanRow = Row.builder().put("id", 901L).put("random", 0.1).put("tag", "x").put("vec", nan).build();
      String unknown = newCollectionName();
      CollectionSpec other = spec.toBuilder().field(FieldSpec.scalar("extra", FieldType.INT32)).build();
      Map<String, Consumer<VectorStore>> mistakes = new LinkedHashMap<>();
      mistakes.put("a row of a wrong dimension", s -> s.insert(name, List.of(rows.get(0), wrongDimension)));
      mistakes.put("a row with NaN", s -> s.upsert(name, List.of(rows.get(0), nanRow)));
      mistakes.put("a query of a wrong dimension",
          s -> s.search(SearchRequest.builder(name).query(new float[DIM - 1]).build()));
      mistakes.put("a query with NaN",
          s -> s.search(SearchRequest.builder(name).query(new float[DIM]).query(nan).build()));
      mistakes.put("an unknown output field of get", s -> s.get(name, List.of(1L), List.of("nope")));
      mistakes.put("an unknown output field of query",
          s -> s.query(QueryRequest.builder(name).outputFields("tag", "nope").build()));
      mistakes.put("an unknown output field of search",
          s -> s.search(SearchRequest.builder(name).query(new float[DIM]).outputFields("nope").build()));
      mistakes.put("an unknown collection to describe", s -> s.describeCollection(unknown));
      mistakes.put("an unknown collection to search",
          s -> s.search(SearchRequest.builder(unknown).query(new float[DIM]).build()));
      mistakes.put("an unknown collection to write", s -> s.upsert(unknown, rows));
      mistakes.put("deleteWhere without a filter", s -> s.deleteWhere(name, null));
      mistakes.put("another spec for a collection", s -> s.createCollection(other));
      for (Map.Entry<String, Consumer<VectorStore>> m : mistakes.entrySet()) {
        assertThat(failure(store, m.getValue())).as(m.getKey()).isEqualTo(failure(reference, m.getValue()));
      }
      assertThat(failure(store, mistakes.get("a row of a wrong dimension")))
          .startsWith("InvalidInputException: Row 1 of the batch for collection '" + name + "' ")
          .contains("'vec'").contains(String.valueOf(DIM));
      assertThat(failure(store, mistakes.get("a row with NaN"))).startsWith("InvalidInputException: Row 1 ");
      assertThat(failure(store, mistakes.get("a query of a wrong dimension")))
          .startsWith("InvalidInputException: Query vector 0: ");
      assertThat(failure(store, mistakes.get("a query with NaN"))).startsWith("InvalidInputException: Query vector 1: ");
      assertThat(failure(store, mistakes.get("an unknown output field of query")))
          .startsWith("SchemaException: Output field 'nope' is not a field of collection '" + name + "'");
      assertThat(failure(store, mistakes.get("an unknown collection to search")))
          .isEqualTo("CollectionNotFoundException: " + new CollectionNotFoundException(unknown).getMessage());
      assertThat(failure(store, mistakes.get("another spec for a collection")))
          .contains("'" + name + "' exists with another schema").contains("extra");
    }
    assertThat(store.count(name)).isEqualTo(rows.size());
  }

  /** The simple class name and message of what the call throws on the store. */
  private static String failure(VectorStore on, Consumer<VectorStore> call) {
    try {
      call.accept(on);
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    throw new AssertionError("no exception from " + on);
  }

  @Test
  void useAfterCloseRaisesClosedException() {
    VectorStore own = createStore();
    CollectionSpec spec = simpleSpec(MetricType.L2);
    own.createCollection(spec);
    own.close();
    own.close(); // closing twice does nothing
    String name = spec.name();
    List<Runnable> calls = List.of(
        () -> own.createCollection(spec),
        () -> own.hasCollection(name),
        () -> own.listCollections(),
        () -> own.describeCollection(name),
        () -> own.count(name),
        () -> own.insert(name, simpleRows(31).subList(0, 1)),
        () -> own.upsert(name, simpleRows(31).subList(0, 1)),
        () -> own.get(name, List.of(1L), List.of()),
        () -> own.delete(name, List.of(1L)),
        () -> own.deleteWhere(name, Filter.parse("id > 1")),
        () -> own.search(SearchRequest.builder(name).query(new float[DIM]).build()),
        () -> own.query(QueryRequest.builder(name).build()),
        () -> own.flush(name),
        () -> own.dropCollection(name));
    for (Runnable call : calls) {
      assertThatThrownBy(call::run).isInstanceOf(ClosedException.class);
    }
  }

  @Test
  void storedValuesAreCopiesOfTheCallersObjects() {
    CollectionSpec spec = richSpec();
    store.createCollection(spec);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("colour", "green");
    List<String> labels = new ArrayList<>(List.of("x"));
    Row row = Row.of(Map.ofEntries(Map.entry("pk", "c"), Map.entry("i32", 1), Map.entry("i64", 1L),
        Map.entry("f32", 1f), Map.entry("f64", 1d), Map.entry("flag", true), Map.entry("name", "n"),
        Map.entry("meta", meta), Map.entry("image", new float[8]), Map.entry("text", new float[4]),
        Map.entry("labels", labels)));
    store.insert(spec.name(), List.of(row));
    meta.put("colour", "changed");
    labels.add("y");
    Row got = store.get(spec.name(), List.of("c"), List.of("meta", "labels")).get(0);
    assertJsonEquals(got.get("meta"), Map.of("colour", "green"));
    assertJsonEquals(got.get("labels"), List.of("x"));
  }
}
