package dev.imgsearch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexProgressTest {
  @Test
  void computesDoneRateFractionAndEta() {
    IndexProgress p = new IndexProgress(100, 30, 5, 3, 2, Duration.ofSeconds(4));
    assertThat(p.done()).isEqualTo(40);
    assertThat(p.rate()).isEqualTo(10.0);
    assertThat(p.fraction()).isEqualTo(0.4);
    assertThat(p.eta()).contains(Duration.ofSeconds(6));
    IndexProgress unknown = new IndexProgress(-1, 30, 0, 0, 0, Duration.ofSeconds(3));
    assertThat(unknown.fraction()).isEqualTo(-1);
    assertThat(unknown.eta()).isEmpty();
    assertThat(new IndexProgress(10, 0, 0, 0, 0, Duration.ZERO).eta()).isEmpty();
  }

  @Test
  void reportSumsUpARun() {
    IndexReport r = new IndexReport(90, 5, 2, 4, List.of(new IndexFailure("/x.png", IndexFailure.Cause.CORRUPT,
        "bad")), Duration.ofSeconds(3));
    assertThat(r.total()).isEqualTo(98);
    assertThat(r.failed()).isEqualTo(1);
    assertThat(r.imagesPerSecond()).isEqualTo(30.0);
    assertThat(r.toString()).contains("indexed 90").contains("removed 4").contains("30.0 images/s");
  }
}
