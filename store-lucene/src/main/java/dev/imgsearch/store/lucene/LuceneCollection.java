package dev.imgsearch.store.lucene;

import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.HybridSearchRequest;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.core.store.spi.SchemaChecks;
import dev.imgsearch.core.store.spi.SchemaChecks.KeyRule;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One collection: its schema, its Lucene index ({@link CollectionIndex}), and the operations of
 * {@link dev.imgsearch.core.store.VectorStore} on it: the writes here, the reads in {@link CollectionReads}.
 *
 * <p>Reads see every write that returned before them. Writes become durable on {@link #flush()} (a Lucene commit)
 * and {@link #close()}. When writing fails with an I/O error (a full disk), the writer is rolled back to the last
 * commit and reopened, and the error says that writes since the last flush were lost; data committed before stays
 * intact.
 *
 * <p>Thread safety: operations run concurrently (see {@link CollectionIndex}); inserts with given keys are
 * serialised so their duplicate check is exact.
 */
final class LuceneCollection implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(LuceneCollection.class);

  private final CollectionSpec spec;
  private final FieldSpec pk;
  private final Documents documents;
  private final FilterQueries filters;
  private final StoredRows stored;
  private final CollectionIndex index;
  private final CollectionReads reads;
  private final ReentrantLock insertLock = new ReentrantLock();

  private LuceneCollection(Path dir, CollectionFile file, LuceneVectorStore.Options options) {
    this.spec = file.spec();
    this.pk = spec.primaryKey();
    this.documents = new Documents(spec, file.plans(), file.cosineRawVectors());
    this.filters = new FilterQueries(documents);
    this.stored = new StoredRows(documents);
    this.index = new CollectionIndex(dir, file, options);
    this.reads = new CollectionReads(file, documents, filters, stored, index, options);
  }

  /** Opens a collection directory: its {@code collection.json} and its index. */
  static LuceneCollection open(Path dir, String name, LuceneVectorStore.Options options) throws IOException {
    CollectionFile file = CollectionFile.read(dir.resolve(StoreFiles.COLLECTION_FILE), name);
    LuceneCollection c = new LuceneCollection(dir, file, options);
    c.index.open(IndexWriterConfig.OpenMode.APPEND);
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
    c.index.open(IndexWriterConfig.OpenMode.CREATE);
    c.close();
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
      long first = index.reserveAutoIds(checked.size());
      for (int i = 0; i < checked.size(); i++) {
        Map<String, Object> withKey = new LinkedHashMap<>();
        withKey.put(pk.name(), first + i);
        withKey.putAll(checked.get(i));
        docs.add(documents.toDocument(withKey));
        ids.add(first + i);
      }
      index.write(w -> {
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
      index.write(w -> {
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
    index.read(s -> {
      List<BytesRef> terms = ids.stream().map(documents::idBytes).toList();
      ScoreDoc[] hits = s.search(new TermInSetQuery(Documents.ID, terms), 1).scoreDocs;
      if (hits.length > 0) {
        Object existing = stored.primaryKeys(s.getIndexReader(), new int[] {hits[0].doc})[0];
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
      index.autoIdsAbove(max);
    }
    index.write(w -> {
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
    index.write(w -> w.deleteDocuments(terms));
  }

  void deleteWhere(Filter filter) {
    SchemaChecks.checkDeleteFilter(spec, filter);
    Query q = filters.toQuery(filter);
    index.write(w -> w.deleteDocuments(q));
  }

  /** Merges the index into one segment (one HNSW graph per vector field); durable at the next flush. */
  void compact() {
    index.write(w -> w.forceMerge(1));
  }

  /** The number of index segments searches see (for tests). */
  int segments() {
    return index.read(s -> s.getIndexReader().leaves().size());
  }

  /** Makes every write so far durable: a Lucene commit. */
  void flush() {
    index.commit();
  }

  /** The collection's properties (see {@link CollectionIndex#properties}). */
  SortedMap<String, String> properties() {
    return index.properties();
  }

  /** Changes the collection's properties and commits them (see {@link CollectionIndex#setProperties}). */
  void setProperties(Map<String, String> changes) {
    index.setProperties(changes);
  }

  // ---- reads ------------------------------------------------------------------------------------------------

  long count() {
    return index.read(s -> (long) s.getIndexReader().numDocs());
  }

  List<Row> get(List<?> ids, List<String> outputFields) {
    return reads.get(ids, outputFields);
  }

  List<Row> query(QueryRequest request) {
    return reads.query(request);
  }

  List<List<Hit>> search(SearchRequest request) {
    return reads.search(request);
  }

  /** Runs a hybrid search (see {@link CollectionReads#hybridSearch}). */
  List<Hit> hybridSearch(HybridSearchRequest request) {
    return reads.hybridSearch(request);
  }

  /** Commits and closes the index. */
  @Override
  public void close() throws IOException {
    index.close();
  }

  /** Closes the index without committing (the collection is being dropped). */
  void discard() {
    index.discard();
  }
}
