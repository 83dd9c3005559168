package dev.imgsearch.store.milvus;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.CollectionNotFoundException;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.store.spi.FilterValidation;
import dev.imgsearch.core.filter.Filters;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.HybridSearch;
import dev.imgsearch.core.store.HybridSearchRequest;
import dev.imgsearch.core.store.IndexType;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.core.store.VectorStore;
import io.milvus.common.utils.GTsDict;
import io.milvus.grpc.IDs;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.MsgBase;
import io.milvus.grpc.MsgType;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.UpsertRequest;
import io.milvus.shaded.io.grpc.ManagedChannel;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import io.milvus.v2.client.globalcluster.GlobalClusterUtils;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.index.request.DescribeIndexReq;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import io.milvus.v2.service.utility.request.FlushReq;
import io.milvus.v2.service.vector.request.AnnSearchReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.HybridSearchReq;
import io.milvus.v2.service.vector.request.InsertReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.EmbeddedText;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.request.ranker.RRFRanker;
import io.milvus.v2.service.vector.request.ranker.WeightedRanker;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import io.milvus.v2.utils.ClientUtils;
import io.milvus.v2.utils.RpcUtils;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * clearly why it cannot be. Every value is checked against the schema ({@link FieldSpec#coerce}) and every filter
 * against the field names before anything is sent. Writes larger than {@code maxBatchBytes} go out in several
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
 * <p>Thread-safe. {@link #close()} closes the client and the write channel the store created; a client handed in
 * through {@link #wrap(MilvusClientV2)} is left open.
 */
public final class MilvusVectorStore implements VectorStore, HybridSearch {
  private static final Logger log = LoggerFactory.getLogger(MilvusVectorStore.class);
  private static final Gson GSON = new Gson();
  /** Milvus's default gRPC message limit is 64 MB; writes are split well below it. */
  public static final long DEFAULT_MAX_BATCH_BYTES = 16L * 1024 * 1024;
  /** How many primary keys go into one {@code get} or {@code delete} request. */
  private static final int KEYS_PER_REQUEST = 4096;
  private static final RpcUtils RPC_UTILS = new RpcUtils();

  private final MilvusClientV2 client;
  private final boolean ownsClient;
  /**
   * The store's own gRPC channel for inserts and upserts, with the client's settings (milvus-sdk-java's
   * {@link ClientUtils#getChannel}); null for a wrapped client, whose settings the store does not know.
   */
  private final ManagedChannel writeChannel;
  private final MilvusServiceGrpc.MilvusServiceBlockingStub writeStub;
  private final MilvusStoreConfig config;
  private final MilvusErrors errors;
  private final Map<String, CollectionSpec> specs = new ConcurrentHashMap<>();
  private final Set<String> loaded = ConcurrentHashMap.newKeySet();
  private volatile String serverVersion;
  private volatile boolean closed;

  private MilvusVectorStore(MilvusClientV2 client, boolean ownsClient, ManagedChannel writeChannel,
      MilvusStoreConfig config) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.writeChannel = writeChannel;
    this.writeStub = writeChannel == null ? null : MilvusServiceGrpc.newBlockingStub(writeChannel).withWaitForReady();
    this.config = config;
    this.errors = new MilvusErrors(config.displayUri(), List.of(config.token()));
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
    checkOpen();
    return client;
  }

  /** The settings this store runs with (the token is not shown by its {@code toString}). */
  public MilvusStoreConfig config() {
    return config;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Collections

  @Override
  public void createCollection(CollectionSpec spec) {
    Objects.requireNonNull(spec, "spec");
    checkOpen();
    checkServerSupports(spec);
    String name = spec.name();
    if (hasCollection(name)) {
      requireSameSchema(describeCollection(name), spec);
      return;
    }
    CreateCollectionReq req = CreateCollectionReq.builder()
        .collectionName(name)
        .description(spec.description())
        .collectionSchema(SchemaMapper.schema(spec))
        .indexParams(SchemaMapper.indexes(spec))
        .consistencyLevel(config.consistency())
        .properties(SchemaMapper.properties(spec))
        .build();
    try {
      call("create collection '" + name + "'", null, true, () -> {
        client.createCollection(req);
        return null;
      });
    } catch (SchemaException e) {
      // Created meanwhile by someone else (or by an attempt whose answer was lost): fine if it is the same.
      if (hasCollection(name)) {
        specs.remove(name);
        requireSameSchema(describeCollection(name), spec);
        return;
      }
      throw e;
    }
    specs.remove(name);
    loaded.remove(name);
    log.debug("Created collection {} on {}", name, errors.endpoint());
  }

  private void requireSameSchema(CollectionSpec existing, CollectionSpec wanted) {
    List<String> diffs = SchemaMapper.differences(existing, wanted);
    if (!diffs.isEmpty()) {
      throw new SchemaException("Collection '" + wanted.name() + "' exists on " + errors.endpoint() + " with another "
          + "schema: " + String.join("; ", diffs) + ". Drop it first (dropCollection) or use another collection name.");
    }
  }

  /**
   * Refuses, before anything is created, what the server is known not to support: IVF_PQ on Milvus Lite 3.x,
   * several vector fields before Milvus 2.4, BM25 full-text fields before Milvus 2.5.
   */
  private void checkServerSupports(CollectionSpec spec) {
    String version = serverVersion();
    if (isMilvusLite()) {
      for (FieldSpec f : spec.vectorFields()) {
        if (f.index().type() == IndexType.IVF_PQ) {
          throw new SchemaException("Vector field '" + f.name() + "' asks for an IVF_PQ index, but the server at "
              + errors.endpoint() + " is " + version + ", which has no product quantisation. Use IVF_SQ8, "
              + "IVF_FLAT, HNSW or FLAT there, or a Milvus standalone/distributed server for IVF_PQ.");
        }
      }
      return;
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("v?(\\d+)\\.(\\d+)").matcher(version);
    if (!m.find()) {
      return; // an unknown version string: let the server decide
    }
    int major = Integer.parseInt(m.group(1));
    int minor = Integer.parseInt(m.group(2));
    boolean before24 = major < 2 || (major == 2 && minor < 4);
    boolean before25 = major < 2 || (major == 2 && minor < 5);
    if (before24 && spec.vectorFields().size() > 1) {
      throw new SchemaException("Collection '" + spec.name() + "' has " + spec.vectorFields().size() + " vector fields, "
          + "but the server at " + errors.endpoint() + " is Milvus " + version + ", which allows one per collection "
          + "(several need Milvus 2.4+). Use one vector field per collection, or a newer server.");
    }
    if (before25 && !spec.fullTextFields().isEmpty()) {
      throw new SchemaException("Collection '" + spec.name() + "' has full-text (BM25) fields, but the server at "
          + errors.endpoint() + " is Milvus " + version + "; BM25 functions need Milvus 2.5+ or Milvus Lite 3.x.");
    }
  }

  /**
   * Whether the server is the pure-Python Milvus Lite 3.x (version {@code milvus_lite-3.2.2}); the embedded Milvus
   * 2.3 of PyPI's {@code milvus} package ({@code v2.3.5-lite}) runs Milvus's own core and is not.
   */
  boolean isMilvusLite() {
    return serverVersion().toLowerCase(java.util.Locale.ROOT).startsWith("milvus_lite");
  }

  /** The server's version string, e.g. {@code v2.6.4} or {@code milvus_lite-3.2.2}. */
  public String serverVersion() {
    String v = serverVersion;
    if (v == null) {
      v = call("read the server version", null, true, client::getServerVersion);
      serverVersion = v;
    }
    return v;
  }

  @Override
  public boolean hasCollection(String collection) {
    Objects.requireNonNull(collection, "collection");
    return call("check collection '" + collection + "'", null, true,
        () -> client.hasCollection(HasCollectionReq.builder().collectionName(collection).build()));
  }

  @Override
  public List<String> listCollections() {
    List<String> names = new ArrayList<>(call("list collections", null, true,
        () -> client.listCollections().getCollectionNames()));
    Collections.sort(names);
    return names;
  }

  @Override
  public CollectionSpec describeCollection(String collection) {
    Objects.requireNonNull(collection, "collection");
    checkOpen();
    DescribeCollectionResp desc = call("describe collection '" + collection + "'", collection, true,
        () -> client.describeCollection(DescribeCollectionReq.builder().collectionName(collection).build()));
    Map<String, DescribeIndexResp.IndexDesc> indexes = new HashMap<>();
    for (String field : desc.getVectorFieldNames()) {
      DescribeIndexResp resp = call("describe the index of '" + collection + "." + field + "'", collection, true,
          () -> client.describeIndex(DescribeIndexReq.builder().collectionName(collection).fieldName(field).build()));
      for (DescribeIndexResp.IndexDesc d : resp.getIndexDescriptions()) {
        if (field.equals(d.getFieldName())) {
          indexes.put(field, d);
        }
      }
    }
    CollectionSpec spec = SchemaMapper.spec(desc, indexes);
    specs.put(collection, spec);
    return spec;
  }

  @Override
  public boolean dropCollection(String collection) {
    Objects.requireNonNull(collection, "collection");
    specs.remove(collection);
    loaded.remove(collection);
    if (!hasCollection(collection)) {
      return false;
    }
    call("drop collection '" + collection + "'", null, true, () -> {
      client.dropCollection(DropCollectionReq.builder().collectionName(collection).build());
      return null;
    });
    specs.remove(collection);
    loaded.remove(collection);
    return true;
  }

  @Override
  public long count(String collection) {
    spec(collection);
    QueryResp resp = read("count rows of '" + collection + "'", collection, () -> client.query(QueryReq.builder()
        .collectionName(collection).filter("").outputFields(List.of("count(*)"))
        .consistencyLevel(config.consistency()).build()));
    Object n = resp.getQueryResults().isEmpty() ? 0L : resp.getQueryResults().get(0).getEntity().get("count(*)");
    return n instanceof Number num ? num.longValue() : 0L;
  }

  @Override
  public void flush(String collection) {
    spec(collection);
    call("flush collection '" + collection + "'", collection, true, () -> {
      client.flush(FlushReq.builder().collectionNames(List.of(collection)).build());
      return null;
    });
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
    CollectionSpec spec = spec(collection);
    List<RowBatch> batches = RowBatch.split(spec, rows, true, config.maxBatchBytes());
    List<Object> keys = new ArrayList<>(rows.size());
    int written = 0;
    for (RowBatch batch : batches) {
      String action = "insert into '" + collection + "'";
      if (spec.autoId()) {
        try {
          keys.addAll(call(action, collection, false, () -> write(collection, batch, false)));
        } catch (StoreUnavailableException e) {
          throw new StoreUnavailableException(e.getMessage() + " Inserts with auto id are not retried: " + written
              + " of " + rows.size() + " rows were written before this request, which may or may not have "
              + "reached the server; check with count() before inserting again.", e.getCause());
        }
      } else {
        boolean[] first = {true};
        call(action, collection, true, () -> {
          boolean retry = !first[0];
          first[0] = false;
          return write(collection, batch, retry);
        });
        keys.addAll(batch.keys());
      }
      written += batch.size();
    }
    return keys;
  }

  @Override
  public void upsert(String collection, List<Row> rows) {
    CollectionSpec spec = spec(collection);
    for (RowBatch batch : RowBatch.split(spec, rows, false, config.maxBatchBytes())) {
      call("upsert into '" + collection + "'", collection, true, () -> write(collection, batch, true));
    }
  }

  /**
   * Sends one batch as an insert or an upsert and returns the primary keys the server reports. With the store's own
   * connection the rows go as columns on milvus-sdk-java's gRPC stub, as pymilvus sends them; through a wrapped
   * client they go as the SDK's JSON rows, which the SDK converts row by row (about half as fast for vectors).
   */
  private List<Object> write(String collection, RowBatch batch, boolean upsert) {
    if (writeStub == null) {
      return upsert
          ? client.upsert(UpsertReq.builder().collectionName(collection).data(batch.jsonRows()).build()).getPrimaryKeys()
          : client.insert(InsertReq.builder().collectionName(collection).data(batch.jsonRows()).build()).getPrimaryKeys();
    }
    String database = client.currentUsedDatabase();
    MilvusServiceGrpc.MilvusServiceBlockingStub stub =
        writeStub.withDeadlineAfter(config.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS);
    MutationResult result = upsert
        ? stub.upsert(UpsertRequest.newBuilder().setBase(MsgBase.newBuilder().setMsgType(MsgType.Upsert))
            .setDbName(database).setCollectionName(collection).setNumRows(batch.size())
            .addAllFieldsData(batch.columns()).build())
        : stub.insert(InsertRequest.newBuilder().setBase(MsgBase.newBuilder().setMsgType(MsgType.Insert))
            .setDbName(database).setCollectionName(collection).setNumRows(batch.size())
            .addAllFieldsData(batch.columns()).build());
    // The SDK's own checks and bookkeeping: the same exception for a refused request, and the write's timestamp
    // for reads at Session consistency.
    RPC_UTILS.handleResponse((upsert ? "Upsert to" : "Insert to") + " collection: '" + collection + "'",
        result.getStatus());
    GTsDict.getInstance().updateCollectionTs(GTsDict.CombineCollectionName(database, collection),
        result.getTimestamp());
    IDs ids = result.getIDs();
    return ids.hasIntId() ? new ArrayList<>(ids.getIntId().getDataList())
        : ids.hasStrId() ? new ArrayList<>(ids.getStrId().getDataList()) : new ArrayList<>();
  }

  @Override
  public void delete(String collection, List<?> ids) {
    CollectionSpec spec = spec(collection);
    List<Object> keys = keys(spec, ids);
    for (int i = 0; i < keys.size(); i += KEYS_PER_REQUEST) {
      String expr = keyFilter(spec, keys.subList(i, Math.min(keys.size(), i + KEYS_PER_REQUEST)));
      call("delete from '" + collection + "'", collection, true,
          () -> client.delete(DeleteReq.builder().collectionName(collection).filter(expr).build()));
    }
  }

  @Override
  public void deleteWhere(String collection, Filter filter) {
    CollectionSpec spec = spec(collection);
    if (filter == null) {
      throw new InvalidInputException("deleteWhere on '" + collection + "' needs a filter; to delete every row, "
          + "drop and recreate the collection.");
    }
    String expr = expression(spec, filter);
    call("delete from '" + collection + "' where " + expr, collection, true,
        () -> client.delete(DeleteReq.builder().collectionName(collection).filter(expr).build()));
  }

  /**
   * {@code pk in [...]} with every key escaped by core's filter builder. The SDK's own id-based get and delete
   * (milvus-sdk-java 2.6.22, {@code VectorUtils.getExprById}) quote VARCHAR keys without escaping them, so a key
   * holding a double quote would break the expression or change its meaning.
   */
  private static String keyFilter(CollectionSpec spec, List<Object> keys) {
    return Filters.in(spec.primaryKey().name(), keys).toExpression();
  }

  /** The primary keys, checked and converted to the key type. */
  private static List<Object> keys(CollectionSpec spec, List<?> ids) {
    Objects.requireNonNull(ids, "ids");
    List<Object> keys = new ArrayList<>(ids.size());
    for (Object id : ids) {
      keys.add(spec.primaryKey().coerce(id));
    }
    return keys;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reads

  @Override
  public List<List<Hit>> search(SearchRequest request) {
    Objects.requireNonNull(request, "request");
    String collection = request.collection();
    CollectionSpec spec = spec(collection);
    FieldSpec vectorField = spec.vectorField(request.vectorField());
    List<BaseVector> data = new ArrayList<>(request.queries().size());
    for (float[] q : request.queries()) {
      data.add(new FloatVec((float[]) vectorField.coerce(q)));
    }
    String expr = expression(spec, request.filter());
    List<String> outputFields = outputFields(spec, request.outputFields());
    SearchReq req = SearchReq.builder()
        .collectionName(collection)
        .annsField(vectorField.name())
        .data(data)
        .limit(request.topK())
        .offset(request.offset())
        .filter(expr)
        .outputFields(outputFields)
        .searchParams(new HashMap<>(request.searchParams()))
        .consistencyLevel(config.consistency())
        .build();
    SearchResp resp = read("search '" + collection + "'", collection, () -> client.search(req));
    String pk = spec.primaryKey().name();
    List<List<Hit>> out = new ArrayList<>(resp.getSearchResults().size());
    for (List<SearchResp.SearchResult> results : resp.getSearchResults()) {
      List<Hit> hits = new ArrayList<>(results.size());
      for (SearchResp.SearchResult r : results) {
        Map<String, Object> fields = fromEntity(spec, r.getEntity(), outputFields);
        fields.remove(pk);
        hits.add(new Hit(r.getId(), r.getScore(), fields));
      }
      out.add(hits);
    }
    return out;
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
    Objects.requireNonNull(request, "request");
    String collection = request.collection();
    CollectionSpec spec = spec(collection);
    String expr = expression(spec, request.filter());
    List<String> outputFields = outputFields(spec, request.outputFields());
    List<AnnSearchReq> routes = new ArrayList<>();
    List<BaseVector> single = null;
    String singleField = null;
    Map<String, Object> singleParams = Map.of();
    for (HybridSearchRequest.Route route : request.routes()) {
      BaseVector data;
      if (route.isText()) {
        FullTextField ft = spec.fullTextField(route.field()).orElseThrow(() -> new SchemaException("Text route '"
            + route.field() + "' is not a full-text field of collection '" + spec.name() + "' (its full-text fields: "
            + spec.fullTextFields().stream().map(FullTextField::name).toList() + "); add one with "
            + "CollectionSpec.Builder.fullText(...) when creating the collection."));
        data = new EmbeddedText(route.text());
        singleField = ft.name();
      } else {
        FieldSpec field = spec.vectorField(route.field());
        data = new FloatVec((float[]) field.coerce(route.vector()));
        singleField = field.name();
      }
      single = List.of(data);
      singleParams = route.searchParams();
      routes.add(AnnSearchReq.builder()
          .vectorFieldName(singleField)
          .vectors(List.of(data))
          .limit(request.candidates())
          .filter(expr)
          .params(GSON.toJson(route.searchParams()))
          .build());
    }
    String pk = spec.primaryKey().name();
    SearchResp resp;
    boolean negateBm25 = false;
    if (routes.size() == 1) {
      SearchReq req = SearchReq.builder()
          .collectionName(collection).annsField(singleField).data(single).limit(request.topK())
          .offset(request.offset()).filter(expr).outputFields(outputFields).searchParams(new HashMap<>(singleParams))
          .consistencyLevel(config.consistency()).build();
      resp = read("search '" + collection + "'", collection, () -> client.search(req));
      negateBm25 = request.routes().get(0).isText() && isMilvusLite();
    } else {
      CreateCollectionReq.Function ranker = request.ranker() == HybridSearchRequest.RankerType.RRF
          ? RRFRanker.builder().k(request.rrfK()).build()
          : WeightedRanker.builder().weights(new ArrayList<>(request.weights())).build();
      HybridSearchReq req = HybridSearchReq.builder()
          .collectionName(collection).searchRequests(routes).ranker(ranker).limit(request.topK())
          .offset(request.offset()).outFields(outputFields).consistencyLevel(config.consistency()).build();
      resp = read("hybrid-search '" + collection + "'", collection, () -> client.hybridSearch(req));
    }
    List<Hit> hits = new ArrayList<>();
    if (!resp.getSearchResults().isEmpty()) {
      for (SearchResp.SearchResult r : resp.getSearchResults().get(0)) {
        Map<String, Object> fields = fromEntity(spec, r.getEntity(), outputFields);
        fields.remove(pk);
        float score = negateBm25 && r.getScore() < 0 ? -r.getScore() : r.getScore();
        hits.add(new Hit(r.getId(), score, fields));
      }
    }
    return hits;
  }

  @Override
  public List<Row> query(QueryRequest request) {
    Objects.requireNonNull(request, "request");
    String collection = request.collection();
    CollectionSpec spec = spec(collection);
    String expr = expression(spec, request.filter());
    List<String> outputFields = outputFields(spec, request.outputFields());
    String pk = spec.primaryKey().name();
    // Milvus does not order query results: read the matching keys, sort them, then fetch one page.
    String keyFilter = expr.isEmpty() ? matchAll(spec) : expr;
    QueryResp keysResp = read("query '" + collection + "'", collection, () -> client.query(QueryReq.builder()
        .collectionName(collection).filter(keyFilter).outputFields(List.of(pk))
        .consistencyLevel(config.consistency()).build()));
    List<Object> keys = new ArrayList<>(keysResp.getQueryResults().size());
    for (QueryResp.QueryResult r : keysResp.getQueryResults()) {
      keys.add(r.getEntity().get(pk));
    }
    keys.sort(MilvusVectorStore::compareKeys);
    int from = Math.min(request.offset(), keys.size());
    int to = (int) Math.min((long) from + request.limit(), keys.size());
    return fetch(spec, keys.subList(from, to), outputFields);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareKeys(Object a, Object b) {
    return ((Comparable) a).compareTo(b);
  }

  /** A filter that every primary key matches (Milvus asks for a limit when the filter is empty). */
  private static String matchAll(CollectionSpec spec) {
    String pk = spec.primaryKey().name();
    return spec.primaryKey().type() == FieldType.INT64 ? pk + " <= 0 or " + pk + " > 0" : pk + " >= \"\"";
  }

  @Override
  public List<Row> get(String collection, List<?> ids, List<String> outputFields) {
    CollectionSpec spec = spec(collection);
    List<Object> keys = keys(spec, ids);
    List<String> fields = outputFields(spec, outputFields == null ? List.of() : outputFields);
    return fetch(spec, keys, fields);
  }

  /** The rows with these keys, in the order of the keys; missing keys are left out. */
  private List<Row> fetch(CollectionSpec spec, List<Object> keys, List<String> outputFields) {
    if (keys.isEmpty()) {
      return List.of();
    }
    String collection = spec.name();
    String pk = spec.primaryKey().name();
    Map<Object, Row> byKey = new HashMap<>();
    for (int i = 0; i < keys.size(); i += KEYS_PER_REQUEST) {
      List<Object> chunk = new ArrayList<>(new LinkedHashSet<>(keys.subList(i, Math.min(keys.size(), i + KEYS_PER_REQUEST))));
      String expr = keyFilter(spec, chunk);
      List<QueryResp.QueryResult> results = read("get rows of '" + collection + "'", collection,
          () -> client.query(QueryReq.builder().collectionName(collection).filter(expr).outputFields(outputFields)
              .consistencyLevel(config.consistency()).build()))
          .getQueryResults();
      for (QueryResp.QueryResult r : results) {
        Map<String, Object> values = fromEntity(spec, r.getEntity(), outputFields);
        Object key = values.get(pk);
        Row.Builder b = Row.builder().put(pk, key);
        values.forEach((k, v) -> {
          if (!k.equals(pk)) {
            b.put(k, v);
          }
        });
        byKey.put(key, b.build());
      }
    }
    List<Row> rows = new ArrayList<>(keys.size());
    for (Object key : keys) {
      Row r = byKey.get(key);
      if (r != null) {
        rows.add(r);
      }
    }
    return rows;
  }

  /**
   * Converts an entity from the SDK (gson JSON, List<Float> vectors) to core's value types, keeping the primary key
   * and the requested fields only (servers differ in what else they send back).
   */
  private static Map<String, Object> fromEntity(CollectionSpec spec, Map<String, Object> entity,
      List<String> requested) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (entity == null) {
      return out;
    }
    boolean anyDynamic = requested.contains("$meta");
    String pk = spec.primaryKey().name();
    for (Map.Entry<String, Object> e : entity.entrySet()) {
      Object v = e.getValue();
      FieldSpec field = spec.field(e.getKey()).orElse(null);
      boolean wanted = e.getKey().equals(pk) || requested.contains(e.getKey())
          || (field == null && anyDynamic && !e.getKey().equals("$meta"));
      if (!wanted) {
        continue;
      }
      if (v instanceof JsonElement j) {
        v = SchemaMapper.toJava(j);
      } else if (field != null && field.isVector() && v instanceof List<?> list) {
        float[] f = new float[list.size()];
        for (int i = 0; i < f.length; i++) {
          f[i] = ((Number) list.get(i)).floatValue();
        }
        v = f;
      }
      if (v != null || field == null) {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  /** The filter rendered in Milvus syntax after checking its field names; empty for none. */
  private static String expression(CollectionSpec spec, Filter filter) {
    if (filter == null) {
      return "";
    }
    FilterValidation.check(filter, spec);
    return filter.toExpression();
  }

  /**
   * The output fields to ask Milvus for: {@code "*"} becomes every scalar field (and the dynamic ones), without
   * vectors; named fields are checked against the schema.
   */
  private static List<String> outputFields(CollectionSpec spec, List<String> requested) {
    Set<String> out = new LinkedHashSet<>();
    if (requested.isEmpty()) {
      out.add(spec.primaryKey().name()); // Milvus reads an empty list as "every field"
    }
    for (String name : requested) {
      if ("*".equals(name)) {
        spec.scalarFields().forEach(f -> out.add(f.name()));
        if (spec.dynamicFields()) {
          out.add("$meta");
        }
      } else if (spec.knowsField(name)) {
        out.add(name);
      } else {
        throw new SchemaException("Output field '" + name + "' is not a field of collection '" + spec.name()
            + "' (its fields: " + fieldNames(spec) + "); use one of them or \"*\".");
      }
    }
    return new ArrayList<>(out);
  }

  private static List<String> fieldNames(CollectionSpec spec) {
    return spec.fields().stream().map(FieldSpec::name).toList();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Plumbing

  /** The spec of a collection, from the cache or the server. */
  private CollectionSpec spec(String collection) {
    Objects.requireNonNull(collection, "collection");
    checkOpen();
    CollectionSpec spec = specs.get(collection);
    return spec != null ? spec : describeCollection(collection);
  }

  /** A read: loads the collection first when needed, and once more if it was released meanwhile. */
  private <T> T read(String action, String collection, Supplier<T> op) {
    ensureLoaded(collection);
    try {
      return call(action, collection, true, op);
    } catch (CollectionNotFoundException | StoreUnavailableException e) {
      throw e;
    } catch (ImageSearchException e) {
      loaded.remove(collection);
      if (!isLoaded(collection)) {
        ensureLoaded(collection);
        return call(action, collection, true, op);
      }
      throw e;
    }
  }

  private boolean isLoaded(String collection) {
    return Boolean.TRUE.equals(call("check whether '" + collection + "' is loaded", collection, true,
        () -> client.getLoadState(GetLoadStateReq.builder().collectionName(collection).build())));
  }

  private void ensureLoaded(String collection) {
    if (loaded.contains(collection)) {
      return;
    }
    if (!isLoaded(collection)) {
      try {
        call("load collection '" + collection + "'", collection, true, () -> {
          client.loadCollection(LoadCollectionReq.builder().collectionName(collection).sync(true)
              .timeout(config.loadTimeout().toMillis()).build());
          return null;
        });
      } catch (CollectionNotFoundException | StoreUnavailableException e) {
        throw e;
      } catch (ImageSearchException e) {
        throw new SchemaException("Collection '" + collection + "' on " + errors.endpoint() + " cannot be loaded for "
            + "searching: " + e.getMessage() + " Check that every vector field has an index this server supports "
            + "(describeCollection shows them), or drop and recreate the collection.", e);
      }
    }
    loaded.add(collection);
  }

  /**
   * Runs one SDK call, retrying transient failures of idempotent calls, and translates what it throws into core's
   * exceptions.
   */
  private <T> T call(String action, String collection, boolean idempotent, Supplier<T> op) {
    checkOpen();
    RetryPolicy retry = config.retry();
    for (int attempt = 1; ; attempt++) {
      try {
        return op.get();
      } catch (ImageSearchException e) {
        throw e;
      } catch (RuntimeException e) {
        if (idempotent && attempt < retry.maxAttempts() && MilvusErrors.isTransient(e) && !closed) {
          Duration pause = retry.backoff(attempt);
          log.debug("Milvus at {} did not answer to {} (attempt {} of {}); retrying in {} ms", errors.endpoint(),
              action, attempt, retry.maxAttempts(), pause.toMillis());
          sleep(pause);
          continue;
        }
        ImageSearchException translated = errors.translate(action, collection, e);
        if (translated instanceof SchemaException && collection != null) {
          specs.remove(collection); // the schema may have changed on the server
        }
        throw translated;
      }
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("Interrupted while waiting to retry a Milvus call.", e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedException("MilvusVectorStore(" + errors.endpoint() + ")");
    }
  }

  /**
   * Closes the client if the store made it (a wrapped client stays open). Milvus makes every acknowledged write
   * durable in its log, so nothing needs flushing here.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (writeChannel != null) {
      writeChannel.shutdownNow();
      try {
        writeChannel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (ownsClient) {
      try {
        client.close(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        log.debug("Closing the Milvus client for {} failed: {}", errors.endpoint(), errors.redact(e.getMessage()));
      }
    }
  }

  @Override
  public String toString() {
    return "MilvusVectorStore(" + errors.endpoint() + (closed ? ", closed" : "") + ")";
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
      MilvusErrors errors = new MilvusErrors(config.displayUri(), List.of(token));
      if (!uri.matches("(?i)(https?|tcp|grpc)://.+")) {
        throw new InvalidInputException("Milvus URI '" + config.displayUri() + "' is not valid; use http://host:19530"
            + " (or https://... for TLS and Zilliz Cloud).");
      }
      ConnectConfig.ConnectConfigBuilder cc = ConnectConfig.builder()
          .uri(uri)
          .connectTimeoutMs(connectTimeout.toMillis())
          .rpcDeadlineMs(rpcTimeout.toMillis());
      if (!token.isEmpty()) {
        cc.token(token);
      }
      if (!database.isEmpty()) {
        cc.dbName(database);
      }
      ConnectConfig connect = cc.build();
      MilvusClientV2 client;
      try {
        client = new MilvusClientV2(connect);
      } catch (RuntimeException e) {
        if (MilvusErrors.isTransient(e)) {
          throw new StoreUnavailableException("No Milvus server answered at " + config.displayUri() + " within "
              + connectTimeout.toMillis() + " ms. Start one, e.g. Milvus Lite: `pip install milvus-lite && "
              + "milvus-lite server --data-dir ./milvus-data` (listens on port 19530), or Milvus standalone in Docker "
              + "(see milvus.io/docs/install_standalone-docker.md); or check the URI, the port and the firewall.");
        }
        throw errors.translate("connect", null, e);
      }
      // The store retries by itself, only where a retry is safe: the SDK's own retry loop is turned off.
      client.retryConfig(RetryConfig.builder().maxRetryTimes(1).build());
      // Writes go on a second channel with the same settings (TLS, token, database header): milvus-sdk-java's v2
      // client takes rows only as gson objects and converts them row by row, boxing every vector value, which
      // halves bulk-write throughput; the store sends the columns it builds from the rows instead. A global
      // cluster endpoint is resolved by the client itself, so writes to one go through the client. The write
      // channel sends no keep-alive pings while no call runs: servers answer those with GOAWAY (too_many_pings).
      ManagedChannel writeChannel;
      try {
        writeChannel = GlobalClusterUtils.isGlobalEndpoint(uri) ? null
            : new ClientUtils().getChannel(cc.keepAliveWithoutCalls(false).build());
      } catch (RuntimeException e) {
        client.close();
        throw errors.translate("connect", null, e);
      }
      log.debug("Connected to Milvus at {}", config.displayUri());
      return new MilvusVectorStore(client, true, writeChannel, config);
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
      return new MilvusVectorStore(client, false, null, config());
    }
  }
}
