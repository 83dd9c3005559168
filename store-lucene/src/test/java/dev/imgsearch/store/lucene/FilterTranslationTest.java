package dev.imgsearch.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.filter.Filters;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Filters translated into Lucene queries select exactly the rows {@link Filter#matches} accepts on the stored
 * values, and the rows the in-memory store selects: random filters over edge values (NaN, infinities, -0.0,
 * integers beyond 2^53, floats against fractional literals, code points above U+FFFF, like patterns with escaped
 * wildcards, strings too long for a Lucene term, dynamic and JSON values of every kind).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilterTranslationTest {
  private static final String NAME = "edges";
  private static final int ROWS = 240;

  private static final long[] LONGS = {Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1, 0, 1, -1,
      2, 7, (1L << 53), (1L << 53) + 1, (1L << 24) + 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1000};
  private static final double[] DOUBLES = {0.1, -0.0, 0.0, 0.5, 2.5, -2.5, 1.0, 7.0, 1e300, -1e300, 0x1p63, -0x1p63,
      0x1p53, 0x1p53 + 2, Math.nextUp(0.1), (double) 0.1f, (double) Float.MAX_VALUE, 3.4028235677973366E38,
      Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, 16777217.0, 1.0000001};
  private static final float[] FLOATS = {0.1f, -0f, 0f, 0.5f, 2.5f, 1f, 7f, 16777216f, 16777218f, Math.nextUp(0.1f),
      Float.MAX_VALUE, Float.MIN_VALUE, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -2.5f};
  private static final double[] ROW_DOUBLES = {0.1, -0.0, 0.0, 0.5, 2.5, 7.0, 0x1p53, 0x1p53 + 2, Math.nextUp(0.1),
      (double) 0.1f, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE, 1e300,
      -Double.MIN_VALUE, 0x1p63, 1.0};
  private static final String LONG_A = "a".repeat(40_000);
  private static final String[] STRINGS = {"", "a", "abc", "abd", "a%c", "a_c", "a*c", "a?c", "a\\c", "✓ok", "😀",
      "x😀y", "b", "B", "ab", "\uE000", "\uFFFF", LONG_A, LONG_A + "b", "name 1", "name 10", "%"};
  private static final String[] PATTERNS = {"a%", "%c", "%b%", "a_c", "a\\%c", "a\\_c", "%\\\\%", "", "%", "_", "__",
      "a*%", "%?%", "✓%", "%😀%", "_😀_", "x_y", "a%c", "%a%a%", "a", "😀", "aaa%", "%b", "\\%"};

  private LuceneVectorStore lucene;
  private InMemoryVectorStore memory;
  private List<Row> stored;
  private final Random random = new Random(42);

  @BeforeAll
  void load(@TempDir Path dir) {
    CollectionSpec spec = CollectionSpec.builder(NAME)
        .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
        .field(FieldSpec.scalar("i32", FieldType.INT32))
        .field(FieldSpec.scalar("i64", FieldType.INT64))
        .field(FieldSpec.scalar("f32", FieldType.FLOAT))
        .field(FieldSpec.scalar("f64", FieldType.DOUBLE))
        .field(FieldSpec.scalar("flag", FieldType.BOOL))
        .field(FieldSpec.varchar("name", 65_535))
        .field(FieldSpec.scalar("meta", FieldType.JSON))
        .field(FieldSpec.vector("vec", 2, MetricType.L2))
        .dynamicFields(true)
        .build();
    lucene = LuceneVectorStore.open(dir.resolve("store"));
    memory = new InMemoryVectorStore();
    lucene.createCollection(spec);
    memory.createCollection(spec);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      Row.Builder b = Row.builder().put("id", (long) i)
          .put("i32", (int) pick(LONGS))
          .put("i64", pick(LONGS))
          .put("f32", FLOATS[random.nextInt(FLOATS.length)])
          .put("f64", ROW_DOUBLES[random.nextInt(ROW_DOUBLES.length)])
          .put("flag", random.nextBoolean())
          .put("name", STRINGS[random.nextInt(STRINGS.length)])
          .put("meta", jsonValue())
          .put("vec", new float[] {random.nextFloat(), random.nextFloat()});
      if (random.nextInt(4) != 0) {
        b.put("dyn", jsonValue());
      }
      rows.add(b.build());
    }
    lucene.insert(NAME, rows.subList(0, ROWS / 2));
    lucene.insert(NAME, rows.subList(ROWS / 2, ROWS)); // two segments
    memory.insert(NAME, rows);
    stored = lucene.query(QueryRequest.builder(NAME).outputFields("*").limit(ROWS).build());
    assertThat(stored).hasSize(ROWS);
  }

  @AfterAll
  void close() {
    lucene.close();
    memory.close();
  }

  private long pick(long[] values) {
    long v = values[random.nextInt(values.length)];
    return v == (int) v ? v : random.nextInt(5) - 2;
  }

  private Object jsonValue() {
    return switch (random.nextInt(7)) {
      case 0 -> LONGS[random.nextInt(LONGS.length)];
      case 1 -> {
        double d = ROW_DOUBLES[random.nextInt(ROW_DOUBLES.length)];
        yield Double.isFinite(d) ? d : 0.25;
      }
      case 2 -> STRINGS[random.nextInt(STRINGS.length)];
      case 3 -> random.nextBoolean();
      case 4 -> List.of(1, "x");
      case 5 -> Map.of("k", 1);
      default -> (long) random.nextInt(5);
    };
  }

  // ---- random filters ---------------------------------------------------------------------------------------

  private Object numberLiteral() {
    return random.nextBoolean() ? (Object) LONGS[random.nextInt(LONGS.length)]
        : (Object) DOUBLES[random.nextInt(DOUBLES.length)];
  }

  private Object literalFor(String field) {
    return switch (field) {
      case "i32", "i64", "f32", "f64", "id" -> numberLiteral();
      case "name" -> STRINGS[random.nextInt(STRINGS.length)];
      case "flag" -> random.nextBoolean();
      default -> switch (random.nextInt(3)) {
        case 0 -> numberLiteral();
        case 1 -> STRINGS[random.nextInt(STRINGS.length)];
        default -> random.nextBoolean();
      };
    };
  }

  private Filter leaf() {
    String[] fields = {"i32", "i64", "f32", "f64", "flag", "name", "meta", "dyn", "id", "absent"};
    String field = fields[random.nextInt(fields.length)];
    int kind = random.nextInt(10);
    if (kind < 6) {
      Object v = literalFor(field);
      boolean ordering = !(v instanceof Boolean);
      int op = ordering ? random.nextInt(6) : random.nextInt(2);
      return switch (op) {
        case 0 -> Filters.eq(field, v);
        case 1 -> Filters.ne(field, v);
        case 2 -> Filters.lt(field, v);
        case 3 -> Filters.le(field, v);
        case 4 -> Filters.gt(field, v);
        default -> Filters.ge(field, v);
      };
    }
    if (kind < 8 || (!field.equals("name") && !field.equals("meta") && !field.equals("dyn")
        && !field.equals("absent"))) {
      int n = random.nextInt(4);
      List<Object> values = new ArrayList<>();
      Object first = literalFor(field);
      for (int i = 0; i < n; i++) {
        Object v = i == 0 ? first : literalFor(field);
        if (first instanceof Number ? v instanceof Number : v.getClass() == first.getClass()) {
          values.add(v);
        }
      }
      return random.nextBoolean() ? Filters.in(field, values) : Filters.notIn(field, values);
    }
    return Filters.like(field, PATTERNS[random.nextInt(PATTERNS.length)]);
  }

  private Filter filter(int depth) {
    if (depth == 0 || random.nextInt(3) == 0) {
      return leaf();
    }
    return switch (random.nextInt(3)) {
      case 0 -> Filters.and(filter(depth - 1), filter(depth - 1));
      case 1 -> Filters.or(filter(depth - 1), filter(depth - 1));
      default -> Filters.not(filter(depth - 1));
    };
  }

  private Set<Long> expected(Filter f) {
    return stored.stream().filter(r -> f.matches(r.asMap())).map(r -> (Long) r.get("id"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<Long> ids(List<Row> rows) {
    return rows.stream().map(r -> (Long) r.get("id")).collect(Collectors.toCollection(TreeSet::new));
  }

  private Set<Long> query(dev.imgsearch.core.store.VectorStore store, Filter f) {
    return ids(store.query(QueryRequest.builder(NAME).filter(f).limit(ROWS).build()));
  }

  // ---- tests ------------------------------------------------------------------------------------------------

  @Test
  void everyLeafSelectsWhatMatchesSelects() {
    int nonTrivial = 0;
    for (int i = 0; i < 600; i++) {
      Filter f = leaf();
      Set<Long> expected = expected(f);
      assertThat(query(lucene, f)).as("%s", f.toExpression()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(query(memory, f)).as("in-memory store, %s", f.toExpression()).containsExactlyInAnyOrderElementsOf(expected);
      if (!expected.isEmpty() && expected.size() < ROWS) {
        nonTrivial++;
      }
    }
    assertThat(nonTrivial).as("filters that select some but not all rows").isGreaterThan(200);
  }

  @Test
  void nestedFiltersSelectWhatMatchesSelects() {
    for (int i = 0; i < 150; i++) {
      Filter f = filter(3);
      Set<Long> expected = expected(f);
      assertThat(query(lucene, f)).as("%s", f.toExpression()).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void filteredExactSearchRanksExactlyTheMatchingRows() {
    for (int i = 0; i < 60; i++) {
      Filter f = filter(2);
      Set<Long> expected = expected(f);
      List<Hit> hits = lucene.search(SearchRequest.builder(NAME).query(new float[] {0.5f, 0.5f}).topK(ROWS)
          .filter(f).build()).get(0);
      Set<Long> found = hits.stream().map(h -> (Long) h.id()).collect(Collectors.toCollection(TreeSet::new));
      assertThat(found).as("%s", f.toExpression()).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @Test
  void aFilterOfAnotherClassIsEvaluatedOnTheStoredRows() {
    Filter everySeventh = new Filter() {
      @Override
      public boolean matches(Map<String, ?> row) {
        return row.get("id") instanceof Long id && id % 7 == 0;
      }

      @Override
      public Set<String> fields() {
        return Set.of("id");
      }

      @Override
      public String toExpression() {
        return "id >= 0";
      }
    };
    Set<Long> expected = expected(everySeventh);
    assertThat(expected).hasSize((ROWS + 6) / 7);
    assertThat(query(lucene, everySeventh)).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void edgeCasesByHand() {
    Map<String, Supplier<Filter>> cases = Map.of(
        "float field at float precision", () -> Filter.parse("f32 == 0.1"),
        "long beyond 2^53", () -> Filter.parse("i64 == 9007199254740993"),
        "NaN is unequal to everything", () -> Filter.parse("f32 != 0.5"),
        "-0.0 equals 0.0", () -> Filter.parse("f64 == 0.0"),
        "long string by prefix", () -> Filter.parse("name like \"aaaa%\""),
        "escaped wildcard", () -> Filter.parse("name like \"a\\\\%c\""),
        "code point order", () -> Filter.parse("name > \"\uFFFF\""),
        "dynamic number", () -> Filter.parse("dyn >= 2"),
        "missing field under not", () -> Filter.parse("not (absent == 1)"));
    cases.forEach((what, f) -> {
      Set<Long> expected = expected(f.get());
      assertThat(query(lucene, f.get())).as(what).containsExactlyInAnyOrderElementsOf(expected);
    });
    assertThat(expected(Filter.parse("name like \"aaaa%\""))).as("long strings are in the data").isNotEmpty();
    assertThat(expected(Filter.parse("not (absent == 1)"))).hasSize(ROWS);
  }
}
