package dev.imgsearch.store.milvus;

import dev.imgsearch.pipeline.ImageIndexContract;
import dev.imgsearch.core.store.VectorStore;
import io.milvus.v2.common.ConsistencyLevel;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Core's {@link ImageIndexContract}: the indexing and search pipeline on a real Milvus server (Milvus Lite unless
 * {@code MILVUS_URI} says otherwise), with Strong consistency so that every read sees the writes before it.
 */
@ExtendWith(MilvusServerExtension.class)
class MilvusImageIndexIT extends ImageIndexContract {
  @Override
  protected VectorStore createStore() {
    return MilvusServerExtension.endpoint().storeBuilder().consistency(ConsistencyLevel.STRONG).build();
  }
}
