package dev.imgsearch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import dev.imgsearch.image.ImageDecoder;
import java.awt.Color;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings an index hands its runs: one checked snapshot of the builder, enough for a run on its own. */
class IndexSettingsTest {
  @TempDir Path dir;
  @AutoClose private final InMemoryVectorStore store = new InMemoryVectorStore();
  private final ColorEmbedder embedder = new ColorEmbedder();

  private ImageIndex.Builder builder(String collection) {
    return ImageIndex.builder().embedder(embedder).store(store).collection(collection).vectorIndex(IndexSpec.flat());
  }

  private Path images(int n) {
    for (int i = 0; i < n; i++) {
      TestFiles.quadrants(dir.resolve(String.format("img-%02d.png", i)), new Color(i * 9, 40, 200), Color.WHITE,
          Color.BLACK, new Color(0, i * 9, 0));
    }
    return dir;
  }

  @Test
  void anIndexKeepsTheSettingsItWasBuiltWithWhenTheBuilderChanges() {
    ImageIndex.Builder b = builder("first").batchSize(4).upsertBatchSize(3).parallelism(1)
        .flushInterval(Duration.ofSeconds(7));
    try (ImageIndex first = b.build()) {
      b.collection("second").batchSize(16).upsertBatchSize(100).parallelism(3).idStrategy(IdStrategy.CONTENT)
          .flushInterval(Duration.ZERO);
      try (ImageIndex second = b.build()) {
        IndexSettings s = first.settings();
        assertThat(s.collection()).isEqualTo("first");
        assertThat(s.batchSize()).isEqualTo(4);
        assertThat(s.upsertBatchSize()).isEqualTo(3);
        assertThat(s.executors().parallelism()).isEqualTo(1);
        assertThat(s.idStrategy()).isEqualTo(IdStrategy.PATH);
        assertThat(s.flushInterval()).isEqualTo(Duration.ofSeconds(7));
        assertThat(second.settings().batchSize()).isEqualTo(16);
        assertThat(second.settings().executors()).isNotSameAs(s.executors());

        // The first index's runs still use its own batch size.
        first.index(IndexSource.directory(images(10)).build());
        assertThat(embedder.batchSizes()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(4));
        assertThat(embedder.batchSizes().stream().mapToInt(Integer::intValue).sum()).isEqualTo(10);
        assertThat(first.count()).isEqualTo(10);
        assertThat(second.count()).isZero();
      }
    }
  }

  @Test
  void checksTheBuilderOnceAndWorksOutMaxInFlight() {
    try (ImageIndex index = builder("sizes").batchSize(8).parallelism(3).build()) {
      assertThat(index.settings().maxInFlight()).as("default: 2 * batchSize + 2 * parallelism").isEqualTo(22);
    }
    try (ImageIndex index = builder("sizes").batchSize(8).maxInFlight(5).build()) {
      assertThat(index.settings().maxInFlight()).as("at least a batch").isEqualTo(8);
    }
    assertThatThrownBy(() -> builder("bad").batchSize(0).build()).isInstanceOf(InvalidInputException.class)
        .hasMessage("batchSize is 0; use 1 or more.");
    assertThatThrownBy(() -> builder("bad").upsertBatchSize(-1).build()).isInstanceOf(InvalidInputException.class)
        .hasMessage("upsertBatchSize is -1; use 1 or more.");
    assertThatThrownBy(() -> builder("bad").parallelism(0).build()).isInstanceOf(InvalidInputException.class)
        .hasMessage("parallelism is 0; use 1 or more.");
    assertThatThrownBy(() -> ImageIndex.builder().store(store).collection("bad").build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("call embedder(...)");
    assertThatThrownBy(() -> new IndexSettings(store, "c", embedder, ImageDecoder.standard(), IdStrategy.PATH,
        IndexSchema.standard(), 8, 8, 7,
        Duration.ZERO, new IndexExecutors("c", 1))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("maxInFlight is 7").hasMessageContaining("at least batchSize");
    assertThat(store.hasCollection("bad")).as("nothing is created for bad settings").isFalse();
  }

  @Test
  void aRunNeedsTheSettingsAndNothingElse() {
    Path images = images(6);
    IndexSettings settings;
    try (ImageIndex index = builder("alone").batchSize(4).build()) {
      settings = index.settings(); // the collection exists with its manifest; the index is closed again
    }
    try (IndexExecutors executors = new IndexExecutors("alone", 2)) {
      IndexSettings own = new IndexSettings(settings.store(), settings.collection(), settings.embedder(),
          settings.decoder(), settings.idStrategy(), settings.schema(), 2, 5, 4, Duration.ofMinutes(1), executors);
      IndexReport r = new IndexRun(own, IndexSource.directory(images).build(), IndexListener.NONE).run();
      assertThat(r.indexed()).isEqualTo(6);
      assertThat(embedder.batchSizes()).hasSizeGreaterThanOrEqualTo(3)
          .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
    }
    try (ImageIndex index = builder("alone").build()) {
      assertThat(index.count()).isEqualTo(6);
    }
  }
}
