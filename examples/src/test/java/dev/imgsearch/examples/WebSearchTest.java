package dev.imgsearch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebSearch indexes the sample images into the embedded store while serving the page (the tiny CLIP model). */
class WebSearchTest {

  @Test
  void indexesTheSamplesWhileServing(@TempDir Path work) {
    Path storeDir = work.resolve("store");
    ProgramRun run = ProgramRun.of(new WebSearch(Map.of("HF_HUB_OFFLINE", "1")), "--model",
        ProgramRun.model("clip").toString(), "--samples-dir", work.resolve("samples").toString(), "--store-dir",
        storeDir.toString(), "--port", "0", "--exit-when-indexed");
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("Model: clip (512-d, COSINE)", "Store: the embedded Lucene store in " + storeDir)
        .containsPattern("Serving the search page at http://127\\.0\\.0\\.1:\\d+/")
        .contains("Indexed: indexed 32,", "32 images are searchable.");
    try (VectorStore store = LuceneVectorStore.open(storeDir)) {
      assertThat(store.count(WebSearch.COLLECTION)).isEqualTo(32);
    }
  }

  @Test
  void refusesAnOpenAddressWithoutAToken(@TempDir Path work) {
    ProgramRun run = ProgramRun.of(new WebSearch(Map.of("HF_HUB_OFFLINE", "1")), "--model",
        ProgramRun.model("clip").toString(), "--samples-dir", work.resolve("samples").toString(), "--store-dir",
        work.resolve("store").toString(), "--port", "0", "--host", "0.0.0.0", "--exit-when-indexed");
    assertThat(run.status()).isEqualTo(Cli.FAILED);
    assertThat(run.err()).contains("without a token");
  }
}
