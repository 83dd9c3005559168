package dev.imgsearch.store.lucene;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.HybridSearchRequest;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.core.store.spi.OutputFields;
import dev.imgsearch.core.store.spi.SchemaChecks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSortField;
import org.apache.lucene.search.SortedSetSortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;

/**
 * The reads of one collection: rows by primary key ({@link #get}) and by filter ({@link #query}), vector searches
 * ({@link #search}) and hybrid searches ({@link #hybridSearch}). Each checks its request, then runs on a searcher of
 * the {@link CollectionIndex} that sees every write returned before it. Vector routes find candidates with
 * {@link VectorSearch} and score them exactly (Milvus's scores); text routes rank by BM25; pages load their rows
 * with {@link StoredRows}.
 */
final class CollectionReads {
  private final CollectionFile file;
  private final CollectionSpec spec;
  private final FieldSpec pk;
  private final Documents documents;
  private final FilterQueries filters;
  private final StoredRows rows;
  private final CollectionIndex index;
  private final LuceneVectorStore.Options options;
  /** The vector fields by name, and by null when there is one (the default of a search): looked up per search. */
  private final Map<String, FieldSpec> vectorFields = new HashMap<>();

  CollectionReads(CollectionFile file, Documents documents, FilterQueries filters, StoredRows rows,
      CollectionIndex index, LuceneVectorStore.Options options) {
    this.file = file;
    this.spec = file.spec();
    this.pk = spec.primaryKey();
    this.documents = documents;
    this.filters = filters;
    this.rows = rows;
    this.index = index;
    this.options = options;
    for (FieldSpec f : spec.vectorFields()) {
      vectorFields.put(f.name(), f);
    }
    if (vectorFields.size() == 1) {
      vectorFields.put(null, vectorFields.values().iterator().next());
    }
  }

  /** {@link CollectionSpec#vectorField}, without building the list of vector fields for each search. */
  private FieldSpec vectorField(String name) {
    FieldSpec f = vectorFields.get(name);
    return f != null ? f : spec.vectorField(name); // the schema's error for a wrong or missing name
  }


  List<Row> get(List<?> ids, List<String> outputFields) {
    OutputFields out = OutputFields.resolve(spec, outputFields);
    List<Object> keys = new ArrayList<>(new LinkedHashSet<>(SchemaChecks.checkIds(spec, ids)));
    if (keys.isEmpty()) {
      return List.of();
    }
    return index.read(s -> {
      List<BytesRef> terms = keys.stream().map(documents::idBytes).toList();
      ScoreDoc[] hits = s.search(new TermInSetQuery(Documents.ID, terms), keys.size()).scoreDocs;
      int[] docs = Arrays.stream(hits).mapToInt(h -> h.doc).toArray();
      Map<Object, Map<String, Object>> byKey = new HashMap<>();
      for (Map<String, Object> row : rows.load(s, docs, out)) {
        byKey.put(row.get(pk.name()), row);
      }
      List<Row> result = new ArrayList<>();
      for (Object key : keys) {
        Map<String, Object> row = byKey.get(key);
        if (row != null) {
          result.add(rows.toRow(row, out));
        }
      }
      return result;
    });
  }

  List<Row> query(QueryRequest request) {
    Filter filter = request.filter();
    SchemaChecks.checkFilter(spec, filter);
    OutputFields out = OutputFields.resolve(spec, request.outputFields());
    Query q = filters.toQuery(filter);
    SortField byKey = pk.type() == FieldType.INT64
        ? new SortedNumericSortField(Documents.Kind.LONG.field(pk.name()), SortField.Type.LONG)
        : new SortedSetSortField(Documents.Kind.STRING.field(pk.name()), false);
    int window = request.offset() + request.limit();
    return index.read(s -> {
      TopFieldDocs top = s.search(q, window, new Sort(byKey), false);
      int from = Math.min(request.offset(), top.scoreDocs.length);
      int[] docs = Arrays.stream(top.scoreDocs, from, top.scoreDocs.length).mapToInt(h -> h.doc).toArray();
      return rows.load(s, docs, out).stream().map(r -> rows.toRow(r, out)).toList();
    });
  }

  List<List<Hit>> search(SearchRequest request) {
    FieldSpec field = vectorField(request.vectorField());
    List<float[]> queries = SchemaChecks.checkQueries(field, request.queries());
    Filter filter = request.filter();
    SchemaChecks.checkFilter(spec, filter);
    OutputFields out = OutputFields.resolve(spec, request.outputFields());
    Query filterQuery = filter == null ? null : filters.toQuery(filter);
    int window = request.topK() + request.offset();
    int ef = searchEf(request.searchParams());
    Boolean refine = searchRefine(request.searchParams());
    return index.read(s -> {
      VectorSearch.Accept accept = VectorSearch.Accept.of(s, filterQuery);
      List<List<Hit>> results = new ArrayList<>(queries.size());
      for (float[] query : queries) {
        Ranked ranked = vectorRoute(s, field, query, filterQuery, accept, window, ef, refine);
        results.add(page(s, ranked, request.topK(), request.offset(), out));
      }
      return results;
    });
  }

  /**
   * Runs a hybrid search: each route ranked on its own (vector routes exactly scored, text routes by BM25), the
   * rankings fused by the request's ranker (see {@link HybridFusion}); one route keeps its own scores.
   */
  List<Hit> hybridSearch(HybridSearchRequest request) {
    List<Object> checkedRoutes = new ArrayList<>();
    for (HybridSearchRequest.Route route : request.routes()) {
      if (route.isText()) {
        checkedRoutes.add(SchemaChecks.textRouteField(spec, route.field()));
      } else {
        FieldSpec field = vectorField(route.field());
        checkedRoutes.add(field);
        SchemaChecks.checkQueries(field, List.of(route.vector()));
      }
    }
    Filter filter = request.filter();
    SchemaChecks.checkFilter(spec, filter);
    OutputFields out = OutputFields.resolve(spec, request.outputFields());
    Query filterQuery = filter == null ? null : filters.toQuery(filter);
    int candidates = request.candidates();
    return index.read(s -> {
      List<HybridFusion.RouteHits> routeHits = new ArrayList<>();
      Ranked single = null;
      for (int r = 0; r < checkedRoutes.size(); r++) {
        HybridSearchRequest.Route route = request.routes().get(r);
        Ranked ranked;
        HybridFusion.Scale scale;
        if (checkedRoutes.get(r) instanceof FieldSpec field) {
          VectorSearch.Accept accept = VectorSearch.Accept.of(s, filterQuery);
          ranked = vectorRoute(s, field, route.vector(), filterQuery, accept, candidates,
              searchEf(route.searchParams()), searchRefine(route.searchParams())).first(candidates);
          scale = HybridFusion.Scale.of(field.metric());
        } else {
          ranked = textRoute(s, (FullTextField) checkedRoutes.get(r), route.text(), filterQuery, candidates);
          scale = HybridFusion.Scale.BM25;
        }
        single = ranked;
        routeHits.add(new HybridFusion.RouteHits(ranked.docs(), ranked.scores(), scale));
      }
      if (routeHits.size() == 1) {
        return page(s, single, request.topK(), request.offset(), out);
      }
      Map<Integer, Double> fused = HybridFusion.fuse(routeHits, request.ranker(), request.rrfK(), request.weights());
      int[] docs = fused.keySet().stream().mapToInt(Integer::intValue).toArray();
      double[] scores = Arrays.stream(docs).mapToDouble(fused::get).toArray();
      return page(s, Ranked.sort(docs, scores, rows.primaryKeys(s.getIndexReader(), docs), true), request.topK(),
          request.offset(), out);
    });
  }

  private boolean isExact(FieldSpec field) {
    return file.plans().get(field.name()).isExact();
  }

  /** The best {@code window} documents for a query vector, exactly scored, best first. */
  private Ranked vectorRoute(IndexSearcher s, FieldSpec field, float[] query, Query filterQuery,
      VectorSearch.Accept accept, int window, int ef, Boolean refine) throws IOException {
    IndexReader reader = s.getIndexReader();
    String raw = documents.rawVectorField(field.name());
    MetricType metric = field.metric();
    int[] candidates;
    if (isExact(field)) {
      candidates = VectorSearch.scan(s, field.name(), metric, query, accept, window, field.dimension());
    } else {
      // The graph ranks max(window, ef) neighbours by Lucene's float similarity; only the best of them, and those
      // within float rounding of the last of the window, need exact scores.
      VectorSearch.Candidates found = VectorSearch.graph(s, documents.graphVectorField(field.name()),
          documents.isNormalized(field.name()) ? Documents.unit(query) : query, accept, filterQuery != null,
          Math.max(window, ef));
      int size = found.size();
      int[] docs = found.docs();
      VectorPlan plan = file.plans().get(field.name());
      boolean rescore = refine == null ? plan.rescore() : refine;
      if (plan.isQuantized() && !rescore) {
        // A quantised graph without re-scoring: its best window by the quantised similarity are the answer (only
        // their returned scores are computed exactly, below).
        candidates = size <= window ? docs : Arrays.copyOf(docs, window);
      } else {
        float[] closeness = new float[size];
        if (plan.isQuantized() && size > window) {
          // A quantised graph ranks by quantised vectors: rank all it found by the raw vectors in float first.
          VectorSearch.TopHeap heap = new VectorSearch.TopHeap(size);
          VectorSearch.forEachVector(reader, raw, docs,
              (i, vector) -> heap.offer(i, VectorSearch.closeness(metric, query, vector)));
          VectorSearch.Candidates ranked = heap.bestFirst(); // positions in docs, best first
          int[] byRaw = new int[size];
          for (int i = 0; i < size; i++) {
            byRaw[i] = docs[ranked.docs()[i]];
            closeness[i] = ranked.similarities()[i];
          }
          docs = byRaw;
        } else if (plan.isQuantized()) {
          // No more candidates than the window: all of them are scored exactly.
          for (int i = 0; i < size; i++) {
            closeness[i] = Float.POSITIVE_INFINITY;
          }
        } else {
          VectorSimilarityFunction similarity = documents.graphSimilarity(field.name());
          for (int i = 0; i < size; i++) {
            closeness[i] = VectorSearch.closenessOf(similarity, found.similarities()[i]);
          }
        }
        int n = VectorSearch.exactCount(metric, closeness, size, window, field.dimension());
        candidates = n == size ? docs : Arrays.copyOf(docs, n);
      }
    }
    double[] scores = VectorSearch.scores(reader, raw, candidates, metric, query);
    return Ranked.sort(candidates, scores, rows.primaryKeys(reader, candidates), metric.higherIsCloser());
  }

  /** The best {@code size} documents for a text query by BM25, best first. */
  private Ranked textRoute(IndexSearcher s, FullTextField ft, String text, Query filterQuery, int size)
      throws IOException {
    Query terms = new QueryBuilder(index.analyzer()).createBooleanQuery(Documents.textField(ft.name()), text,
        BooleanClause.Occur.SHOULD);
    if (terms == null) {
      return Ranked.sort(new int[0], new double[0], new Object[0], true); // no terms after analysis
    }
    Query q = filterQuery == null ? terms
        : new BooleanQuery.Builder().add(terms, BooleanClause.Occur.MUST).add(filterQuery, BooleanClause.Occur.FILTER)
            .build();
    ScoreDoc[] top = s.search(q, size).scoreDocs;
    int[] docs = Arrays.stream(top).mapToInt(d -> d.doc).toArray();
    // Lucene's BM25 leaves out the constant factor (k1 + 1) of the textbook formula, which Milvus keeps.
    double[] scores = Arrays.stream(top).mapToDouble(d -> d.score * (CollectionIndex.BM25_K1 + 1)).toArray();
    return Ranked.sort(docs, scores, rows.primaryKeys(s.getIndexReader(), docs), true);
  }

  /**
   * The search parameter {@code refine} (a Boolean or "true"/"false"): whether a quantised graph's candidates are
   * re-ranked on the raw vectors, overriding the index's {@code refine}; null when not given. Other structures
   * ignore it.
   */
  private static Boolean searchRefine(Map<String, Object> searchParams) {
    Object refine = searchParams.get("refine");
    if (refine == null || refine instanceof Boolean) {
      return (Boolean) refine;
    }
    String v = String.valueOf(refine).trim().toLowerCase(java.util.Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new InvalidInputException("Search parameter refine is " + refine + "; use true (re-rank a quantised "
          + "graph's candidates on the raw vectors) or false.");
    }
    return Boolean.valueOf(v);
  }

  private int searchEf(Map<String, Object> searchParams) {
    Object ef = searchParams.get("ef");
    if (ef == null) {
      return options.defaultEf();
    }
    if (!(ef instanceof Number n) || n.intValue() < 1) {
      throw new InvalidInputException("Search parameter ef is " + ef + "; use a positive integer (larger is more "
          + "accurate and slower).");
    }
    return n.intValue();
  }

  /** The hits of one page of a ranking, with the output fields loaded. */
  private List<Hit> page(IndexSearcher s, Ranked ranked, int topK, int offset, OutputFields out)
      throws IOException {
    int end = Math.min(ranked.docs().length, offset + topK);
    if (offset >= end) {
      return List.of();
    }
    int[] pageDocs = Arrays.copyOfRange(ranked.docs(), offset, end);
    boolean needRows = out.allScalars() || !out.named().isEmpty();
    List<Map<String, Object>> loaded = needRows ? rows.load(s, pageDocs, out) : null;
    List<Hit> hits = new ArrayList<>(pageDocs.length);
    for (int i = offset; i < end; i++) {
      Map<String, Object> fields = needRows ? out.project(loaded.get(i - offset)) : Map.of();
      hits.add(new Hit(ranked.keys()[i], (float) ranked.scores()[i], fields));
    }
    return hits;
  }
}
