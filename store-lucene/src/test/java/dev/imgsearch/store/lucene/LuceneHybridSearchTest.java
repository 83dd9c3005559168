package dev.imgsearch.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.HybridSearchRequest;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hybrid search: BM25 text routes (English and Chinese), dense routes, RRF and weighted fusion, filters. */
class LuceneHybridSearchTest {
  private static final String[] CHINESE = {"红色连衣裙", "蓝色牛仔裤", "红色运动鞋", "白色连衣裙夏季", "黑色皮鞋",
      "红色的帽子", "夏季短袖衬衫", "儿童连衣裙", "蓝色连衣裙", "运动鞋男款"};
  private static final String[] ENGLISH = {"red dress", "blue jeans", "red running shoes", "white summer dress",
      "black leather shoes", "a red hat", "summer shirt short sleeves", "kids dress", "blue dress", "running shoes"};

  @TempDir
  Path dir;

  private LuceneVectorStore store;
  private final Random random = new Random(7);
  private final Map<String, float[]> vectors = new HashMap<>();

  @BeforeEach
  void open() {
    store = LuceneVectorStore.open(dir.resolve("store"));
    CollectionSpec spec = CollectionSpec.builder("products")
        .primaryKey(FieldSpec.varchar("id", 16))
        .field(FieldSpec.varchar("caption", 200))
        .field(FieldSpec.varchar("caption_en", 200))
        .field(FieldSpec.scalar("price", FieldType.INT32))
        .field(FieldSpec.vector("image", 8, MetricType.COSINE))
        .fullText(FullTextField.of("caption_bm25", "caption", FullTextField.Analyzer.CHINESE))
        .fullText(FullTextField.of("caption_en_bm25", "caption_en", FullTextField.Analyzer.STANDARD))
        .build();
    store.createCollection(spec);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < CHINESE.length; i++) {
      float[] v = new float[8];
      for (int j = 0; j < 8; j++) {
        v[j] = (float) random.nextGaussian();
      }
      vectors.put("p" + i, v);
      rows.add(Row.builder().put("id", "p" + i).put("caption", CHINESE[i]).put("caption_en", ENGLISH[i])
          .put("price", 10 * (i + 1)).put("image", v).build());
    }
    store.insert("products", rows);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private List<Hit> hybrid(HybridSearchRequest.Builder b) {
    return store.hybridSearch(b.build());
  }

  private static List<Object> ids(List<Hit> hits) {
    return hits.stream().map(Hit::id).toList();
  }

  @Test
  void chineseTextIsSegmentedIntoWords() {
    List<Hit> dress = hybrid(HybridSearchRequest.builder("products").text("caption_bm25", "连衣裙").topK(10));
    assertThat(ids(dress)).containsExactlyInAnyOrder("p0", "p3", "p7", "p8");
    // "衣" is a character inside the word 连衣裙, not a word of its own: a word segmenter finds nothing
    // (a per-character analyzer would match every dress).
    assertThat(hybrid(HybridSearchRequest.builder("products").text("caption_bm25", "衣").topK(10))).isEmpty();
    List<Hit> redDress = hybrid(HybridSearchRequest.builder("products").text("caption_bm25", "红色 连衣裙").topK(3));
    assertThat(redDress.get(0).id()).isEqualTo("p0");
  }

  @Test
  void bm25ScoresFollowTheTextbookFormulaWithMilvusDefaults() {
    String query = "red dress";
    List<Hit> hits = hybrid(HybridSearchRequest.builder("products").text("caption_en_bm25", query).topK(10));
    // Independent BM25: idf = ln(1 + (N - n + 0.5) / (n + 0.5)); tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl)).
    double k1 = 1.2;
    double b = 0.75;
    List<List<String>> docs = Arrays.stream(ENGLISH).map(t -> List.of(t.toLowerCase(Locale.ROOT).split(" "))).toList();
    double avgdl = docs.stream().mapToInt(List::size).average().orElseThrow();
    Map<String, Double> expected = new HashMap<>();
    for (int d = 0; d < docs.size(); d++) {
      double score = 0;
      for (String term : query.split(" ")) {
        long n = docs.stream().filter(x -> x.contains(term)).count();
        long tf = docs.get(d).stream().filter(term::equals).count();
        if (tf == 0) {
          continue;
        }
        double idf = Math.log(1 + (docs.size() - n + 0.5) / (n + 0.5));
        score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * docs.get(d).size() / avgdl));
      }
      if (score > 0) {
        expected.put("p" + d, score);
      }
    }
    assertThat(hits).hasSize(expected.size());
    for (int i = 0; i < hits.size(); i++) {
      Hit h = hits.get(i);
      assertThat((double) h.score()).as("BM25 of %s", h.id()).isCloseTo(expected.get(h.id()), within(1e-4));
      if (i > 0) {
        assertThat(h.score()).isLessThanOrEqualTo(hits.get(i - 1).score());
      }
    }
    assertThat(hits.get(0).id()).isEqualTo("p0");
  }

  @Test
  void rrfFusesTheRoutesRanks() {
    float[] q = vectors.get("p2").clone();
    q[0] += 0.3f;
    List<Hit> dense = store.search(SearchRequest.builder("products").vectorField("image").query(q).topK(10).build())
        .get(0);
    List<Hit> text = hybrid(HybridSearchRequest.builder("products").text("caption_en_bm25", "red shoes").topK(10));
    List<Hit> fused = hybrid(HybridSearchRequest.builder("products").vector("image", q)
        .text("caption_en_bm25", "red shoes").rrf(60).topK(5).candidates(10).outputFields("price"));
    Map<Object, Double> expected = new HashMap<>();
    for (int i = 0; i < dense.size(); i++) {
      expected.merge(dense.get(i).id(), 1.0 / (60 + i + 1), Double::sum);
    }
    for (int i = 0; i < text.size(); i++) {
      expected.merge(text.get(i).id(), 1.0 / (60 + i + 1), Double::sum);
    }
    List<Map.Entry<Object, Double>> best = expected.entrySet().stream()
        .sorted(Map.Entry.<Object, Double>comparingByValue().reversed()).limit(5).toList();
    assertThat(ids(fused)).containsExactlyElementsOf(best.stream().map(Map.Entry::getKey).toList());
    for (int i = 0; i < 5; i++) {
      assertThat((double) fused.get(i).score()).isCloseTo(best.get(i).getValue(), within(1e-6));
      assertThat(fused.get(i).field("price")).isInstanceOf(Integer.class);
    }
  }

  @Test
  void weightedFusionNormalisesScoresAsMilvus() {
    float[] q = vectors.get("p5").clone();
    List<Hit> dense = store.search(SearchRequest.builder("products").vectorField("image").query(q).topK(10).build())
        .get(0);
    List<Hit> text = hybrid(HybridSearchRequest.builder("products").text("caption_en_bm25", "red hat").topK(10));
    List<Hit> fused = hybrid(HybridSearchRequest.builder("products").vector("image", q)
        .text("caption_en_bm25", "red hat").weighted(0.7, 0.3).topK(4).candidates(10));
    Map<Object, Double> expected = new HashMap<>();
    dense.forEach(h -> expected.merge(h.id(), 0.7 * (1 + h.score()) / 2, Double::sum));
    text.forEach(h -> expected.merge(h.id(), 0.3 * 2 * Math.atan(h.score()) / Math.PI, Double::sum));
    List<Map.Entry<Object, Double>> best = expected.entrySet().stream()
        .sorted(Map.Entry.<Object, Double>comparingByValue().reversed()).limit(4).toList();
    assertThat(ids(fused)).containsExactlyElementsOf(best.stream().map(Map.Entry::getKey).toList());
    for (int i = 0; i < 4; i++) {
      assertThat((double) fused.get(i).score()).isCloseTo(best.get(i).getValue(), within(1e-5));
    }
    assertThat(fused.get(0).id()).isEqualTo("p5");
  }

  @Test
  void theFilterAppliesToEveryRoute() {
    List<Hit> fused = hybrid(HybridSearchRequest.builder("products").vector("image", vectors.get("p0"))
        .text("caption_bm25", "红色 连衣裙").filter("price > 50").topK(10));
    assertThat(fused).isNotEmpty().allSatisfy(h -> assertThat(Integer.parseInt(((String) h.id()).substring(1)))
        .isGreaterThanOrEqualTo(5));
    assertThat(ids(fused)).doesNotContain("p0");
  }

  @Test
  void unknownRoutesAreRejected() {
    assertThatThrownBy(() -> hybrid(HybridSearchRequest.builder("products").text("caption", "red")))
        .isInstanceOf(SchemaException.class).hasMessageContaining("caption_bm25");
    assertThatThrownBy(() -> hybrid(HybridSearchRequest.builder("products").vector("price", new float[8])))
        .isInstanceOf(SchemaException.class);
  }

  @Test
  void fullTextFieldsSurviveReopening() {
    CollectionSpec before = store.describeCollection("products");
    store.close();
    store = LuceneVectorStore.open(dir.resolve("store"));
    assertThat(store.describeCollection("products")).isEqualTo(before);
    assertThat(before.fullTextFields()).hasSize(2);
    assertThat(ids(hybrid(HybridSearchRequest.builder("products").text("caption_bm25", "运动鞋").topK(10))))
        .containsExactlyInAnyOrder("p2", "p9");
  }
}
