package dev.imgsearch.store.lucene;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.core.store.VectorStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lucene store passes the contract every store of the SDK passes. A store directory can be open once at a
 * time, so each {@link #createStore()} gets a directory of its own, and {@link #reopenStore()} reopens the test's
 * main store (the first one made).
 */
class LuceneVectorStoreTest extends VectorStoreContract {
  @TempDir
  Path dir;

  private Path mainStore;
  private int stores;

  @Override
  protected VectorStore createStore() {
    Path p = dir.resolve("store" + stores++);
    if (mainStore == null) {
      mainStore = p;
    }
    return LuceneVectorStore.open(p);
  }

  @Override
  protected VectorStore reopenStore() {
    return LuceneVectorStore.open(mainStore);
  }
}
