package dev.imgsearch.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import io.milvus.v2.common.ConsistencyLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The "Milvus的以文搜图" tutorial's hello_milvus.py, step by step, through the store: a VARCHAR primary key, a DOUBLE "random" field,
 * 8-d "embeddings", 3000 rows, an IVF_FLAT/L2 index with nlist 128, search with nprobe 10, the query
 * {@code random > 0.5}, pagination, a filtered search, delete by primary key, drop.
 */
@ExtendWith(MilvusServerExtension.class)
class HelloMilvusIT {
  private static final int NUM_ENTITIES = 3000;
  private static final int DIM = 8;

  @Test
  void helloMilvusEndToEnd() {
    String name = "hello_milvus_" + Long.toHexString(System.nanoTime());
    try (MilvusVectorStore store = MilvusServerExtension.endpoint().storeBuilder()
        .consistency(ConsistencyLevel.STRONG).build()) {
      // 2. create collection
      assertThat(store.hasCollection(name)).isFalse();
      CollectionSpec spec = CollectionSpec.builder(name)
          .description("hello_milvus is the simplest demo to introduce the APIs")
          .primaryKey(FieldSpec.varchar("pk", 100))
          .field(FieldSpec.scalar("random", FieldType.DOUBLE))
          .field(FieldSpec.vector("embeddings", DIM, MetricType.L2, IndexSpec.ivfFlat(128)))
          .build();
      store.createCollection(spec);
      assertThat(store.describeCollection(name)).isEqualTo(spec);

      // 3. insert 3000 rows
      Random rng = new Random(19530);
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < NUM_ENTITIES; i++) {
        float[] v = new float[DIM];
        for (int d = 0; d < DIM; d++) {
          v[d] = rng.nextFloat();
        }
        rows.add(Row.builder().put("pk", Integer.toString(i)).put("random", rng.nextDouble()).put("embeddings", v)
            .build());
      }
      List<Object> insertedKeys = store.insert(name, rows);
      assertThat(insertedKeys).hasSize(NUM_ENTITIES).first().isEqualTo("0");
      store.flush(name);
      assertThat(store.count(name)).isEqualTo(NUM_ENTITIES);

      // 5. search the last two vectors, nprobe 10, output "random"
      List<float[]> vectorsToSearch = List.of(rows.get(NUM_ENTITIES - 2).vector("embeddings"),
          rows.get(NUM_ENTITIES - 1).vector("embeddings"));
      List<List<Hit>> result = store.search(SearchRequest.builder(name).queries(vectorsToSearch).topK(3)
          .searchParam("nprobe", 10).outputFields("random").build());
      assertThat(result).hasSize(2);
      for (int q = 0; q < 2; q++) {
        List<Hit> hits = result.get(q);
        assertThat(hits).hasSize(3);
        Row self = rows.get(NUM_ENTITIES - 2 + q);
        assertThat(hits.get(0).id()).isEqualTo(self.get("pk"));
        assertThat((double) hits.get(0).score()).isCloseTo(0.0, within(1e-5));
        assertThat(hits.get(0).field("random")).isEqualTo(self.get("random"));
        assertThat(hits).extracting(Hit::score).isSorted();
      }

      // query random > 0.5 with random and embeddings
      Map<Object, Row> byKey = rows.stream().collect(Collectors.toMap(r -> r.get("pk"), r -> r));
      long expectedMatches = rows.stream().filter(r -> (Double) r.get("random") > 0.5).count();
      List<Row> matches = store.query(QueryRequest.builder(name).filter("random > 0.5")
          .outputFields("random", "embeddings").limit(NUM_ENTITIES).build());
      assertThat(matches).hasSize((int) expectedMatches);
      Row first = matches.get(0);
      assertThat((Double) first.get("random")).isGreaterThan(0.5);
      assertThat(first.vector("embeddings")).containsExactly(byKey.get(first.get("pk")).vector("embeddings"));

      // pagination
      List<Row> r1 = store.query(QueryRequest.builder(name).filter("random > 0.5").limit(4).outputFields("random")
          .build());
      List<Row> r2 = store.query(QueryRequest.builder(name).filter("random > 0.5").offset(1).limit(3)
          .outputFields("random").build());
      assertThat(r1).hasSize(4);
      assertThat(r2).containsExactlyElementsOf(r1.subList(1, 4));

      // filtered ("hybrid" in the seed) search
      List<List<Hit>> filtered = store.search(SearchRequest.builder(name).queries(vectorsToSearch).topK(3)
          .searchParam("nprobe", 10).filter("random > 0.5").outputFields("random").build());
      for (List<Hit> hits : filtered) {
        assertThat(hits).hasSize(3).allSatisfy(h -> assertThat((Double) h.field("random")).isGreaterThan(0.5));
      }

      // 6. delete by primary key, with the expression of the seed
      String expr = Filters.in("pk", List.of(insertedKeys.get(0), insertedKeys.get(1))).toExpression();
      assertThat(expr).isEqualTo("pk in [\"0\", \"1\"]");
      assertThat(store.query(QueryRequest.builder(name).filter(expr).outputFields("random", "embeddings").build()))
          .hasSize(2);
      store.deleteWhere(name, Filters.in("pk", List.of(insertedKeys.get(0), insertedKeys.get(1))));
      assertThat(store.query(QueryRequest.builder(name).filter(expr).build())).isEmpty();
      assertThat(store.count(name)).isEqualTo(NUM_ENTITIES - 2);

      // 7. drop
      assertThat(store.dropCollection(name)).isTrue();
      assertThat(store.hasCollection(name)).isFalse();
    }
  }
}
