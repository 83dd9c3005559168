package dev.imgsearch.store.milvus;

import com.google.gson.Gson;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.HybridSearchRequest;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.core.store.spi.OutputFields;
import dev.imgsearch.core.store.spi.SchemaChecks;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.vector.request.AnnSearchReq;
import io.milvus.v2.service.vector.request.HybridSearchReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.data.BaseVector;
import io.milvus.v2.service.vector.request.data.EmbeddedText;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.request.ranker.RRFRanker;
import io.milvus.v2.service.vector.request.ranker.WeightedRanker;
import io.milvus.v2.service.vector.response.QueryResp;
import io.milvus.v2.service.vector.response.SearchResp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The reads of a {@link MilvusVectorStore}: search, hybrid search, query and get. Each request is checked with
 * core's {@code store.spi} (query vectors, filter, output fields) before it is built and sent, so a mistake gets
 * the message every store gives.
 */
final class MilvusReads {
  private static final Gson GSON = new Gson();
  /** How many primary keys go into one {@code get} request. */
  static final int KEYS_PER_REQUEST = 4096;

  private final MilvusClientV2 client;
  private final MilvusStoreConfig config;
  private final MilvusCollections collections;

  MilvusReads(MilvusClientV2 client, MilvusStoreConfig config, MilvusCollections collections) {
    this.client = client;
    this.config = config;
    this.collections = collections;
  }

  /** The filter rendered in Milvus syntax after checking it against the schema; empty for none. */
  static String expression(CollectionSpec spec, Filter filter) {
    SchemaChecks.checkFilter(spec, filter);
    return filter == null ? "" : filter.toExpression();
  }

  List<List<Hit>> search(SearchRequest request) {
    Objects.requireNonNull(request, "request");
    String collection = request.collection();
    CollectionSpec spec = collections.spec(collection);
    FieldSpec vectorField = spec.vectorField(request.vectorField());
    List<BaseVector> data = new ArrayList<>(request.queries().size());
    for (float[] q : SchemaChecks.checkQueries(vectorField, request.queries())) {
      data.add(new FloatVec(q));
    }
    String expr = expression(spec, request.filter());
    OutputFields out = OutputFields.resolve(spec, request.outputFields());
    SearchReq req = SearchReq.builder()
        .collectionName(collection)
        .annsField(vectorField.name())
        .data(data)
        .limit(request.topK())
        .offset(request.offset())
        .filter(expr)
        .outputFields(Entities.request(spec, out))
        .searchParams(new HashMap<>(request.searchParams()))
        .consistencyLevel(config.consistency())
        .build();
    SearchResp resp = collections.read("search '" + collection + "'", collection, () -> client.search(req));
    List<List<Hit>> hits = new ArrayList<>(resp.getSearchResults().size());
    for (List<SearchResp.SearchResult> results : resp.getSearchResults()) {
      hits.add(hits(spec, out, results, false));
    }
    return hits;
  }

  private static List<Hit> hits(CollectionSpec spec, OutputFields out, List<SearchResp.SearchResult> results,
      boolean negateBm25) {
    List<Hit> hits = new ArrayList<>(results.size());
    for (SearchResp.SearchResult r : results) {
      float score = negateBm25 && r.getScore() < 0 ? -r.getScore() : r.getScore();
      hits.add(Entities.hit(spec, out, r.getId(), score, r.getEntity()));
    }
    return hits;
  }

  /** See {@link MilvusVectorStore#hybridSearch}. */
  List<Hit> hybridSearch(HybridSearchRequest request) {
    Objects.requireNonNull(request, "request");
    String collection = request.collection();
    CollectionSpec spec = collections.spec(collection);
    List<AnnSearchReq> routes = new ArrayList<>();
    List<BaseVector> single = null;
    String singleField = null;
    for (HybridSearchRequest.Route route : request.routes()) {
      BaseVector data;
      if (route.isText()) {
        singleField = SchemaChecks.textRouteField(spec, route.field()).name();
        data = new EmbeddedText(route.text());
      } else {
        FieldSpec field = spec.vectorField(route.field());
        singleField = field.name();
        data = new FloatVec(SchemaChecks.checkQueries(field, List.of(route.vector())).get(0));
      }
      single = List.of(data);
      routes.add(AnnSearchReq.builder()
          .vectorFieldName(singleField)
          .vectors(single)
          .limit(request.candidates())
          .params(GSON.toJson(route.searchParams()))
          .build());
    }
    String expr = expression(spec, request.filter());
    routes.forEach(r -> r.setFilter(expr));
    OutputFields out = OutputFields.resolve(spec, request.outputFields());
    List<String> outputFields = Entities.request(spec, out);
    if (routes.size() == 1) {
      HybridSearchRequest.Route route = request.routes().get(0);
      SearchReq req = SearchReq.builder()
          .collectionName(collection).annsField(singleField).data(single).limit(request.topK())
          .offset(request.offset()).filter(expr).outputFields(outputFields)
          .searchParams(new HashMap<>(route.searchParams())).consistencyLevel(config.consistency()).build();
      SearchResp resp = collections.read("search '" + collection + "'", collection, () -> client.search(req));
      return first(spec, out, resp, route.isText() && collections.isMilvusLite());
    }
    CreateCollectionReq.Function ranker = request.ranker() == HybridSearchRequest.RankerType.RRF
        ? RRFRanker.builder().k(request.rrfK()).build()
        : WeightedRanker.builder().weights(new ArrayList<>(request.weights())).build();
    HybridSearchReq req = HybridSearchReq.builder()
        .collectionName(collection).searchRequests(routes).ranker(ranker).limit(request.topK())
        .offset(request.offset()).outFields(outputFields).consistencyLevel(config.consistency()).build();
    SearchResp resp = collections.read("hybrid-search '" + collection + "'", collection,
        () -> client.hybridSearch(req));
    return first(spec, out, resp, false);
  }

  private static List<Hit> first(CollectionSpec spec, OutputFields out, SearchResp resp, boolean negateBm25) {
    return resp.getSearchResults().isEmpty() ? new ArrayList<>()
        : hits(spec, out, resp.getSearchResults().get(0), negateBm25);
  }

  List<Row> query(QueryRequest request) {
    Objects.requireNonNull(request, "request");
    String collection = request.collection();
    CollectionSpec spec = collections.spec(collection);
    String expr = expression(spec, request.filter());
    OutputFields out = OutputFields.resolve(spec, request.outputFields());
    String pk = spec.primaryKey().name();
    // Milvus does not order query results: read the matching keys, sort them, then fetch one page.
    String keyFilter = expr.isEmpty() ? Entities.matchAll(spec) : expr;
    QueryResp keysResp = collections.read("query '" + collection + "'", collection, () -> client.query(
        QueryReq.builder().collectionName(collection).filter(keyFilter).outputFields(List.of(pk))
            .consistencyLevel(config.consistency()).build()));
    List<Object> keys = new ArrayList<>(keysResp.getQueryResults().size());
    for (QueryResp.QueryResult r : keysResp.getQueryResults()) {
      keys.add(Entities.key(spec, r.getEntity()));
    }
    keys.sort(MilvusReads::compareKeys);
    int from = Math.min(request.offset(), keys.size());
    int to = (int) Math.min((long) from + request.limit(), keys.size());
    return fetch(spec, keys.subList(from, to), out);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareKeys(Object a, Object b) {
    return ((Comparable) a).compareTo(b);
  }

  List<Row> get(String collection, List<?> ids, List<String> outputFields) {
    CollectionSpec spec = collections.spec(collection);
    List<Object> keys = SchemaChecks.checkIds(spec, Objects.requireNonNull(ids, "ids"));
    OutputFields out = OutputFields.resolve(spec, outputFields == null ? List.of() : outputFields);
    return fetch(spec, keys, out);
  }

  /** The rows with these keys, in the order of the keys; missing keys are left out. */
  private List<Row> fetch(CollectionSpec spec, List<Object> keys, OutputFields out) {
    if (keys.isEmpty()) {
      return List.of();
    }
    String collection = spec.name();
    List<String> outputFields = Entities.request(spec, out);
    Map<Object, Row> byKey = new HashMap<>();
    for (int i = 0; i < keys.size(); i += KEYS_PER_REQUEST) {
      List<Object> chunk = new ArrayList<>(new LinkedHashSet<>(keys.subList(i, Math.min(keys.size(),
          i + KEYS_PER_REQUEST))));
      String expr = Entities.keyFilter(spec, chunk);
      List<QueryResp.QueryResult> results = collections.read("get rows of '" + collection + "'", collection,
          () -> client.query(QueryReq.builder().collectionName(collection).filter(expr).outputFields(outputFields)
              .consistencyLevel(config.consistency()).build()))
          .getQueryResults();
      for (QueryResp.QueryResult r : results) {
        byKey.put(Entities.key(spec, r.getEntity()), Entities.row(spec, out, r.getEntity()));
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
}
