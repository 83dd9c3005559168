package dev.imgsearch.store.milvus;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.core.store.VectorStoreContract;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Core's {@link VectorStoreContract} through a store on a caller's {@link MilvusClientV2}
 * ({@link MilvusVectorStore#wrap}). Such a store writes through the client's row API (gson rows) rather than the
 * columns that a built store sends on its own channel, so every type, dynamic field, auto id and error the contract
 * covers is checked on that path too.
 */
@ExtendWith(MilvusServerExtension.class)
class WrappedClientVectorStoreIT extends VectorStoreContract {
  private static final List<MilvusClientV2> CLIENTS = new CopyOnWriteArrayList<>();

  @Override
  protected VectorStore createStore() {
    MilvusEndpoint endpoint = MilvusServerExtension.endpoint();
    MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(endpoint.uri())
        .token(endpoint.token().isEmpty() ? null : endpoint.token()).build());
    CLIENTS.add(client);
    return MilvusVectorStore.builder().uri(endpoint.uri()).consistency(ConsistencyLevel.STRONG).wrap(client);
  }

  @AfterAll
  static void closeClients() {
    CLIENTS.forEach(MilvusClientV2::close);
    CLIENTS.clear();
  }
}
