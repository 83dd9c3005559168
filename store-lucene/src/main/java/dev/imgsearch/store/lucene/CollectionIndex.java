package dev.imgsearch.store.lucene;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.spi.CollectionProperties;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene104.Lucene104Codec;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.PointValues;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.NumericUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lucene index of one collection: its {@link Directory}, an {@link IndexWriter} and a {@link SearcherManager}
 * for near-real-time reads, the commit user data (the next auto-generated key), and the lock that orders reads and
 * writes against recovery and close.
 *
 * <p>Reads ({@link #read}) see every write ({@link #write}) that returned before them: a read refreshes the
 * searcher first when there were writes since the last refresh. Writes become durable on {@link #commit()} and
 * {@link #close()}. When writing fails with an I/O error (a full disk), the writer is rolled back to the last commit
 * and reopened, and the error says that writes since the last commit were lost; data committed before stays intact.
 *
 * <p>Thread safety: reads and writes hold the read side of a lock, so they run concurrently (Lucene's writer and
 * searchers are thread-safe); recovery and close hold the write side.
 */
final class CollectionIndex implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(CollectionIndex.class);
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
  private final LuceneVectorStore.Options options;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final AtomicLong nextAutoId = new AtomicLong(1);
  /** The collection's properties, sorted and unmodifiable; replaced as a whole. */
  private volatile SortedMap<String, String> properties = Collections.emptySortedMap();
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

  /** The index of the collection in {@code dir}, not opened yet (see {@link #open}). */
  CollectionIndex(Path dir, CollectionFile file, LuceneVectorStore.Options options) {
    this.dir = dir;
    this.file = file;
    this.spec = file.spec();
    this.pk = spec.primaryKey();
    this.options = options;
    Map<String, Analyzer> perField = new HashMap<>();
    for (FullTextField ft : spec.fullTextFields()) {
      perField.put(Documents.textField(ft.name()), ft.analyzer() == FullTextField.Analyzer.CHINESE
          ? new SmartChineseAnalyzer() : new StandardAnalyzer());
    }
    this.analyzer = new PerFieldAnalyzerWrapper(new StandardAnalyzer(), perField);
  }

  /** Opens the writer and searchers ({@code CREATE} also commits the empty index) and restores the next auto-id. */
  void open(IndexWriterConfig.OpenMode mode) throws IOException {
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
    TreeMap<String, String> props = new TreeMap<>();
    if (writer.getLiveCommitData() != null) {
      liveCommitData().forEach((k, v) -> {
        if (k.startsWith(PROPERTY_PREFIX) && k.length() > PROPERTY_PREFIX.length()) {
          props.put(k.substring(PROPERTY_PREFIX.length()), v);
        }
      });
    }
    properties = Collections.unmodifiableSortedMap(props);
  }

  private Map<String, String> liveCommitData() {
    Map<String, String> m = new HashMap<>();
    for (Map.Entry<String, String> e : writer.getLiveCommitData()) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }

  /** The user data each commit records: the next auto id and the collection's properties. */
  private Map<String, String> commitData() {
    Map<String, String> m = new HashMap<>();
    m.put(NEXT_AUTO_ID, Long.toString(nextAutoId.get()));
    properties.forEach((k, v) -> m.put(PROPERTY_PREFIX + k, v));
    return m;
  }

  /** The collection's properties, as of the last change (read from the last commit when opened). */
  SortedMap<String, String> properties() {
    checkOpen();
    return properties;
  }

  /** Changes the properties and commits them, with every write so far. */
  void setProperties(Map<String, String> changes) {
    write(w -> {
      synchronized (propertiesLock) {
        SortedMap<String, String> before = properties;
        properties = CollectionProperties.apply(spec.name(), before, changes);
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

  /** The analyzer of the full-text fields (the writer's), for text queries. */
  Analyzer analyzer() {
    return analyzer;
  }

  /** Reserves {@code count} consecutive auto-generated keys and returns the first. */
  long reserveAutoIds(int count) {
    return nextAutoId.getAndAdd(count);
  }

  /** Moves the next auto-generated key past {@code key}, a key given by the caller. */
  void autoIdsAbove(long key) {
    nextAutoId.accumulateAndGet(key == Long.MAX_VALUE ? key : key + 1, Math::max);
  }

  /** Makes every write so far durable: a Lucene commit, with the commit data. */
  void commit() {
    write(w -> {
      w.setLiveCommitData(commitData().entrySet());
      w.commit();
    });
  }

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
  <T> T read(IoFunction<T> body) {
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
  void write(IoWrite body) {
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
        open(IndexWriterConfig.OpenMode.APPEND);
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
