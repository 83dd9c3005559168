package dev.imgsearch.spark;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.store.milvus.MilvusVectorStore;
import java.util.Objects;

/**
 * A Milvus server (standalone, distributed, Zilliz Cloud, Milvus Lite) as a job's {@link StoreTarget}.
 *
 * @param uri the server, e.g. {@code http://milvus:19530}
 * @param token the token ({@code "user:password"} or an API key), empty for none
 * @param database the database, empty for the server's default
 */
public record MilvusTarget(String uri, String token, String database) implements StoreTarget {
  private static final long serialVersionUID = 1L;

  public MilvusTarget {
    Objects.requireNonNull(uri, "uri");
    token = token == null ? "" : token;
    database = database == null ? "" : database;
  }

  /** A server without token, default database. */
  public static MilvusTarget of(String uri) {
    return new MilvusTarget(uri, "", "");
  }

  /** A server with a token, default database. */
  public static MilvusTarget of(String uri, String token) {
    return new MilvusTarget(uri, token, "");
  }

  @Override
  public VectorStore open() {
    MilvusVectorStore.Builder b = MilvusVectorStore.builder().uri(uri);
    if (!token.isEmpty()) {
      b.token(token);
    }
    if (!database.isEmpty()) {
      b.database(database);
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "Milvus at " + uri + (database.isEmpty() ? "" : " (database " + database + ")");
  }
}
