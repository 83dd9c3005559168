package dev.imgsearch.server;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import java.nio.file.Path;

/** The API over the in-memory store. */
class InMemoryApiTest extends ApiContract {
  @Override
  VectorStore openStore(Path dir) {
    return new InMemoryVectorStore();
  }
}
