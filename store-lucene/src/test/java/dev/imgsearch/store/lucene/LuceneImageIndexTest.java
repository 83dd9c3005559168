package dev.imgsearch.store.lucene;

import dev.imgsearch.pipeline.ImageIndexContract;
import dev.imgsearch.core.store.VectorStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Core's {@link ImageIndexContract}: the indexing and search pipeline on the Lucene store. */
class LuceneImageIndexTest extends ImageIndexContract {
  @TempDir
  Path storeDir;

  @Override
  protected VectorStore createStore() {
    return LuceneVectorStore.open(storeDir);
  }
}
