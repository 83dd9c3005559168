package dev.imgsearch.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store-neutral hybrid search and full-text API values. */
class HybridSearchRequestTest {

  @Test
  void buildsRoutesWithRrfByDefault() {
    float[] v = {1, 2, 3};
    HybridSearchRequest r = HybridSearchRequest.builder("c").vector("image", v, Map.of("ef", 64))
        .text("caption_bm25", "红色 连衣裙").topK(5).outputFields("caption").build();
    v[0] = 99; // copied
    assertThat(r.ranker()).isEqualTo(HybridSearchRequest.RankerType.RRF);
    assertThat(r.rrfK()).isEqualTo(60);
    assertThat(r.routes()).hasSize(2);
    assertThat(r.routes().get(0).vector()).containsExactly(1, 2, 3);
    assertThat(r.routes().get(0).searchParams()).containsEntry("ef", 64);
    assertThat(r.routes().get(1).isText()).isTrue();
    assertThat(r.candidates()).isEqualTo(100);
    assertThat(r.outputFields()).containsExactly("caption");
  }

  @Test
  void weightedNeedsOneWeightPerRouteInRange() {
    HybridSearchRequest.Builder b = HybridSearchRequest.builder("c").vector("a", new float[] {1}).text("t", "x");
    assertThat(b.weighted(0.7, 0.3).build().weights()).containsExactly(0.7f, 0.3f);
    assertThatThrownBy(() -> b.weighted(0.5).build()).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("one weight per route");
    assertThatThrownBy(() -> b.weighted(1.5, 0.1).build()).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void rejectsEmptyAndOutOfRangeRequests() {
    assertThatThrownBy(() -> HybridSearchRequest.builder("c").build()).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("no route");
    assertThatThrownBy(() -> HybridSearchRequest.builder("c").text("t", "  ").build())
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> HybridSearchRequest.builder("c").text("t", "x").topK(0).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("topK");
    assertThatThrownBy(() -> HybridSearchRequest.builder("c").text("t", "x").topK(50).candidates(10).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("candidates");
    assertThatThrownBy(() -> HybridSearchRequest.builder("c").text("t", "x").rrf(0).build())
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void fullTextFieldsMustIndexADeclaredVarcharField() {
    CollectionSpec.Builder base = CollectionSpec.builder("c").primaryKey(FieldSpec.varchar("id", 10))
        .field(FieldSpec.varchar("caption", 100)).field(FieldSpec.scalar("n", FieldType.INT32))
        .field(FieldSpec.vector("v", 4, MetricType.L2));
    CollectionSpec spec = base.fullText(FullTextField.of("caption_bm25", "caption", FullTextField.Analyzer.CHINESE))
        .build();
    assertThat(spec.fullTextFields()).hasSize(1);
    assertThat(spec.fullTextField("caption_bm25")).isPresent();
    assertThat(spec.fields()).extracting(FieldSpec::name).doesNotContain("caption_bm25");
    assertThat(spec.toBuilder().build()).isEqualTo(spec);
    assertThat(spec).isNotEqualTo(CollectionSpec.builder("c").primaryKey(FieldSpec.varchar("id", 10))
        .field(FieldSpec.varchar("caption", 100)).field(FieldSpec.scalar("n", FieldType.INT32))
        .field(FieldSpec.vector("v", 4, MetricType.L2)).build());
    for (String bad : List.of("n", "missing", "id")) {
      assertThatThrownBy(() -> CollectionSpec.builder("c").primaryKey(FieldSpec.varchar("id", 10))
          .field(FieldSpec.scalar("n", FieldType.INT32)).field(FieldSpec.vector("v", 4, MetricType.L2))
          .fullText(FullTextField.of("ft", bad, FullTextField.Analyzer.STANDARD)).build())
          .isInstanceOf(InvalidInputException.class).hasMessageContaining(bad);
    }
    assertThatThrownBy(() -> CollectionSpec.builder("c").primaryKey(FieldSpec.varchar("id", 10))
        .field(FieldSpec.varchar("caption", 100)).field(FieldSpec.vector("v", 4, MetricType.L2))
        .fullText(FullTextField.of("v", "caption", FullTextField.Analyzer.STANDARD)).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("twice");
    assertThatThrownBy(() -> FullTextField.of("caption", "caption", FullTextField.Analyzer.STANDARD))
        .isInstanceOf(InvalidInputException.class);
  }
}
