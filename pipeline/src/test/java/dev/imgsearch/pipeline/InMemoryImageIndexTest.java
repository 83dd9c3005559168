package dev.imgsearch.pipeline;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;

/** {@link ImageIndexContract} on the in-memory store. */
class InMemoryImageIndexTest extends ImageIndexContract {
  @Override
  protected VectorStore createStore() {
    return new InMemoryVectorStore();
  }
}
