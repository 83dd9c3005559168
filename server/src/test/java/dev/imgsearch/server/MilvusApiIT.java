package dev.imgsearch.server;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.store.milvus.MilvusServerExtension;
import io.milvus.v2.common.ConsistencyLevel;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtendWith;

/** The API over a real Milvus server (Milvus Lite from store-milvus's test-jar, or MILVUS_URI). */
@ExtendWith(MilvusServerExtension.class)
class MilvusApiIT extends ApiContract {
  @Override
  VectorStore openStore(Path dir) {
    return MilvusServerExtension.endpoint().storeBuilder().consistency(ConsistencyLevel.STRONG).build();
  }
}
