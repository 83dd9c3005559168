package dev.imgsearch.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.IndexType;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.collection.request.ReleaseCollectionReq;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every index type of core creates, describes back and searches on the server, with its search parameters. */
@ExtendWith(MilvusServerExtension.class)
class IndexTypesIT {
  private static final int DIM = 16;
  private static final int ROWS = 600;
  private static MilvusVectorStore store;
  private final List<String> created = new ArrayList<>();

  @BeforeAll
  static void open(MilvusEndpoint endpoint) {
    store = endpoint.storeBuilder().consistency(ConsistencyLevel.STRONG).build();
  }

  @AfterAll
  static void close() {
    if (store != null) {
      store.close();
    }
  }

  @AfterEach
  void drop() {
    created.forEach(store::dropCollection);
  }

  static Stream<Arguments> indexes() {
    return Stream.of(
        Arguments.of(IndexSpec.flat(), MetricType.L2, "", 0),
        Arguments.of(IndexSpec.ivfFlat(16), MetricType.L2, "nprobe", 8),
        Arguments.of(IndexSpec.ivfSq8(16), MetricType.L2, "nprobe", 8),
        Arguments.of(IndexSpec.hnsw(16, 100), MetricType.COSINE, "ef", 64),
        Arguments.of(IndexSpec.autoIndex(), MetricType.COSINE, "", 0));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("indexes")
  void createsDescribesAndSearches(IndexSpec index, MetricType metric, String param, int value) {
    List<Row> rows = rows(7);
    String name = create(index, metric, rows);
    assertThat(store.describeCollection(name).vectorField("vec").index()).isEqualTo(index);
    for (int target : new int[] {3, 250, 599}) {
      SearchRequest.Builder req = SearchRequest.builder(name).query(rows.get(target).vector("vec")).topK(5);
      if (!param.isEmpty()) {
        req.searchParam(param, value);
      }
      List<Hit> hits = store.search(req.build()).get(0);
      assertThat(hits).hasSize(5);
      assertThat(hits.get(0).id()).as("a stored vector finds itself first with %s", index).isEqualTo((long) target);
      List<Float> scores = hits.stream().map(Hit::score).toList();
      if (metric.higherIsCloser()) {
        assertThat(scores).isSortedAccordingTo((a, b) -> Float.compare(b, a));
      } else {
        assertThat(scores).isSorted();
      }
    }
  }

  @Test
  void ivfPqWorksWhereTheServerHasItAndIsRefusedClearlyOnMilvusLite() {
    IndexSpec pq = IndexSpec.ivfPq(16, 4, 8);
    if (store.isMilvusLite()) {
      String name = "idx_" + Long.toHexString(System.nanoTime());
      assertThatThrownBy(() -> store.createCollection(spec(name, pq, MetricType.L2)))
          .isInstanceOf(SchemaException.class)
          .hasMessageContaining("IVF_PQ").hasMessageContaining("IVF_SQ8").hasMessageContaining(store.serverVersion());
      assertThat(store.hasCollection(name)).as("nothing was created").isFalse();
    } else {
      List<Row> rows = rows(8);
      String name = create(pq, MetricType.L2, rows);
      assertThat(store.describeCollection(name).vectorField("vec").index().type()).isEqualTo(IndexType.IVF_PQ);
      List<Hit> hits = store.search(SearchRequest.builder(name).query(rows.get(10).vector("vec")).topK(10)
          .searchParam("nprobe", 16).build()).get(0);
      assertThat(hits).extracting(Hit::id).contains(10L);
    }
  }

  @Test
  void aReleasedCollectionIsLoadedAgainWhenSearched() {
    List<Row> rows = rows(9);
    String name = create(IndexSpec.hnsw(8, 64), MetricType.L2, rows);
    store.search(SearchRequest.builder(name).query(rows.get(0).vector("vec")).build());
    store.nativeClient().releaseCollection(ReleaseCollectionReq.builder().collectionName(name).build());
    List<Hit> hits = store.search(SearchRequest.builder(name).query(rows.get(1).vector("vec")).topK(1).build()).get(0);
    assertThat(hits).extracting(Hit::id).containsExactly(1L);
  }

  private String create(IndexSpec index, MetricType metric, List<Row> rows) {
    String name = "idx_" + index.type().name().toLowerCase() + "_" + Long.toHexString(System.nanoTime());
    created.add(name);
    store.createCollection(spec(name, index, metric));
    store.insert(name, rows);
    store.flush(name); // sealed segments get the real index built
    return name;
  }

  private static CollectionSpec spec(String name, IndexSpec index, MetricType metric) {
    return CollectionSpec.builder(name)
        .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
        .field(FieldSpec.vector("vec", DIM, metric, index))
        .build();
  }

  private static List<Row> rows(long seed) {
    Random r = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      float[] v = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        v[d] = (float) r.nextGaussian();
      }
      rows.add(Row.builder().put("id", (long) i).put("vec", v).build());
    }
    return rows;
  }
}
