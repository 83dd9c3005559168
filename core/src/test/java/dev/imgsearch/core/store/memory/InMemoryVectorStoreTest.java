package dev.imgsearch.core.store.memory;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.core.store.VectorStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory store, backed by a file so the contract's durability test runs too. */
class InMemoryVectorStoreTest extends VectorStoreContract {
  @TempDir Path dir;

  @Override
  protected VectorStore createStore() {
    return InMemoryVectorStore.open(dir.resolve("store.json"));
  }
}
