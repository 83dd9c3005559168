package dev.imgsearch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import java.awt.Color;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inference gets full batches while images are on their way, even when decoding is slower than the model. */
class BatchingTest {
  @TempDir Path dir;

  @Test
  void embedsInFullBatchesExceptTheLast() {
    for (int i = 0; i < 70; i++) {
      TestFiles.quadrants(dir.resolve(String.format("img-%03d.png", i)), new Color(i * 3, 10, 200), Color.WHITE,
          Color.BLACK, new Color(0, i * 3, 0));
    }
    ColorEmbedder embedder = new ColorEmbedder();
    try (InMemoryVectorStore store = new InMemoryVectorStore();
        ImageIndex index = ImageIndex.builder().embedder(embedder).store(store).collection("batches")
            .vectorIndex(IndexSpec.flat()).batchSize(16).parallelism(1).build()) {
      IndexReport r = index.index(IndexSource.directory(dir).build());
      assertThat(r.indexed()).isEqualTo(70);
      // 70 = 4 x 16 + 6: one decoding thread is much slower than this model, yet no batch goes half-empty.
      assertThat(embedder.batchSizes()).containsExactly(16, 16, 16, 16, 6);
    }
  }
}
