package dev.imgsearch.store.milvus;

import io.milvus.v2.common.ConsistencyLevel;
import java.net.URI;
import java.time.Duration;

/**
 * The settings of a {@link MilvusVectorStore}, as built by {@link MilvusVectorStore.Builder}. Immutable. Its
 * {@link #toString()} never shows the token.
 *
 * @param uri the server, e.g. {@code http://127.0.0.1:19530} or a Zilliz Cloud endpoint {@code https://...}
 * @param token {@code user:password} or an API key; empty for none. Never logged or shown in messages.
 * @param database the database; empty for the server's default
 * @param connectTimeout how long to wait for the server when connecting
 * @param rpcTimeout how long one call may take (each attempt of a retried call has its own)
 * @param loadTimeout how long to wait for a collection to load before a search
 * @param consistency the consistency level of new collections and of every read
 * @param retry how transient failures of idempotent calls are retried
 * @param maxBatchBytes the estimated size above which a write is split into several requests
 */
public record MilvusStoreConfig(String uri, String token, String database, Duration connectTimeout,
    Duration rpcTimeout, Duration loadTimeout, ConsistencyLevel consistency, RetryPolicy retry, long maxBatchBytes) {

  /** The endpoint for messages: the URI without any user info. */
  public String displayUri() {
    return displayUri(uri);
  }

  static String displayUri(String uri) {
    if (uri == null) {
      return "(no uri)";
    }
    try {
      URI u = URI.create(uri);
      if (u.getUserInfo() != null) {
        return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
      }
    } catch (IllegalArgumentException | java.net.URISyntaxException e) {
      int at = uri.lastIndexOf('@');
      return at < 0 ? uri : "****" + uri.substring(at);
    }
    return uri;
  }

  @Override
  public String toString() {
    return "MilvusStoreConfig{uri=" + displayUri() + ", token=" + (token.isEmpty() ? "(none)" : "****")
        + ", database=" + (database.isEmpty() ? "(default)" : database) + ", connectTimeout=" + connectTimeout
        + ", rpcTimeout=" + rpcTimeout + ", loadTimeout=" + loadTimeout + ", consistency=" + consistency
        + ", retry=" + retry + ", maxBatchBytes=" + maxBatchBytes + "}";
  }
}
