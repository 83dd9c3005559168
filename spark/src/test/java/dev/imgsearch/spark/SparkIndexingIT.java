package dev.imgsearch.spark;

import dev.imgsearch.store.milvus.MilvusEndpoint;
import dev.imgsearch.store.milvus.MilvusServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The contract on a real Milvus server (Milvus Lite from the project's .venv, or MILVUS_URI). */
@ExtendWith(MilvusServerExtension.class)
class SparkIndexingIT extends SparkIndexingContract {
  private MilvusTarget target;

  @BeforeAll
  void start(MilvusEndpoint endpoint) throws Exception {
    target = MilvusTarget.of(endpoint.uri(), endpoint.token());
    setUp();
    try (var store = target.open()) {
      for (String c : store.listCollections()) {
        if (c.startsWith(prefix() + "_")) {
          dev.imgsearch.pipeline.ImageIndex.drop(store, c);
        }
      }
    }
  }

  @Override
  StoreTarget target() {
    return target;
  }

  @Override
  String prefix() {
    return "sparkit";
  }
}
