package dev.imgsearch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.filter.FilterSyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class QueryTest {
  @Test
  void keepsWhatWasAskedAndCopiesVectors() {
    float[] v = {1, 2, 3};
    Query q = Query.vector(v).topK(3).threshold(0.2).relativeCutoff(0.8).filter("price < 10")
        .outputFields("price").searchParam("ef", 64).build();
    v[0] = 99;
    assertThat(q.vector()).containsExactly(1, 2, 3);
    assertThat(q.kind()).isEqualTo(Query.Kind.VECTOR);
    assertThat(q.topK()).isEqualTo(3);
    assertThat(q.threshold()).isEqualTo(0.2);
    assertThat(q.relativeCutoff()).isEqualTo(0.8);
    assertThat(q.filter().toExpression()).isEqualTo("price < 10");
    assertThat(q.outputFields()).containsExactly("price");
    assertThat(q.searchParams()).containsEntry("ef", 64);
    assertThat(Query.text("a white dog").build().topK()).isEqualTo(10);
    assertThat(Query.image(Path.of("q.jpg")).excludeQueryImage(true).build().image().path())
        .isEqualTo(Path.of("q.jpg"));
  }

  @Test
  void refusesSettingsThatMakeNoSense() {
    assertThatThrownBy(() -> Query.text(" ")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> Query.text("x").topK(0).build()).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("topK");
    assertThatThrownBy(() -> Query.text("x").relativeCutoff(0).build()).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> Query.text("x").relativeCutoff(1.5).build()).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Query.text("x").threshold(Double.NaN).build()).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Query.text("x").excludeQueryImage(true).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("image queries only");
    assertThatThrownBy(() -> Query.text("x").filter("price <")).isInstanceOf(FilterSyntaxException.class);
  }
}
