package dev.imgsearch.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.HybridSearchRequest;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import io.milvus.v2.common.ConsistencyLevel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The "玩转多模态搜索" tutorial's sparse + dense retrieval on Milvus: a BM25 full-text field over Chinese captions (jieba) beside a
 * dense image vector, searched by text alone and by both routes fused with RRF and weighted rankers.
 */
@ExtendWith(MilvusServerExtension.class)
class HybridSearchIT {
  private static final int DIM = 8;
  private static final String[] CAPTIONS = {
      "红色连衣裙夏季新款", "男士黑色皮鞋", "金属产品打印", "夹棉帽子冬季保暖", "红色 运动鞋 男款", "蓝色牛仔裤",
      "红色羊毛围巾冬季", "白色运动鞋女款", "儿童红色雨靴", "黑色双肩背包", "夏季碎花连衣裙", "红色"};
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

  private CollectionSpec spec(FullTextField.Analyzer analyzer) {
    String name = "hybrid_" + Long.toHexString(System.nanoTime());
    created.add(name);
    return CollectionSpec.builder(name)
        .primaryKey(FieldSpec.varchar("id", 32))
        .field(FieldSpec.varchar("caption", 500))
        .field(FieldSpec.varchar("category", 32))
        .field(FieldSpec.vector("image", DIM, MetricType.COSINE))
        .fullText(FullTextField.of("caption_bm25", "caption", analyzer))
        .build();
  }

  private static List<Row> products() {
    Random r = new Random(4);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < CAPTIONS.length; i++) {
      float[] v = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        v[d] = (float) r.nextGaussian();
      }
      rows.add(Row.builder().put("id", "p" + i).put("caption", CAPTIONS[i]).put("category", i % 2 == 0 ? "a" : "b")
          .put("image", v).build());
    }
    return rows;
  }

  private String createWithProducts(FullTextField.Analyzer analyzer) {
    CollectionSpec spec = spec(analyzer);
    store.createCollection(spec);
    store.insert(spec.name(), products());
    return spec.name();
  }

  @Test
  void aFullTextFieldRoundTripsThroughDescribeAndIsPartOfTheSchema() {
    CollectionSpec spec = spec(FullTextField.Analyzer.CHINESE);
    store.createCollection(spec);
    assertThat(store.describeCollection(spec.name())).isEqualTo(spec);
    store.createCollection(spec); // equal: nothing happens
    assertThat(spec.toBuilder().build()).isEqualTo(spec);
    CollectionSpec.Builder b = CollectionSpec.builder(spec.name()).primaryKey(spec.primaryKey());
    spec.fields().stream().skip(1).forEach(b::field);
    CollectionSpec standard = b.fullText(FullTextField.of("caption_bm25", "caption", FullTextField.Analyzer.STANDARD))
        .build();
    assertThatThrownBy(() -> store.createCollection(standard)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("full-text");
  }

  @Test
  void chineseTextIsSegmentedIntoWordsAndRankedByBm25() {
    String name = createWithProducts(FullTextField.Analyzer.CHINESE);
    List<Hit> hits = store.hybridSearch(HybridSearchRequest.builder(name).text("caption_bm25", "红色")
        .topK(10).outputFields("caption").build());
    // Every caption holding the word 红色, and no other; jieba finds it inside "红色连衣裙夏季新款".
    assertThat(hits).extracting(Hit::id).containsExactlyInAnyOrder("p0", "p4", "p6", "p8", "p11");
    assertThat(hits).allSatisfy(h -> assertThat((String) h.field("caption")).contains("红色"));
    assertThat(hits).allSatisfy(h -> assertThat(h.score()).isPositive());
    assertThat(hits).extracting(Hit::score).isSortedAccordingTo(Comparator.reverseOrder());
    assertThat(hits.get(0).id()).as("the shortest caption made of the word alone ranks first").isEqualTo("p11");
  }

  @Test
  void theStandardAnalyzerKeepsAChineseRunAsOneTerm() {
    String name = createWithProducts(FullTextField.Analyzer.STANDARD);
    List<Hit> hits = store.hybridSearch(HybridSearchRequest.builder(name).text("caption_bm25", "红色").topK(10)
        .build());
    assertThat(hits).extracting(Hit::id).contains("p4", "p11").doesNotContain("p0", "p6", "p8");
  }

  @Test
  void rrfFusesTheDenseAndTextRankingsAsTheFormulaSays() {
    String name = createWithProducts(FullTextField.Analyzer.CHINESE);
    List<Row> rows = products();
    float[] query = rows.get(7).vector("image");
    int k = 60;
    List<Hit> dense = store.hybridSearch(HybridSearchRequest.builder(name).vector("image", query).topK(12).build());
    List<Hit> text = store.hybridSearch(HybridSearchRequest.builder(name).text("caption_bm25", "红色 冬季").topK(12)
        .build());
    assertThat(dense.get(0).id()).isEqualTo("p7");
    Map<Object, Double> expected = new HashMap<>();
    for (List<Hit> ranking : List.of(dense, text)) {
      for (int rank = 0; rank < ranking.size(); rank++) {
        expected.merge(ranking.get(rank).id(), 1.0 / (k + rank + 1), Double::sum);
      }
    }
    List<Hit> fused = store.hybridSearch(HybridSearchRequest.builder(name).vector("image", query)
        .text("caption_bm25", "红色 冬季").rrf(k).topK(5).outputFields("caption").build());
    assertThat(fused).hasSize(5);
    for (Hit h : fused) {
      assertThat((double) h.score()).as("RRF score of %s", h.id()).isCloseTo(expected.get(h.id()), within(1e-6));
    }
    assertThat(fused).extracting(Hit::score).isSortedAccordingTo(Comparator.reverseOrder());
    double best = expected.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    assertThat((double) fused.get(0).score()).isCloseTo(best, within(1e-6));
  }

  @Test
  void weightedFusionFollowsTheWeights() {
    String name = createWithProducts(FullTextField.Analyzer.CHINESE);
    float[] query = products().get(9).vector("image");
    List<Hit> dense = store.hybridSearch(HybridSearchRequest.builder(name).vector("image", query).topK(5).build());
    List<Hit> text = store.hybridSearch(HybridSearchRequest.builder(name).text("caption_bm25", "运动鞋").topK(5)
        .build());
    assertThat(text).extracting(Hit::id).containsExactlyInAnyOrder("p4", "p7");

    List<Hit> denseOnly = store.hybridSearch(HybridSearchRequest.builder(name).vector("image", query)
        .text("caption_bm25", "运动鞋").weighted(1.0, 0.0).topK(5).build());
    assertThat(denseOnly).extracting(Hit::id).containsExactlyElementsOf(dense.stream().map(Hit::id).toList());

    List<Hit> textFirst = store.hybridSearch(HybridSearchRequest.builder(name).vector("image", query)
        .text("caption_bm25", "运动鞋").weighted(0.1, 0.9).topK(5).build());
    assertThat(textFirst.subList(0, 2)).extracting(Hit::id).containsExactlyInAnyOrder("p4", "p7");
    assertThat(textFirst).extracting(Hit::score).isSortedAccordingTo(Comparator.reverseOrder());
  }

  @Test
  void theFilterAppliesToEveryRoute() {
    String name = createWithProducts(FullTextField.Analyzer.CHINESE);
    float[] query = products().get(0).vector("image");
    List<Hit> hits = store.hybridSearch(HybridSearchRequest.builder(name).vector("image", query)
        .text("caption_bm25", "红色").filter("category == \"b\"").topK(12).outputFields("category").build());
    assertThat(hits).isNotEmpty().allSatisfy(h -> assertThat(h.field("category")).isEqualTo("b"));
    assertThat(hits).extracting(Hit::id).doesNotContain("p0");
  }

  @Test
  void mistakesAreReportedBeforeAnythingIsSent() {
    String name = createWithProducts(FullTextField.Analyzer.CHINESE);
    assertThatThrownBy(() -> store.hybridSearch(HybridSearchRequest.builder(name).text("caption", "红色").build()))
        .isInstanceOf(SchemaException.class).hasMessageContaining("caption_bm25");
    assertThatThrownBy(() -> store.hybridSearch(HybridSearchRequest.builder(name).vector("image", new float[3])
        .text("caption_bm25", "红色").build())).isInstanceOf(InvalidInputException.class).hasMessageContaining("8");
    assertThatThrownBy(() -> store.hybridSearch(HybridSearchRequest.builder(name).text("caption_bm25", "红色")
        .filter("caption_bm25 == \"x\"").build())).isInstanceOf(SchemaException.class);
    Row withSparse = Row.builder().put("id", "x").put("caption", "c").put("category", "a").put("image", new float[DIM])
        .put("caption_bm25", Map.of(1L, 1f)).build();
    assertThatThrownBy(() -> store.insert(name, List.of(withSparse))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("caption_bm25").hasMessageContaining("caption");
    // Rows read back carry the text, never the computed sparse vector.
    assertThat(store.query(QueryRequest.builder(name).outputFields("*").limit(1).build()).get(0).fields())
        .containsExactlyInAnyOrder("id", "caption", "category");
  }
}
