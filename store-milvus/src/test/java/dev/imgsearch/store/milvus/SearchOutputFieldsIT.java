package dev.imgsearch.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import io.milvus.v2.common.ConsistencyLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Search results carry the output fields asked for, declared and dynamic alike, as {@code get} and {@code query}
 * do: with {@code "*"}, with {@code "*"} and a dynamic field named, and with named fields alone. Milvus returns the
 * dynamic fields of search results too (as pymilvus shows); milvus-sdk-java 2.6.22 hands them over inside the
 * {@code $meta} holder, which the store's mapping has to spread out as it is for query results.
 */
@ExtendWith(MilvusServerExtension.class)
class SearchOutputFieldsIT {
  private static final String NAME = "search_out_" + Long.toHexString(System.nanoTime());
  private static MilvusVectorStore store;

  @BeforeAll
  static void open(MilvusEndpoint e) {
    store = e.storeBuilder().consistency(ConsistencyLevel.STRONG).build();
    store.createCollection(CollectionSpec.builder(NAME)
        .primaryKey(FieldSpec.varchar("id", 100))
        .field(FieldSpec.varchar("tag", 100))
        .field(FieldSpec.vector("vec", 4, MetricType.L2))
        .dynamicFields(true)
        .build());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      rows.add(Row.builder().put("id", "row-" + i).put("tag", "t" + i).put("vec", new float[] {i, 0, 0, 0})
          .put("category", i % 2 == 0 ? "even" : "odd").put("rank", i).build());
    }
    store.insert(NAME, rows);
  }

  @AfterAll
  static void close() {
    if (store != null) {
      store.dropCollection(NAME);
      store.close();
    }
  }

  private List<Hit> search(String... outputFields) {
    return store.search(SearchRequest.builder(NAME).query(new float[] {0, 0, 0, 0}).topK(3)
        .outputFields(outputFields).build()).get(0);
  }

  @Test
  void everyFieldForTheStar() {
    List<Hit> hits = search("*");
    assertThat(hits).extracting(Hit::id).containsExactly("row-0", "row-1", "row-2");
    assertThat(hits.get(1).fields()).containsEntry("tag", "t1").containsEntry("category", "odd")
        .containsKey("rank");
    assertThat(((Number) hits.get(1).field("rank")).intValue()).isEqualTo(1);
    // As get answers for the same row.
    Row got = store.get(NAME, List.of("row-1"), List.of("*")).get(0);
    assertThat(hits.get(1).fields().keySet()).containsExactlyInAnyOrderElementsOf(
        got.asMap().keySet().stream().filter(k -> !k.equals("id")).toList());
  }

  @Test
  void theStarWithADynamicFieldNamedBesideIt() {
    // What the server asks for: the SDK then hands back only the $meta holder, not "category" on its own.
    assertThat(search("*", "category")).extracting(h -> h.field("category")).containsExactly("even", "odd", "even");
  }

  @Test
  void aNamedDynamicFieldAndADeclaredOne() {
    List<Hit> hits = search("category", "tag");
    assertThat(hits).allSatisfy(h -> assertThat(h.fields()).containsOnlyKeys("category", "tag"));
    assertThat(hits.get(2).fields()).isEqualTo(Map.of("category", "even", "tag", "t2"));
  }

  @Test
  void aNamedDynamicFieldAlone() {
    assertThat(search("category")).extracting(h -> h.field("category")).containsExactly("even", "odd", "even");
  }
}
