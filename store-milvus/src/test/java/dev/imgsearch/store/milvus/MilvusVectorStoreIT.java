package dev.imgsearch.store.milvus;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.core.store.VectorStoreContract;
import io.milvus.v2.common.ConsistencyLevel;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Core's {@link VectorStoreContract} against a real Milvus server (Milvus Lite unless {@code MILVUS_URI} says
 * otherwise), with Strong consistency so that every read sees the writes before it. FLAT searches must give the
 * same ids and scores as the contract's brute-force reference, as the in-memory store does.
 */
@ExtendWith(MilvusServerExtension.class)
class MilvusVectorStoreIT extends VectorStoreContract {

  @Override
  protected VectorStore createStore() {
    return MilvusServerExtension.endpoint().storeBuilder().consistency(ConsistencyLevel.STRONG).build();
  }
}
