package dev.imgsearch.core.store.memory;

import dev.imgsearch.core.CollectionNotFoundException;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.core.store.spi.CollectionProperties;
import dev.imgsearch.core.store.spi.OutputFields;
import dev.imgsearch.core.store.spi.SchemaChecks;
import dev.imgsearch.core.store.spi.SchemaDifferences;
import dev.imgsearch.core.store.spi.SchemaChecks.KeyRule;
import dev.imgsearch.core.store.spi.StoreLifecycle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link VectorStore} that keeps every row in memory and searches by brute force: <b>exact</b> results, the ids
 * and scores Milvus gives for a FLAT index (see {@link MetricType}; scores are computed in double precision and
 * returned as float). The index spec of a vector field is recorded but does not change the search, and search
 * parameters such as {@code nprobe} or {@code ef} are ignored. Good for tests, examples and collections up to a
 * few hundred thousand vectors; a search costs one pass over the collection's rows.
 *
 * <pre>{@code
 * try (VectorStore store = new InMemoryVectorStore()) { ... }                        // memory only
 * try (VectorStore store = InMemoryVectorStore.open(Path.of("index.json"))) { ... } // loaded and saved
 * }</pre>
 *
 * <p><b>Persistence.</b> A store made by {@link #open(Path)} loads its file when it exists and writes every
 * collection back on {@link #flush(String)} and {@link #close()} when something changed since the file was last
 * read or written; {@link #save(Path)} writes a copy anywhere. A
 * file is written atomically: to a temporary file in the same directory, forced to disk, then renamed over the
 * old one, so a crash or a failed save leaves the previous file intact. The format is JSON with a format version:
 * the schema and the collection properties as JSON, vectors as base64 of little-endian float32 (bit-exact), other values as JSON. A store made
 * with the constructor keeps nothing: {@code flush} does nothing and {@code close} discards the rows. Use one
 * store per file: two stores on the same file overwrite each other's saves.
 *
 * <p><b>Memory.</b> About {@code 4 * dimension} bytes per vector plus roughly 100-200 bytes of map overhead per
 * row and the size of its scalar values; saving copies the list of row references (not the rows) of one
 * collection at a time.
 *
 * <p><b>Thread safety.</b> Safe for concurrent use. Each collection has a read-write lock: searches, queries,
 * gets and counts run concurrently with each other; inserts, upserts and deletes take the collection's write
 * lock briefly, after their rows have been checked. Saving holds a collection's read lock only while copying its
 * row list. {@link #close()} waits for calls in progress.
 *
 * <p><b>Differences from Milvus.</b> Inserting a primary key that exists already fails with an
 * {@link InvalidInputException} (Milvus would keep both rows); use {@link #upsert} to replace rows. Ties in
 * score are broken by primary key, so results are deterministic.
 */
public final class InMemoryVectorStore implements VectorStore {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryVectorStore.class);

  private final ConcurrentSkipListMap<String, MemoryCollection> collections = new ConcurrentSkipListMap<>();
  private final Path file;
  /** Calls run while the store is open; close waits for them. */
  private final StoreLifecycle lifecycle;
  private final Object createDropLock = new Object();
  private final Object saveLock = new Object();
  /** Counts changes, so flush and close skip writing a file that already holds every change. */
  private final AtomicLong changes = new AtomicLong();
  private long changesInFile = -1; // guarded by saveLock

  /** An empty store that lives in memory only. */
  public InMemoryVectorStore() {
    this(null, List.of());
  }

  private InMemoryVectorStore(Path file, List<StoreFile.CollectionData> loaded) {
    this.file = file;
    this.lifecycle = new StoreLifecycle("InMemoryVectorStore" + (file == null ? "" : " (" + file + ")"));
    for (StoreFile.CollectionData data : loaded) {
      MemoryCollection c = new MemoryCollection(data.spec());
      long maxKey = data.lastAutoId();
      for (Map<String, Object> row : data.rows()) {
        Object key = row.get(c.pk());
        c.rows.put(key, row);
        if (key instanceof Long l) {
          maxKey = Math.max(maxKey, l);
        }
      }
      c.lastAutoId = c.spec.autoId() ? maxKey : data.lastAutoId();
      c.properties = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(data.properties()));
      collections.put(data.spec().name(), c);
    }
  }

  /**
   * A store backed by a file: loads it when it exists, else starts empty (the file is made on the first flush
   * or close, with any missing parent directories).
   *
   * @throws ImageSearchException when the file is corrupt or was written by a newer version; the message says
   *     what to do
   * @throws StoreUnavailableException when the file exists but cannot be read
   */
  public static InMemoryVectorStore open(Path file) {
    Objects.requireNonNull(file, "file");
    boolean exists = Files.exists(file);
    List<StoreFile.CollectionData> loaded = exists ? StoreFile.read(file) : List.of();
    InMemoryVectorStore store = new InMemoryVectorStore(file, loaded);
    if (exists) {
      store.changesInFile = 0; // not yet shared with other threads
    }
    LOG.debug("Opened in-memory store {} with {} collections", file, loaded.size());
    return store;
  }

  /** The file this store loads from and saves to, if any. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /**
   * Writes every collection to a file, atomically (see the class comment). Writes made while saving may or may
   * not be in the file; each collection is saved as it was at one moment.
   *
   * @throws StoreUnavailableException when the file cannot be written; the previous file is left as it was
   */
  public void save(Path target) {
    Objects.requireNonNull(target, "target");
    lifecycle.call(() -> {
      saveTo(target);
      return null;
    });
  }

  private void saveTo(Path target) {
    synchronized (saveLock) {
      long changesNow = changes.get();
      boolean ownFile = target.equals(file);
      if (ownFile && changesNow == changesInFile) {
        return; // the file holds every change already
      }
      List<StoreFile.CollectionData> snapshot = new ArrayList<>();
      for (MemoryCollection c : collections.values()) {
        snapshot.add(c.snapshot());
      }
      long start = System.nanoTime();
      StoreFile.write(target, snapshot);
      if (ownFile) {
        changesInFile = changesNow;
      }
      LOG.debug("Saved {} collections to {} in {} ms", snapshot.size(), target,
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  // -----------------------------------------------------------------------------------------------------------
  // Collections
  // -----------------------------------------------------------------------------------------------------------

  @Override
  public void createCollection(CollectionSpec spec) {
    Objects.requireNonNull(spec, "spec");
    if (!spec.fullTextFields().isEmpty()) {
      throw new SchemaException("Collection '" + spec.name() + "' declares full-text fields "
          + spec.fullTextFields().stream().map(FullTextField::name).toList() + ", but the in-memory store has no "
          + "full-text index. Use LuceneVectorStore or MilvusVectorStore for hybrid search, or drop the fullText(...) "
          + "declarations.");
    }
    lifecycle.call(() -> {
      synchronized (createDropLock) {
        MemoryCollection existing = collections.get(spec.name());
        if (existing == null) {
          collections.put(spec.name(), new MemoryCollection(spec));
          changes.incrementAndGet();
        } else if (!existing.spec.equals(spec)) {
          throw SchemaDifferences.refusal(existing.spec, spec);
        }
      }
      return null;
    });
  }

  @Override
  public boolean hasCollection(String collection) {
    return lifecycle.call(() -> collection != null && collections.containsKey(collection));
  }

  @Override
  public List<String> listCollections() {
    return lifecycle.call(() -> List.copyOf(collections.keySet()));
  }

  @Override
  public CollectionSpec describeCollection(String collection) {
    return lifecycle.call(() -> collection(collection).spec);
  }

  @Override
  public boolean dropCollection(String collection) {
    return lifecycle.call(() -> {
      synchronized (createDropLock) {
        boolean dropped = collection != null && collections.remove(collection) != null;
        changes.incrementAndGet();
        return dropped;
      }
    });
  }

  @Override
  public Map<String, String> collectionProperties(String collection) {
    return lifecycle.call(() -> collection(collection).properties);
  }

  /** Sets properties; with a file (see {@link #open}) they are saved at once. */
  @Override
  public void setCollectionProperties(String collection, Map<String, String> changes) {
    Objects.requireNonNull(changes, "changes");
    lifecycle.call(() -> {
      MemoryCollection c = collection(collection);
      write(c, () -> {
        c.properties = CollectionProperties.apply(collection, c.properties, changes);
        return null;
      });
      if (file != null) {
        saveTo(file);
      }
      return null;
    });
  }

  @Override
  public long count(String collection) {
    return lifecycle.call(() -> read(collection(collection), c -> (long) c.rows.size()));
  }

  // -----------------------------------------------------------------------------------------------------------
  // Writes
  // -----------------------------------------------------------------------------------------------------------

  @Override
  public List<Object> insert(String collection, List<Row> rows) {
    Objects.requireNonNull(rows, "rows");
    return lifecycle.call(() -> {
      MemoryCollection c = collection(collection);
      boolean generated = c.spec.autoId();
      List<Map<String, Object>> checked =
          SchemaChecks.checkRows(c.spec, rows, generated ? KeyRule.GENERATED : KeyRule.REQUIRED);
      if (checked.isEmpty()) {
        return List.of();
      }
      return write(c, () -> {
        List<Object> ids = new ArrayList<>(checked.size());
        if (generated) {
          for (Map<String, Object> values : checked) {
            long id = c.nextAutoId();
            Map<String, Object> withKey = new LinkedHashMap<>();
            withKey.put(c.pk(), id);
            withKey.putAll(values);
            c.rows.put(id, java.util.Collections.unmodifiableMap(withKey));
            ids.add(id);
          }
          return ids;
        }
        Set<Object> batchKeys = new HashSet<>();
        for (int i = 0; i < checked.size(); i++) {
          Object key = checked.get(i).get(c.pk());
          if (c.rows.containsKey(key) || !batchKeys.add(key)) {
            throw SchemaChecks.duplicateKey(c.spec, i, key, c.rows.containsKey(key));
          }
          ids.add(key);
        }
        for (Map<String, Object> values : checked) {
          c.rows.put(values.get(c.pk()), values);
        }
        return ids;
      });
    });
  }

  @Override
  public void upsert(String collection, List<Row> rows) {
    Objects.requireNonNull(rows, "rows");
    lifecycle.call(() -> {
      MemoryCollection c = collection(collection);
      List<Map<String, Object>> checked = SchemaChecks.checkRows(c.spec, rows, KeyRule.REQUIRED);
      if (checked.isEmpty()) {
        return null;
      }
      return write(c, () -> {
        for (Map<String, Object> values : checked) {
          Object key = values.get(c.pk());
          c.rows.put(key, values);
          if (key instanceof Long l && c.spec.autoId()) {
            c.lastAutoId = Math.max(c.lastAutoId, l);
          }
        }
        return null;
      });
    });
  }

  @Override
  public void delete(String collection, List<?> ids) {
    Objects.requireNonNull(ids, "ids");
    lifecycle.call(() -> {
      MemoryCollection c = collection(collection);
      List<Object> keys = SchemaChecks.checkIds(c.spec, ids);
      if (keys.isEmpty()) {
        return null;
      }
      return write(c, () -> {
        keys.forEach(c.rows::remove);
        return null;
      });
    });
  }

  @Override
  public void deleteWhere(String collection, Filter filter) {
    lifecycle.call(() -> {
      MemoryCollection c = collection(collection);
      SchemaChecks.checkDeleteFilter(c.spec, filter);
      return write(c, () -> {
        int before = c.rows.size();
        c.rows.values().removeIf(filter::matches);
        LOG.debug("Deleted {} rows from {} matching {}", before - c.rows.size(), collection, filter);
        return null;
      });
    });
  }

  // -----------------------------------------------------------------------------------------------------------
  // Reads
  // -----------------------------------------------------------------------------------------------------------

  @Override
  public List<Row> get(String collection, List<?> ids, List<String> outputFields) {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(outputFields, "outputFields");
    return lifecycle.call(() -> {
      MemoryCollection c = collection(collection);
      OutputFields out = OutputFields.resolve(c.spec, outputFields);
      List<Object> keys = new ArrayList<>(new LinkedHashSet<>(SchemaChecks.checkIds(c.spec, ids)));
      List<Map<String, Object>> found = read(c, cc -> {
        List<Map<String, Object>> rows = new ArrayList<>(keys.size());
        for (Object key : keys) {
          Map<String, Object> row = cc.rows.get(key);
          if (row != null) {
            rows.add(row);
          }
        }
        return rows;
      });
      return found.stream().map(row -> toRow(c, out, row)).toList();
    });
  }

  @Override
  public List<Row> query(QueryRequest request) {
    Objects.requireNonNull(request, "request");
    return lifecycle.call(() -> {
      MemoryCollection c = collection(request.collection());
      Filter filter = request.filter();
      SchemaChecks.checkFilter(c.spec, filter);
      OutputFields out = OutputFields.resolve(c.spec, request.outputFields());
      List<Map<String, Object>> page = read(c, cc -> {
        List<Map<String, Object>> rows = new ArrayList<>(Math.min(request.limit(), cc.rows.size()));
        int skipped = 0;
        for (Map<String, Object> row : cc.rows.values()) {
          if (filter != null && !filter.matches(row)) {
            continue;
          }
          if (skipped < request.offset()) {
            skipped++;
            continue;
          }
          rows.add(row);
          if (rows.size() == request.limit()) {
            break;
          }
        }
        return rows;
      });
      return page.stream().map(row -> toRow(c, out, row)).toList();
    });
  }

  @Override
  public List<List<Hit>> search(SearchRequest request) {
    Objects.requireNonNull(request, "request");
    return lifecycle.call(() -> {
      MemoryCollection c = collection(request.collection());
      FieldSpec field = c.spec.vectorField(request.vectorField());
      List<float[]> queries = SchemaChecks.checkQueries(field, request.queries());
      Filter filter = request.filter();
      SchemaChecks.checkFilter(c.spec, filter);
      OutputFields out = OutputFields.resolve(c.spec, request.outputFields());
      List<Map<String, Object>> candidates = read(c, cc -> {
        List<Map<String, Object>> rows = new ArrayList<>(cc.rows.size());
        for (Map<String, Object> row : cc.rows.values()) {
          if (filter == null || filter.matches(row)) {
            rows.add(row);
          }
        }
        return rows;
      });
      // Rows are immutable once stored, so scoring runs without the lock.
      List<List<Hit>> results = new ArrayList<>(queries.size());
      for (float[] query : queries) {
        results.add(searchOne(c, field, query, candidates, request.topK(), request.offset(), out));
      }
      return results;
    });
  }

  private record Scored(double score, Map<String, Object> row) {}

  private static List<Hit> searchOne(MemoryCollection c, FieldSpec field, float[] query,
      List<Map<String, Object>> candidates, int topK, int offset, OutputFields out) {
    MetricType metric = field.metric();
    String pk = c.pk();
    Comparator<Scored> bestFirst = (a, b) -> {
      if (a.score() != b.score()) {
        return metric.isBetter(a.score(), b.score()) ? -1 : 1;
      }
      return MemoryCollection.KEY_ORDER.compare(a.row().get(pk), b.row().get(pk));
    };
    int window = topK + offset;
    PriorityQueue<Scored> worstFirst = new PriorityQueue<>(Math.min(window, candidates.size()) + 1,
        bestFirst.reversed());
    for (Map<String, Object> row : candidates) {
      Scored s = new Scored(metric.score(query, (float[]) row.get(field.name())), row);
      if (worstFirst.size() < window) {
        worstFirst.add(s);
      } else if (bestFirst.compare(s, worstFirst.peek()) < 0) {
        worstFirst.poll();
        worstFirst.add(s);
      }
    }
    List<Scored> ranked = new ArrayList<>(worstFirst);
    ranked.sort(bestFirst);
    List<Hit> hits = new ArrayList<>(Math.max(0, ranked.size() - offset));
    for (int i = offset; i < ranked.size(); i++) {
      Scored s = ranked.get(i);
      hits.add(new Hit(s.row().get(pk), (float) s.score(), out.project(s.row())));
    }
    return hits;
  }

  private static Row toRow(MemoryCollection c, OutputFields out, Map<String, Object> row) {
    Row.Builder b = Row.builder().put(c.pk(), row.get(c.pk()));
    out.project(row).forEach(b::put);
    return b.build();
  }

  // -----------------------------------------------------------------------------------------------------------
  // Durability and lifecycle
  // -----------------------------------------------------------------------------------------------------------

  /** Saves every collection to the store's file when it has one (see {@link #open}); otherwise does nothing. */
  @Override
  public void flush(String collection) {
    lifecycle.call(() -> {
      collection(collection);
      if (file != null) {
        saveTo(file);
      }
      return null;
    });
  }

  /**
   * Saves to the store's file when it has one, then releases the rows. When the save fails the store stays
   * open, so the caller can fix the cause and close again (or {@link #save} elsewhere).
   *
   * @throws StoreUnavailableException when the file cannot be written
   */
  @Override
  public void close() {
    lifecycle.close(() -> {
      if (file != null) {
        saveTo(file);
      }
      collections.clear();
    });
  }

  // -----------------------------------------------------------------------------------------------------------
  // Helpers
  // -----------------------------------------------------------------------------------------------------------

  private MemoryCollection collection(String name) {
    MemoryCollection c = name == null ? null : collections.get(name);
    if (c == null) {
      throw new CollectionNotFoundException(name);
    }
    return c;
  }

  private static <T> T read(MemoryCollection c, java.util.function.Function<MemoryCollection, T> body) {
    c.lock.readLock().lock();
    try {
      return body.apply(c);
    } finally {
      c.lock.readLock().unlock();
    }
  }

  private <T> T write(MemoryCollection c, Supplier<T> body) {
    c.lock.writeLock().lock();
    try {
      return body.get();
    } finally {
      // Counted even when the body failed part-way (it checks before changing anything, but be safe).
      changes.incrementAndGet();
      c.lock.writeLock().unlock();
    }
  }
}
