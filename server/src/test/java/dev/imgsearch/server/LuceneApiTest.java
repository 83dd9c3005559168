package dev.imgsearch.server;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import java.nio.file.Path;

/** The API over the embedded Lucene store. */
class LuceneApiTest extends ApiContract {
  @Override
  VectorStore openStore(Path dir) {
    return LuceneVectorStore.open(dir);
  }
}
