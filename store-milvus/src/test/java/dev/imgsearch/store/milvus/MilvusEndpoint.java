package dev.imgsearch.store.milvus;

/**
 * Where the integration tests' Milvus server listens.
 *
 * @param uri the endpoint, e.g. {@code http://127.0.0.1:40123}
 * @param token the token, empty when none
 * @param description for messages: which kind of server, where its log is
 * @param kind how the server was obtained
 */
public record MilvusEndpoint(String uri, String token, String description, Kind kind) {

  /** How the server was obtained. */
  public enum Kind {
    /** {@code MILVUS_URI} from the environment: any server. */
    EXTERNAL,
    /** Testcontainers' Milvus module (standalone Milvus in Docker). */
    CONTAINER,
    /** {@code milvus-lite server} started by the tests. */
    MILVUS_LITE
  }

  /** A store builder pointed at this endpoint. */
  public MilvusVectorStore.Builder storeBuilder() {
    MilvusVectorStore.Builder b = MilvusVectorStore.builder().uri(uri);
    if (!token.isEmpty()) {
      b.token(token);
    }
    return b;
  }

  @Override
  public String toString() {
    return description;
  }
}
