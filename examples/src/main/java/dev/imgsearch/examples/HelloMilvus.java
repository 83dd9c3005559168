package dev.imgsearch.examples;

import dev.imgsearch.core.filter.Filters;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.core.store.VectorStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The "Milvus的以文搜图" tutorial's {@code hello_milvus.py}, every step through {@link VectorStore}: connect, create {@code hello_milvus}
 * (VARCHAR pk, DOUBLE random, 8-d embeddings), insert 3000 rows, flush, IVF_FLAT/L2 with nlist 128, load (implicit
 * here), search the last two vectors with nprobe 10, query {@code random > 0.5}, pagination, a filtered ("hybrid")
 * search, delete by pk, drop; printed in the same sections with latencies. The random numbers come from
 * {@code java.util.Random(19530)}, so the values differ from numpy's but are the same on every run.
 */
@Command(name = "HelloMilvus", mixinStandardHelpOptions = true, sortOptions = false,
    description = "hello_milvus.py (walkthrough 000), step by step, on the embedded store or on Milvus (--uri).")
public final class HelloMilvus extends ExampleCommand {
  static final String COLLECTION = "hello_milvus";
  static final String SEARCH_LATENCY = "search latency = %.4fs%n";

  @Mixin StoreOptions store = new StoreOptions();

  @Option(names = "--entities", paramLabel = "N", defaultValue = "3000", description = "Rows to insert (default: ${DEFAULT-VALUE}).")
  int numEntities;

  @Option(names = "--dim", paramLabel = "D", defaultValue = "8", description = "Vector dimension (default: ${DEFAULT-VALUE}).")
  int dim;

  public HelloMilvus() {
    this(System.getenv());
  }

  HelloMilvus(Map<String, String> environment) {
    super(environment);
  }

  public static void main(String[] args) {
    Cli.main(new HelloMilvus(), args);
  }

  @Override
  void run() {
    // 1. connect to Milvus
    section(store.milvus() ? "start connecting to Milvus" : "start opening the embedded store");
    try (VectorStore milvus = store.open()) {
      boolean has = milvus.hasCollection(COLLECTION);
      out().printf("Does collection hello_milvus exist in %s: %s%n", store.describe(), has);
      if (has) {
        milvus.dropCollection(COLLECTION); // left over from an interrupted run
      }

      // 2. create collection
      CollectionSpec schema = CollectionSpec.builder(COLLECTION)
          .description("hello_milvus is the simplest demo to introduce the APIs")
          .primaryKey(FieldSpec.varchar("pk", 100))
          .field(FieldSpec.scalar("random", FieldType.DOUBLE))
          .field(FieldSpec.vector("embeddings", dim, MetricType.L2, IndexSpec.ivfFlat(128)))
          .build();
      section("Create collection `hello_milvus`");
      milvus.createCollection(schema);
      out().printf("%s%n", schema);

      // 3. insert data
      section("Start inserting entities");
      Random rng = new Random(19530);
      List<Row> entities = new ArrayList<>(numEntities);
      for (int i = 0; i < numEntities; i++) {
        float[] v = new float[dim];
        for (int d = 0; d < dim; d++) {
          v[d] = rng.nextFloat();
        }
        entities.add(Row.builder().put("pk", Integer.toString(i)).put("random", rng.nextDouble()).put("embeddings", v)
            .build());
      }
      List<Object> primaryKeys = milvus.insert(COLLECTION, entities);
      milvus.flush(COLLECTION);
      out().printf("Number of entities in Milvus: %d%n", milvus.count(COLLECTION));

      // 4. create index: declared with the field (IVF_FLAT, L2, nlist 128), built by the store as rows arrive.
      section("Start Creating index IVF_FLAT");
      out().printf("index: %s, metric %s%n", schema.vectorField("embeddings").index(), MetricType.L2);

      // 5. search, query, and hybrid search; the store loads collections itself.
      section("Start loading");
      out().println("loaded (the store loads a collection when it is first used)");

      section("Start searching based on vector similarity");
      List<float[]> vectorsToSearch = List.of(entities.get(numEntities - 2).vector("embeddings"),
          entities.get(numEntities - 1).vector("embeddings"));
      long start = System.nanoTime();
      List<List<Hit>> result = milvus.search(SearchRequest.builder(COLLECTION).queries(vectorsToSearch).topK(3)
          .searchParam("nprobe", 10).outputFields("random").build());
      double latency = (System.nanoTime() - start) / 1e9;
      printHits(result);
      out().printf(Locale.ROOT, SEARCH_LATENCY, latency);

      section("Start querying with `random > 0.5`");
      start = System.nanoTime();
      List<Row> rows = milvus.query(QueryRequest.builder(COLLECTION).filter("random > 0.5")
          .outputFields("random", "embeddings").limit(QueryRequest.MAX_WINDOW).build());
      latency = (System.nanoTime() - start) / 1e9;
      out().printf("query result:%n-%s%n", format(rows.get(0)));
      out().printf("%d entities with random > 0.5%n", rows.size());
      out().printf(Locale.ROOT, SEARCH_LATENCY, latency);

      // pagination
      List<Row> r1 = milvus.query(QueryRequest.builder(COLLECTION).filter("random > 0.5").limit(4)
          .outputFields("random").build());
      List<Row> r2 = milvus.query(QueryRequest.builder(COLLECTION).filter("random > 0.5").offset(1).limit(3)
          .outputFields("random").build());
      out().printf("query pagination(limit=4):%n\t%s%n", formatAll(r1));
      out().printf("query pagination(offset=1, limit=3):%n\t%s%n", formatAll(r2));

      section("Start hybrid searching with `random > 0.5`");
      start = System.nanoTime();
      result = milvus.search(SearchRequest.builder(COLLECTION).queries(vectorsToSearch).topK(3)
          .searchParam("nprobe", 10).filter(Filters.gt("random", 0.5)).outputFields("random").build());
      latency = (System.nanoTime() - start) / 1e9;
      printHits(result);
      out().printf(Locale.ROOT, SEARCH_LATENCY, latency);

      // 6. delete entities by PK
      List<Object> ids = List.of(primaryKeys.get(0), primaryKeys.get(1));
      String expr = Filters.in("pk", ids).toExpression();
      section("Start deleting with expr `" + expr + "`");
      List<Row> before = milvus.query(QueryRequest.builder(COLLECTION).filter(expr).outputFields("random", "embeddings")
          .build());
      out().printf("query before delete by expr=`%s` -> result: %n%s%n%n", expr,
          before.stream().map(r -> "-" + format(r)).collect(Collectors.joining("\n")));
      milvus.delete(COLLECTION, ids);
      List<Row> after = milvus.query(QueryRequest.builder(COLLECTION).filter(expr).outputFields("random", "embeddings")
          .build());
      out().printf("query after delete by expr=`%s` -> result: %s%n%n", expr, formatAll(after));

      // 7. drop collection
      section("Drop collection `hello_milvus`");
      milvus.dropCollection(COLLECTION);
      out().printf("Does collection hello_milvus exist: %s%n", milvus.hasCollection(COLLECTION));
    }
  }

  private void printHits(List<List<Hit>> result) {
    for (List<Hit> hits : result) {
      for (Hit hit : hits) {
        out().printf(Locale.ROOT, "hit: id: %s, distance: %s, entity: {'random': %s}, random field: %s%n", hit.id(),
            hit.score(), hit.field("random"), hit.field("random"));
      }
    }
  }

  private static String formatAll(List<Row> rows) {
    return rows.stream().map(HelloMilvus::format).collect(Collectors.joining(", ", "[", "]"));
  }

  private static String format(Row row) {
    StringBuilder sb = new StringBuilder("{");
    List<String> parts = new ArrayList<>();
    for (String field : List.of("random", "embeddings", "pk")) {
      if (!row.has(field)) {
        continue;
      }
      Object v = row.get(field);
      parts.add("'" + field + "': " + (v instanceof float[] f ? Arrays.toString(f) : v instanceof String s
          ? "'" + s + "'" : String.valueOf(v)));
    }
    return sb.append(String.join(", ", parts)).append('}').toString();
  }
}
