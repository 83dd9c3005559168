package dev.imgsearch.store.milvus;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.CollectionNotFoundException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.HybridSearch;
import dev.imgsearch.core.store.HybridSearchRequest;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.core.store.spi.StoreLifecycle;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.ConsistencyLevel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The {@link VectorStore} on a Milvus server (Milvus Lite, standalone, distributed or Zilliz Cloud), through
 * milvus-sdk-java's v2 client.
 *
 * <pre>{@code
 * try (MilvusVectorStore store = MilvusVectorStore.builder()
 *     .uri("http://127.0.0.1:19530")           // Milvus Lite or standalone; https://... for Zilliz Cloud
 *     .token("root:Milvus")                    // user:password or an API key; optional
 *     .consistency(ConsistencyLevel.STRONG)    // default BOUNDED
 *     .build()) {
 *   store.createCollection(spec);
 *   store.upsert("images", rows);
 *   List<List<Hit>> hits = store.search(SearchRequest.builder("images").query(vector).topK(5).build());
 * }
 * }</pre>
 *
 * <p><b>How core's operations map to Milvus.</b> {@link #createCollection} creates the schema (primary key, scalar,
 * JSON and vector fields, dynamic fields, auto id) with one index per vector field and loads it; creating an equal
 * spec again does nothing, a different one raises {@link SchemaException}. {@link #describeCollection} rebuilds the
 * spec from the server's schema and indexes. Searches and queries load a collection that is not loaded, or say
 * clearly why it cannot be. Rows, ids, query vectors, filters and output fields are checked before anything is
 * sent, by core's {@code store.spi}: a mistake gets the exception and message that every store of the SDK gives.
 * A collection is looked up with {@code hasCollection} before it is described, so a missing one raises
 * {@link CollectionNotFoundException} without milvus-sdk-java logging an error. Writes larger than {@code maxBatchBytes} go out in several
 * requests (a write split this way is not atomic: when a later request fails, the earlier ones stay written).
 * {@link #query} returns rows ordered by primary key, as core promises, although Milvus itself does not order
 * query results: the store reads the matching keys, sorts them, and fetches the requested page.
 *
 * <p><b>Consistency.</b> Milvus's default is Bounded staleness: a search may miss writes of the last few seconds.
 * Ask for {@link ConsistencyLevel#STRONG} to read your own writes at once (core's contract, and the tests, do).
 * New collections take the configured level, and so does every read.
 *
 * <p><b>Failures.</b> Idempotent calls (upsert, search, query, get, delete, describe, create, drop, flush) are
 * retried on {@code UNAVAILABLE} and {@code DEADLINE_EXCEEDED} with exponential backoff ({@link RetryPolicy}).
 * Inserts with given ids are retried as upserts. Inserts with server-generated ids (auto id) are never retried:
 * when an attempt reached the server but its answer was lost, a retry would store the rows twice under new ids.
 * When the server stays unreachable the call fails with {@link StoreUnavailableException}, naming the URI.
 * Messages and logs never show the token.
 *
 * <p><b>Writes.</b> A store made by {@link #builder()} sends inserts and upserts as columns (the gRPC
 * {@code InsertRequest} that pymilvus sends too) on a second channel it opens with the client's settings, because
 * milvus-sdk-java's v2 client takes rows only as gson objects and converts them row by row, which halves bulk-write
 * throughput. A store on a caller's client ({@link #wrap(MilvusClientV2)}) writes through that client's row API.
 *
 * <p>Thread-safe. {@link #close()} waits for running calls and closes the client and the write channel the store
 * created; a client handed in through {@link #wrap(MilvusClientV2)} is left open. Calls after it raise
 * {@link ClosedException}.
 */
public final class MilvusVectorStore implements VectorStore, HybridSearch {
  /** Milvus's default gRPC message limit is 64 MB; writes are split well below it. */
  public static final long DEFAULT_MAX_BATCH_BYTES = 16L * 1024 * 1024;

  private final MilvusConnection connection;
  private final MilvusStoreConfig config;
  private final MilvusErrors errors;
  private final StoreLifecycle lifecycle;
  private final MilvusCollections collections;
  private final MilvusWrites writes;
  private final MilvusReads reads;

  private MilvusVectorStore(MilvusConnection connection, MilvusStoreConfig config) {
    this.connection = connection;
    this.config = config;
    this.errors = new MilvusErrors(config.displayUri(), List.of(config.token()));
    this.lifecycle = new StoreLifecycle("MilvusVectorStore (" + errors.endpoint() + ")");
    this.collections = new MilvusCollections(connection.client(), config, errors, lifecycle::isClosing);
    this.writes = new MilvusWrites(connection.client(), connection.writeChannel(), config, collections);
    this.reads = new MilvusReads(connection.client(), config, collections);
  }

  /** A builder for a store that connects to a server. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A store on a client the caller made and keeps: {@link #close()} leaves it open. The client's own retry
   * settings stay as they are; the store retries idempotent calls on top (see {@link RetryPolicy}). Writes go
   * through the client's row API, about half as fast for bulk loads as a store made by {@link #builder()}.
   */
  public static MilvusVectorStore wrap(MilvusClientV2 client) {
    return builder().wrap(client);
  }

  /** The milvus-sdk-java client, for what this store does not cover (partitions, aliases, users...). */
  public MilvusClientV2 nativeClient() {
    return lifecycle.call(connection::client);
  }

  /** The settings this store runs with (the token is not shown by its {@code toString}). */
  public MilvusStoreConfig config() {
    return config;
  }

  /** The server's version string, e.g. {@code v2.6.4} or {@code milvus_lite-3.2.2}. */
  public String serverVersion() {
    return lifecycle.call(collections::serverVersion);
  }

  /**
   * Whether the server is the pure-Python Milvus Lite 3.x (version {@code milvus_lite-3.2.2}); the embedded Milvus
   * 2.3 of PyPI's {@code milvus} package ({@code v2.3.5-lite}) runs Milvus's own core and is not.
   */
  boolean isMilvusLite() {
    return lifecycle.call(collections::isMilvusLite);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Collections

  @Override
  public void createCollection(CollectionSpec spec) {
    Objects.requireNonNull(spec, "spec");
    lifecycle.run(() -> collections.create(spec));
  }

  @Override
  public boolean hasCollection(String collection) {
    return lifecycle.call(() -> collections.has(collection));
  }

  @Override
  public List<String> listCollections() {
    return lifecycle.call(collections::list);
  }

  @Override
  public CollectionSpec describeCollection(String collection) {
    Objects.requireNonNull(collection, "collection");
    return lifecycle.call(() -> collections.describe(collection));
  }

  @Override
  public boolean dropCollection(String collection) {
    return lifecycle.call(() -> collections.drop(collection));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Kept as Milvus collection properties under the prefix {@code imgsearch.property.} (key {@code k} is the
   * Milvus property {@code imgsearch.property.k}), so pymilvus's {@code describe_collection} shows them too;
   * the server's own properties and the store's bookkeeping are not returned.
   */
  @Override
  public java.util.Map<String, String> collectionProperties(String collection) {
    return lifecycle.call(() -> collections.properties(collection));
  }

  /**
   * {@inheritDoc}
   *
   * <p>One {@code alterCollectionProperties} call for what is set and one {@code dropCollectionProperties}
   * call for what is removed (so a change that does both is not atomic on Milvus).
   */
  @Override
  public void setCollectionProperties(String collection, java.util.Map<String, String> changes) {
    lifecycle.run(() -> collections.setProperties(collection, changes));
  }

  @Override
  public long count(String collection) {
    return lifecycle.call(() -> collections.count(collection));
  }

  @Override
  public void flush(String collection) {
    lifecycle.run(() -> collections.flush(collection));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Writes

  /**
   * {@inheritDoc}
   *
   * <p>With auto id the request is not retried after a transient failure (a retry could store the rows twice);
   * the {@link StoreUnavailableException} then says that some rows may have been written. With given ids a
   * retry is sent as an upsert, which cannot duplicate rows.
   */
  @Override
  public List<Object> insert(String collection, List<Row> rows) {
    return lifecycle.call(() -> writes.insert(collection, rows));
  }

  @Override
  public void upsert(String collection, List<Row> rows) {
    lifecycle.run(() -> writes.upsert(collection, rows));
  }

  @Override
  public void delete(String collection, List<?> ids) {
    lifecycle.run(() -> writes.delete(collection, ids));
  }

  @Override
  public void deleteWhere(String collection, Filter filter) {
    lifecycle.run(() -> writes.deleteWhere(collection, filter));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reads

  @Override
  public List<List<Hit>> search(SearchRequest request) {
    return lifecycle.call(() -> reads.search(request));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Dense routes search their vector field with its metric; text routes search a {@link FullTextField} (a BM25
   * function's sparse field) with BM25. Several routes go to Milvus's hybrid search with an {@code RRFRanker} or
   * {@code WeightedRanker}; a single route is a plain search and keeps its own scores. Milvus Lite 3.2 reports BM25
   * scores negated (best first, but below zero); the store turns them back into Milvus's positive BM25 scores.
   */
  @Override
  public List<Hit> hybridSearch(HybridSearchRequest request) {
    return lifecycle.call(() -> reads.hybridSearch(request));
  }

  @Override
  public List<Row> query(QueryRequest request) {
    return lifecycle.call(() -> reads.query(request));
  }

  @Override
  public List<Row> get(String collection, List<?> ids, List<String> outputFields) {
    return lifecycle.call(() -> reads.get(collection, ids, outputFields));
  }

  /**
   * Waits for running calls, then closes the write channel and the client if the store made them (a wrapped
   * client stays open). Milvus makes every acknowledged write durable in its log, so nothing needs flushing here.
   * A call retrying a server that does not answer stops retrying once close is called.
   */
  @Override
  public void close() {
    lifecycle.close(() -> connection.close(errors));
  }

  @Override
  public String toString() {
    return "MilvusVectorStore(" + errors.endpoint() + (lifecycle.isClosed() ? ", closed" : "") + ")";
  }

  /** Builds a {@link MilvusVectorStore}; not thread-safe. */
  public static final class Builder {
    private String uri = "http://localhost:19530";
    private boolean uriSet;
    private String token = "";
    private String database = "";
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration rpcTimeout = Duration.ofSeconds(60);
    private Duration loadTimeout = Duration.ofMinutes(5);
    private ConsistencyLevel consistency = ConsistencyLevel.BOUNDED;
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;

    private Builder() {}

    /** The server (default {@code http://localhost:19530}); {@code https://...} for TLS and Zilliz Cloud. */
    public Builder uri(String uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
      this.uriSet = true;
      return this;
    }

    /** {@code user:password} (e.g. {@code root:Milvus}) or a Zilliz Cloud API key. Never logged. */
    public Builder token(String token) {
      this.token = token == null ? "" : token;
      return this;
    }

    /** The database (default: the server's {@code default}). */
    public Builder database(String database) {
      this.database = database == null ? "" : database;
      return this;
    }

    /** How long to wait for the server when connecting (default 10 s). */
    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = positive("connectTimeout", connectTimeout);
      return this;
    }

    /** How long one call may take (default 60 s). */
    public Builder rpcTimeout(Duration rpcTimeout) {
      this.rpcTimeout = positive("rpcTimeout", rpcTimeout);
      return this;
    }

    /** How long to wait for a collection to load before searching it (default 5 min). */
    public Builder loadTimeout(Duration loadTimeout) {
      this.loadTimeout = positive("loadTimeout", loadTimeout);
      return this;
    }

    /**
     * The consistency level of new collections and of reads (default {@link ConsistencyLevel#BOUNDED}, as Milvus
     * recommends; {@link ConsistencyLevel#STRONG} to read your own writes at once).
     */
    public Builder consistency(ConsistencyLevel consistency) {
      this.consistency = Objects.requireNonNull(consistency, "consistency");
      return this;
    }

    /** How transient failures of idempotent calls are retried (default {@link RetryPolicy#DEFAULT}). */
    public Builder retry(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** The estimated request size above which writes are split (default 16 MiB; Milvus accepts 64 MB). */
    public Builder maxBatchBytes(long maxBatchBytes) {
      if (maxBatchBytes < 1024) {
        throw new InvalidInputException("maxBatchBytes is " + maxBatchBytes + "; use at least 1024 (default "
            + DEFAULT_MAX_BATCH_BYTES + ").");
      }
      this.maxBatchBytes = maxBatchBytes;
      return this;
    }

    private static Duration positive(String name, Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new InvalidInputException(name + " is " + d + "; use a positive duration.");
      }
      return d;
    }

    private MilvusStoreConfig config() {
      return new MilvusStoreConfig(uri, token, database, connectTimeout, rpcTimeout, loadTimeout, consistency, retry,
          maxBatchBytes);
    }

    /**
     * Connects and returns the store.
     *
     * @throws StoreUnavailableException when no server answers at the URI in time; the message names the URI and
     *     says how to start a server
     */
    public MilvusVectorStore build() {
      MilvusStoreConfig config = config();
      return new MilvusVectorStore(MilvusConnection.open(config), config);
    }

    /**
     * A store with these settings on a client the caller made and keeps ({@link #close()} leaves it open). The
     * connection settings (uri, token, database, timeouts) are the client's; {@link #uri} only names it in messages.
     * Writes go through the client's row API (see the class comment).
     */
    public MilvusVectorStore wrap(MilvusClientV2 client) {
      Objects.requireNonNull(client, "client");
      if (!uriSet) {
        uri = "(wrapped MilvusClientV2)";
      }
      return new MilvusVectorStore(MilvusConnection.wrap(client), config());
    }
  }
}
