package dev.imgsearch.store.lucene;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.HybridSearchRequest;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.util.QueryBuilder;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.core.store.spi.OutputFields;
import dev.imgsearch.core.store.spi.SchemaChecks;
import dev.imgsearch.core.store.spi.SchemaChecks.KeyRule;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import dev.imgsearch.core.store.spi.CollectionProperties;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSortField;
import org.apache.lucene.search.SortedSetSortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.NumericUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One collection: its schema, its Lucene index (an {@link IndexWriter} and a {@link SearcherManager} for
 * near-real-time reads), and the operations of {@link dev.imgsearch.core.store.VectorStore} on it.
 *
 * <p>Reads see every write that returned before them: a read refreshes the searcher first when there were writes
 * since the last refresh. Writes become durable on
 * {@link #flush()} (a Lucene commit) and {@link #close()}. When writing fails with an I/O error (a full disk), the
 * writer is rolled back to the last commit and reopened, and the error says that writes since the last flush were
 * lost; data committed before stays intact.
 *
 * <p>Thread safety: operations hold the read side of a lock, so they run concurrently (Lucene's writer and
 * searchers are thread-safe); inserts with given keys are serialised so their duplicate check is exact; recovery
 * and close hold the write side.
 */
final class LuceneCollection implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LuceneCollection.class);
  private static final String NEXT_AUTO_ID = "imgsearch.nextAutoId";
  /** Commit data keys of the collection's properties ({@code VectorStore#collectionProperties}): prefix + key. */
  private static final String PROPERTY_PREFIX = "imgsearch.property.";
  /** BM25 parameters, Milvus's defaults (and Lucene's). */
  static final float BM25_K1 = 1.2f;
  static final float BM25_B = 0.75f;

  private final Path dir;
  private final CollectionFile file;
  private final CollectionSpec spec;
  private final FieldSpec pk;
  private final Documents documents;
  private final FilterQueries filters;
  private final LuceneVectorStore.Options options;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final ReentrantLock insertLock = new ReentrantLock();
  private final AtomicLong nextAutoId = new AtomicLong(1);
  /** The collection's properties, sorted and unmodifiable; replaced as a whole. */
  private volatile java.util.SortedMap<String, String> properties = java.util.Collections.emptySortedMap();
  private final Object propertiesLock = new Object();
  /** Counts writes: incremented after each write is applied to the writer. */
  private final AtomicLong writeGeneration = new AtomicLong();
  /** Every write up to this generation is visible to new searchers. */
  private volatile long searchableGeneration;
  private final Object refreshLock = new Object();
  /** Analyses full-text fields: StandardAnalyzer, or SmartChineseAnalyzer for {@code CHINESE}. */
  private final Analyzer analyzer;

  private Directory directory;
  private IndexWriter writer;
  private SearcherManager searchers;
  private volatile boolean closed;

  private LuceneCollection(Path dir, CollectionFile file, LuceneVectorStore.Options options) {
    this.dir = dir;
    this.file = file;
    this.spec = file.spec();
    this.pk = spec.primaryKey();
    this.documents = new Documents(spec, file.plans(), file.cosineRawVectors());
    this.filters = new FilterQueries(documents);
    this.options = options;
    Map<String, Analyzer> perField = new HashMap<>();
    for (FullTextField ft : spec.fullTextFields()) {
      perField.put(Documents.textField(ft.name()), ft.analyzer() == FullTextField.Analyzer.CHINESE
          ? new SmartChineseAnalyzer() : new StandardAnalyzer());
    }
    this.analyzer = new PerFieldAnalyzerWrapper(new StandardAnalyzer(), perField);
  }

  /** Opens a collection directory: its {@code collection.json} and its index. */
  static LuceneCollection open(Path dir, String name, LuceneVectorStore.Options options) throws IOException {
    CollectionFile file = CollectionFile.read(dir.resolve(StoreFiles.COLLECTION_FILE), name);
    LuceneCollection c = new LuceneCollection(dir, file, options);
    c.openIndex(IndexWriterConfig.OpenMode.APPEND);
    if (file.version() < StoreFiles.VERSION) {
      try {
        CollectionFile.write(dir.resolve(StoreFiles.COLLECTION_FILE), file.upgraded());
      } catch (IOException | RuntimeException e) {
        c.discard();
        throw e;
      }
      LOG.info("Collection '{}' at {}: schema file upgraded from format version {} to {}; its Lucene 9 segments are "
          + "read as they are and rewritten in Lucene 10's format as they merge (compact() rewrites them all).", name,
          dir, file.version(), StoreFiles.VERSION);
    }
    return c;
  }

  /** Writes a new collection (schema and an empty, committed index) into {@code dir}, which must not exist. */
  static void createFiles(Path dir, CollectionFile file, LuceneVectorStore.Options options) throws IOException {
    java.nio.file.Files.createDirectories(dir);
    CollectionFile.write(dir.resolve(StoreFiles.COLLECTION_FILE), file);
    LuceneCollection c = new LuceneCollection(dir, file, options);
    c.openIndex(IndexWriterConfig.OpenMode.CREATE);
    c.close();
  }

  private void openIndex(IndexWriterConfig.OpenMode mode) throws IOException {
    Directory d = options.directoryFactory().open(dir.resolve(StoreFiles.INDEX));
    IndexWriter w = null;
    try {
      w = new IndexWriter(d, writerConfig(mode));
      if (mode == IndexWriterConfig.OpenMode.CREATE) {
        w.commit();
      }
      SearcherManager s = new SearcherManager(w, true, false, new SearcherFactory() {
        @Override
        public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) {
          IndexSearcher searcher = new IndexSearcher(reader);
          searcher.setSimilarity(new BM25Similarity(BM25_K1, BM25_B));
          return searcher;
        }
      });
      directory = d;
      writer = w;
      searchers = s;
    } catch (LockObtainFailedException e) {
      IOUtils.closeWhileHandlingException(w, d);
      throw new StoreUnavailableException("The index of collection '" + spec.name() + "' at " + dir + " is locked "
          + "by another process or another store in this process (" + e.getMessage() + "); close that store first.",
          e);
    } catch (IOException | RuntimeException e) {
      IOUtils.closeWhileHandlingException(w, d);
      throw e;
    }
    long next = 1;
    String stored = writer.getLiveCommitData() == null ? null : liveCommitData().get(NEXT_AUTO_ID);
    if (stored != null) {
      next = Math.max(next, Long.parseLong(stored));
    }
    if (pk.type() == FieldType.INT64) {
      IndexSearcher s = searchers.acquire();
      try {
        byte[] max = PointValues.getMaxPackedValue(s.getIndexReader(), Documents.Kind.LONG.field(pk.name()));
        if (max != null) {
          long maxKey = NumericUtils.sortableBytesToLong(max, 0);
          next = Math.max(next, maxKey == Long.MAX_VALUE ? maxKey : maxKey + 1);
        }
      } finally {
        searchers.release(s);
      }
    }
    nextAutoId.set(next);
    java.util.TreeMap<String, String> props = new java.util.TreeMap<>();
    if (writer.getLiveCommitData() != null) {
      liveCommitData().forEach((k, v) -> {
        if (k.startsWith(PROPERTY_PREFIX) && k.length() > PROPERTY_PREFIX.length()) {
          props.put(k.substring(PROPERTY_PREFIX.length()), v);
        }
      });
    }
    properties = java.util.Collections.unmodifiableSortedMap(props);
  }

  /** What each commit records besides the documents: the next auto id and the collection's properties. */
  private Map<String, String> commitData() {
    Map<String, String> m = new HashMap<>();
    m.put(NEXT_AUTO_ID, Long.toString(nextAutoId.get()));
    properties.forEach((k, v) -> m.put(PROPERTY_PREFIX + k, v));
    return m;
  }

  /** The collection's properties, as of the last change (read from the last commit when opened). */
  java.util.SortedMap<String, String> properties() {
    checkOpen();
    return properties;
  }

  /** Changes the properties and commits them, with every write so far. */
  void setProperties(Map<String, String> changes) {
    write(w -> {
      synchronized (propertiesLock) {
        java.util.SortedMap<String, String> next = CollectionProperties.apply(spec.name(), properties, changes);
        java.util.SortedMap<String, String> before = properties;
        properties = next;
        try {
          w.setLiveCommitData(commitData().entrySet());
          w.commit();
        } catch (IOException | RuntimeException e) {
          properties = before;
          throw e;
        }
      }
    });
  }

  private Map<String, String> liveCommitData() {
    Map<String, String> m = new HashMap<>();
    for (Map.Entry<String, String> e : writer.getLiveCommitData()) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }

  private IndexWriterConfig writerConfig(IndexWriterConfig.OpenMode mode) {
    Map<String, KnnVectorsFormat> formats = new HashMap<>();
    file.plans().forEach((field, plan) -> {
      formats.put(field, plan.format());
      formats.put(Documents.rawName(field), VectorPlan.exact().format());
    });
    KnnVectorsFormat fallback = VectorPlan.exact().format();
    IndexWriterConfig config = new IndexWriterConfig(analyzer);
    config.setSimilarity(new BM25Similarity(BM25_K1, BM25_B));
    config.setOpenMode(mode);
    config.setRAMBufferSizeMB(options.ramBufferMb());
    config.setCodec(new Lucene104Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return formats.getOrDefault(field, fallback);
      }
    });
    config.setCommitOnClose(false);
    return config;
  }

  CollectionSpec spec() {
    return spec;
  }

  // ---- writes -----------------------------------------------------------------------------------------------

  List<Object> insert(List<Row> rows) {
    boolean generated = spec.autoId();
    List<Map<String, Object>> checked = SchemaChecks.checkRows(spec, rows, generated ? KeyRule.GENERATED
        : KeyRule.REQUIRED);
    if (checked.isEmpty()) {
      return List.of();
    }
    if (generated) {
      List<Object> ids = new ArrayList<>(checked.size());
      List<Document> docs = new ArrayList<>(checked.size());
      long first = nextAutoId.getAndAdd(checked.size());
      for (int i = 0; i < checked.size(); i++) {
        Map<String, Object> withKey = new LinkedHashMap<>();
        withKey.put(pk.name(), first + i);
        withKey.putAll(checked.get(i));
        docs.add(documents.toDocument(withKey));
        ids.add(first + i);
      }
      write(w -> {
        for (Document d : docs) {
          w.addDocument(d);
        }
      });
      return ids;
    }
    List<Document> docs = toDocuments(checked);
    List<Object> ids = checked.stream().map(r -> r.get(pk.name())).toList();
    insertLock.lock();
    try {
      checkNewKeys(ids);
      // updateDocument, not addDocument: should a concurrent upsert add one of these keys after the check, the
      // insert replaces its row instead of leaving two rows with one key.
      write(w -> {
        for (int i = 0; i < docs.size(); i++) {
          w.updateDocument(documents.idTerm(ids.get(i)), docs.get(i));
        }
      });
    } finally {
      insertLock.unlock();
    }
    return ids;
  }

  /** Refuses keys that exist or repeat in the batch, as the in-memory store does (Milvus would keep both rows). */
  private void checkNewKeys(List<Object> ids) {
    Set<Object> batch = new HashSet<>();
    for (int i = 0; i < ids.size(); i++) {
      if (!batch.add(ids.get(i))) {
        throw SchemaChecks.duplicateKey(spec, i, ids.get(i), false);
      }
    }
    read(s -> {
      List<BytesRef> terms = ids.stream().map(documents::idBytes).toList();
      ScoreDoc[] hits = s.search(new TermInSetQuery(Documents.ID, terms), 1).scoreDocs;
      if (hits.length > 0) {
        Object existing = primaryKeys(s.getIndexReader(), new int[] {hits[0].doc})[0];
        throw SchemaChecks.duplicateKey(spec, ids.indexOf(existing), existing, true);
      }
      return null;
    });
  }

  void upsert(List<Row> rows) {
    List<Map<String, Object>> checked = SchemaChecks.checkRows(spec, rows, KeyRule.REQUIRED);
    if (checked.isEmpty()) {
      return;
    }
    List<Document> docs = toDocuments(checked);
    if (spec.autoId()) {
      long max = checked.stream().mapToLong(r -> (Long) r.get(pk.name())).max().getAsLong();
      nextAutoId.accumulateAndGet(max == Long.MAX_VALUE ? max : max + 1, Math::max);
    }
    write(w -> {
      for (int i = 0; i < docs.size(); i++) {
        w.updateDocument(documents.idTerm(checked.get(i).get(pk.name())), docs.get(i));
      }
    });
  }

  private List<Document> toDocuments(List<Map<String, Object>> checked) {
    List<Document> docs = new ArrayList<>(checked.size());
    for (Map<String, Object> row : checked) {
      docs.add(documents.toDocument(row));
    }
    return docs;
  }

  void delete(List<?> ids) {
    List<Object> keys = SchemaChecks.checkIds(spec, ids);
    if (keys.isEmpty()) {
      return;
    }
    Term[] terms = keys.stream().map(documents::idTerm).toArray(Term[]::new);
    write(w -> w.deleteDocuments(terms));
  }

  void deleteWhere(Filter filter) {
    SchemaChecks.checkDeleteFilter(spec, filter);
    Query q = filters.toQuery(filter);
    write(w -> w.deleteDocuments(q));
  }

  /** Merges the index into one segment (one HNSW graph per vector field); durable at the next flush. */
  void compact() {
    write(w -> w.forceMerge(1));
  }

  /** The number of index segments searches see (for tests). */
  int segments() {
    return read(s -> s.getIndexReader().leaves().size());
  }

  /** Makes every write so far durable: a Lucene commit. */
  void flush() {
    write(w -> {
      w.setLiveCommitData(commitData().entrySet());
      w.commit();
    });
  }

  // ---- reads ------------------------------------------------------------------------------------------------

  long count() {
    return read(s -> (long) s.getIndexReader().numDocs());
  }

  List<Row> get(List<?> ids, List<String> outputFields) {
    OutputFields out = OutputFields.resolve(spec, outputFields);
    List<Object> keys = new ArrayList<>(new LinkedHashSet<>(SchemaChecks.checkIds(spec, ids)));
    if (keys.isEmpty()) {
      return List.of();
    }
    return read(s -> {
      List<BytesRef> terms = keys.stream().map(documents::idBytes).toList();
      ScoreDoc[] hits = s.search(new TermInSetQuery(Documents.ID, terms), keys.size()).scoreDocs;
      int[] docs = Arrays.stream(hits).mapToInt(h -> h.doc).toArray();
      List<Map<String, Object>> rows = loadRows(s, docs, out);
      Map<Object, Map<String, Object>> byKey = new HashMap<>();
      for (Map<String, Object> row : rows) {
        byKey.put(row.get(pk.name()), row);
      }
      List<Row> result = new ArrayList<>();
      for (Object key : keys) {
        Map<String, Object> row = byKey.get(key);
        if (row != null) {
          result.add(toRow(row, out));
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
    return read(s -> {
      TopFieldDocs top = s.search(q, window, new Sort(byKey), false);
      int from = Math.min(request.offset(), top.scoreDocs.length);
      int[] docs = Arrays.stream(top.scoreDocs, from, top.scoreDocs.length).mapToInt(h -> h.doc).toArray();
      return loadRows(s, docs, out).stream().map(r -> toRow(r, out)).toList();
    });
  }

  List<List<Hit>> search(SearchRequest request) {
    FieldSpec field = spec.vectorField(request.vectorField());
    List<float[]> queries = SchemaChecks.checkQueries(field, request.queries());
    Filter filter = request.filter();
    SchemaChecks.checkFilter(spec, filter);
    OutputFields out = OutputFields.resolve(spec, request.outputFields());
    Query filterQuery = filter == null ? null : filters.toQuery(filter);
    int window = request.topK() + request.offset();
    int ef = searchEf(request.searchParams());
    Boolean refine = searchRefine(request.searchParams());
    return read(s -> {
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
        FieldSpec field = spec.vectorField(route.field());
        checkedRoutes.add(field);
        SchemaChecks.checkQueries(field, List.of(route.vector()));
      }
    }
    Filter filter = request.filter();
    SchemaChecks.checkFilter(spec, filter);
    OutputFields out = OutputFields.resolve(spec, request.outputFields());
    Query filterQuery = filter == null ? null : filters.toQuery(filter);
    int candidates = request.candidates();
    return read(s -> {
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
      return page(s, Ranked.sort(docs, scores, primaryKeys(s.getIndexReader(), docs), true), request.topK(),
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
    float[][] vectors = null;
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
      float[] closeness = new float[size];
      VectorPlan plan = file.plans().get(field.name());
      boolean rescore = refine == null ? plan.rescore() : refine;
      if (plan.isQuantized() && !rescore) {
        // A quantised graph without re-scoring: its best window by the quantised similarity are the answer (only
        // their returned scores are computed exactly, below).
        candidates = size <= window ? docs : Arrays.copyOf(docs, window);
        vectors = VectorSearch.vectors(reader, raw, candidates);
        double[] scores = new double[candidates.length];
        for (int i = 0; i < candidates.length; i++) {
          scores[i] = metric.score(query, vectors[i]);
        }
        return Ranked.sort(candidates, scores, primaryKeys(reader, candidates), metric.higherIsCloser());
      }
      if (plan.isQuantized() && size > window) {
        // A quantised graph ranks by quantised vectors: rank all it found by the raw vectors in float first.
        float[][] all = VectorSearch.vectors(reader, raw, docs);
        VectorSearch.TopHeap heap = new VectorSearch.TopHeap(size);
        for (int i = 0; i < size; i++) {
          heap.offer(i, VectorSearch.closeness(metric, query, all[i]));
        }
        VectorSearch.Candidates ranked = heap.bestFirst(); // positions in docs, best first
        int[] byRaw = new int[size];
        vectors = new float[size][];
        for (int i = 0; i < size; i++) {
          int at = ranked.docs()[i];
          byRaw[i] = docs[at];
          vectors[i] = all[at];
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
      vectors = vectors == null ? null : Arrays.copyOf(vectors, n);
    }
    if (vectors == null) {
      vectors = VectorSearch.vectors(reader, raw, candidates);
    }
    double[] scores = new double[candidates.length];
    for (int i = 0; i < candidates.length; i++) {
      scores[i] = metric.score(query, vectors[i]);
    }
    return Ranked.sort(candidates, scores, primaryKeys(reader, candidates), metric.higherIsCloser());
  }

  /** The best {@code size} documents for a text query by BM25, best first. */
  private Ranked textRoute(IndexSearcher s, FullTextField ft, String text, Query filterQuery, int size)
      throws IOException {
    Query terms = new QueryBuilder(analyzer).createBooleanQuery(Documents.textField(ft.name()), text,
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
    double[] scores = Arrays.stream(top).mapToDouble(d -> d.score * (BM25_K1 + 1)).toArray();
    return Ranked.sort(docs, scores, primaryKeys(s.getIndexReader(), docs), true);
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

  /** Documents with scores and primary keys, best first (ties by primary key). */
  record Ranked(int[] docs, double[] scores, Object[] keys) {
    static Ranked sort(int[] docs, double[] scores, Object[] keys, boolean higherIsBetter) {
      Integer[] order = new Integer[docs.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> {
        if (scores[a] != scores[b]) {
          return (scores[a] > scores[b]) == higherIsBetter ? -1 : 1;
        }
        return compareKeys(keys[a], keys[b]);
      });
      int[] d = new int[docs.length];
      double[] sc = new double[docs.length];
      Object[] k = new Object[docs.length];
      for (int i = 0; i < order.length; i++) {
        d[i] = docs[order[i]];
        sc[i] = scores[order[i]];
        k[i] = keys[order[i]];
      }
      return new Ranked(d, sc, k);
    }

    Ranked first(int n) {
      return n >= docs.length ? this
          : new Ranked(Arrays.copyOf(docs, n), Arrays.copyOf(scores, n), Arrays.copyOf(keys, n));
    }
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
    List<Map<String, Object>> rows = needRows ? loadRows(s, pageDocs, out) : null;
    List<Hit> hits = new ArrayList<>(pageDocs.length);
    for (int i = offset; i < end; i++) {
      Map<String, Object> fields = needRows ? out.project(rows.get(i - offset)) : Map.of();
      hits.add(new Hit(ranked.keys()[i], (float) ranked.scores()[i], fields));
    }
    return hits;
  }

  /** Primary keys in code-point order for strings, numeric order for longs, as every store orders them. */
  static int compareKeys(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      return Long.compare(x, y);
    }
    return new BytesRef((String) a).compareTo(new BytesRef((String) b));
  }

  /** The primary keys of documents (global ids), read from doc values, each segment in document order. */
  Object[] primaryKeys(IndexReader reader, int[] docs) throws IOException {
    Object[] keys = new Object[docs.length];
    List<LeafReaderContext> leaves = reader.leaves();
    boolean longs = pk.type() == FieldType.INT64;
    String field = longs ? Documents.Kind.LONG.field(pk.name()) : Documents.Kind.STRING.field(pk.name());
    int currentLeaf = -1;
    SortedNumericDocValues numbers = null;
    SortedSetDocValues strings = null;
    for (int i : VectorSearch.inDocOrder(docs)) {
      int leafIndex = ReaderUtil.subIndex(docs[i], leaves);
      LeafReaderContext leaf = leaves.get(leafIndex);
      int local = docs[i] - leaf.docBase;
      if (leafIndex != currentLeaf || (longs ? numbers.docID() : strings.docID()) > local) {
        currentLeaf = leafIndex;
        if (longs) {
          numbers = DocValues.getSortedNumeric(leaf.reader(), field);
        } else {
          strings = DocValues.getSortedSet(leaf.reader(), field);
        }
      }
      if (longs) {
        if (numbers.advanceExact(local)) {
          keys[i] = numbers.nextValue();
        }
      } else if (strings.advanceExact(local)) {
        keys[i] = strings.lookupOrd(strings.nextOrd()).utf8ToString();
      }
    }
    return keys;
  }

  /**
   * The stored rows of documents, in the order given, with the vectors the output names; each row holds the
   * primary key and what {@code out} needs.
   */
  private List<Map<String, Object>> loadRows(IndexSearcher s, int[] docs, OutputFields out) throws IOException {
    Set<String> load = out.allScalars() ? documents.allStoredFields() : documents.storedFieldsFor(out.named());
    List<Map<String, Object>> rows = new ArrayList<>(docs.length);
    if (load.size() == 1) {
      // The primary key only: doc values are cheaper than decompressing stored fields.
      for (Object key : primaryKeys(s.getIndexReader(), docs)) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put(pk.name(), key);
        rows.add(row);
      }
    } else {
      org.apache.lucene.index.StoredFields stored = s.storedFields();
      for (int doc : docs) {
        rows.add(documents.toRow(stored.document(doc, load)));
      }
    }
    for (String name : out.named()) {
      FieldSpec f = spec.field(name).orElse(null);
      if (f != null && f.isVector()) {
        float[][] vectors = VectorSearch.vectors(s.getIndexReader(), documents.rawVectorField(name), docs);
        for (int i = 0; i < docs.length; i++) {
          if (vectors[i] != null) {
            rows.get(i).put(name, vectors[i]);
          }
        }
      }
    }
    return rows;
  }

  private Row toRow(Map<String, Object> row, OutputFields out) {
    Row.Builder b = Row.builder().put(pk.name(), row.get(pk.name()));
    out.project(row).forEach(b::put);
    return b.build();
  }

  // ---- plumbing ---------------------------------------------------------------------------------------------

  /** A Lucene action that may throw {@link IOException}. */
  interface IoFunction<T> {
    T apply(IndexSearcher searcher) throws IOException;
  }

  /** A write to the index. */
  interface IoWrite {
    void apply(IndexWriter writer) throws IOException;
  }

  /**
   * Runs a read on a searcher that sees every write that returned before it: the searcher is refreshed first
   * when a write happened since the last refresh. Refreshing writes buffered rows to a new segment, so a full
   * disk can surface here; it is handled as in {@link #write}.
   */
  private <T> T read(IoFunction<T> body) {
    Throwable failure;
    lock.readLock().lock();
    try {
      checkOpen();
      refreshIfBehind();
      IndexSearcher s = searchers.acquire();
      try {
        return body.apply(s);
      } finally {
        searchers.release(s);
      }
    } catch (IOException | AlreadyClosedException e) {
      failure = e;
    } finally {
      lock.readLock().unlock();
    }
    recover(failure);
    throw new AssertionError("recover always throws");
  }

  /** Refreshes the searcher when a write that returned before this call is not visible yet. */
  private void refreshIfBehind() throws IOException {
    long wanted = writeGeneration.get();
    if (searchableGeneration >= wanted) {
      return;
    }
    synchronized (refreshLock) {
      if (searchableGeneration < wanted) {
        long covered = writeGeneration.get(); // every write counted here is applied to the writer already
        searchers.maybeRefreshBlocking();
        searchableGeneration = Math.max(searchableGeneration, covered);
      }
    }
  }

  /**
   * Runs a write. Reads see it: the searcher is refreshed before the next read (not after every write, so bulk
   * loads make few, large segments). On an I/O error the collection rolls back to its last commit.
   */
  private void write(IoWrite body) {
    Throwable failure;
    lock.readLock().lock();
    try {
      checkOpen();
      body.apply(writer);
      writeGeneration.incrementAndGet();
      return;
    } catch (IOException | AlreadyClosedException e) {
      failure = e;
    } finally {
      lock.readLock().unlock();
    }
    recover(failure);
  }

  /** Rolls the writer back to the last commit, reopens it, and reports the failure. */
  private void recover(Throwable failure) {
    lock.writeLock().lock();
    String restored;
    try {
      if (closed) {
        throw new ClosedException("Collection '" + spec.name() + "'");
      }
      IOUtils.closeWhileHandlingException(searchers);
      try {
        writer.rollback();
      } catch (IOException | RuntimeException e) {
        failure.addSuppressed(e);
      }
      IOUtils.closeWhileHandlingException(directory);
      try {
        openIndex(IndexWriterConfig.OpenMode.APPEND);
        restored = "The collection was reopened at its last flush; writes since then were lost. Free disk space "
            + "(or fix the cause) and write them again.";
      } catch (IOException | RuntimeException e) {
        failure.addSuppressed(e);
        closed = true;
        restored = "The collection could not be reopened (" + e + "); fix the cause and open the store again.";
      }
    } finally {
      lock.writeLock().unlock();
    }
    LOG.warn("Writing collection '{}' at {} failed", spec.name(), dir, failure);
    throw new StoreUnavailableException("Cannot write collection '" + spec.name() + "' at " + dir + ": "
        + rootMessage(failure) + ". " + restored, failure);
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? String.valueOf(t) : t + " (caused by " + root + ")";
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedException("Collection '" + spec.name() + "' of the Lucene store");
    }
  }

  /** Commits and closes the index. */
  @Override
  public void close() throws IOException {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        writer.setLiveCommitData(commitData().entrySet());
        writer.commit();
      } finally {
        IOUtils.close(searchers, writer, directory, analyzer);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Closes the index without committing (the collection is being dropped). */
  void discard() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      IOUtils.closeWhileHandlingException(searchers);
      try {
        writer.rollback();
      } catch (IOException | RuntimeException e) {
        LOG.debug("Rolling back dropped collection '{}'", spec.name(), e);
      }
      IOUtils.closeWhileHandlingException(directory, analyzer);
    } finally {
      lock.writeLock().unlock();
    }
  }
}
