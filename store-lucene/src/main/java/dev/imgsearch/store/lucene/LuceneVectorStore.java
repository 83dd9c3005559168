package dev.imgsearch.store.lucene;

import dev.imgsearch.core.CollectionNotFoundException;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.HybridSearch;
import dev.imgsearch.core.store.HybridSearchRequest;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.core.store.spi.SchemaDifferences;
import dev.imgsearch.core.store.spi.StoreLifecycle;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.store.NativeFSLockFactory;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded, persistent {@link VectorStore}: collections in a directory on disk, one Apache Lucene index each,
 * searched with HNSW graphs or exactly, with filters, and crash-safe. It behaves like Milvus, so moving to a
 * Milvus server changes one line.
 *
 * <pre>{@code
 * try (VectorStore store = LuceneVectorStore.open(Path.of("imgsearch-data"))) {
 *   store.createCollection(spec);
 *   store.upsert("images", rows);
 *   List<List<Hit>> hits = store.search(SearchRequest.builder("images").query(vector).topK(5).build());
 * }
 * }</pre>
 *
 * <p><b>Scores</b> are Milvus's ({@link dev.imgsearch.core.store.MetricType}): candidates are found with Lucene's
 * similarity and then scored exactly, in double precision, from the stored vectors, so an exact search gives the
 * same ids and scores as the in-memory store and Milvus's FLAT index.
 *
 * <p><b>Index types.</b> FLAT searches exactly (a scan of the stored vectors, filter applied first). HNSW builds a
 * Lucene HNSW graph with its {@code M} and {@code efConstruction}; searches take {@code ef} (search parameter,
 * default {@link Builder#defaultEf}); the graph is asked for {@code max(topK + offset, ef)} neighbours. With the index
 * parameter {@code sq_type} the graph is built over scalar-quantised vectors (Lucene's optimised scalar
 * quantisation): {@code "SQ8"} 8 bits per dimension, {@code "SQ4"} 4, {@code "SQ2"} 2, {@code "SQ1"} 1; the index
 * parameter {@code refine} (default true; the search parameter of that name overrides it per search) re-ranks the
 * graph's candidates on the raw vectors, which are kept either way. IVF_FLAT and AUTOINDEX become HNSW; IVF_SQ8 and
 * IVF_PQ become an 8-bit graph with re-ranking. Dimensions up to Milvus's 32768 are accepted. Each index segment
 * has its own graph, and a search walks each of them: {@link #compact} a collection after a bulk load.
 *
 * <p><b>Filters</b> become Lucene queries (terms, numeric ranges, sets, prefix and wildcard queries) that act as
 * the pre-filter of the vector search, so a filtered search returns the best matching rows, not a filtered subset
 * of the best rows. Values Lucene cannot index as terms (strings over 32766 bytes) are tested on the stored row.
 *
 * <p><b>Durability.</b> Writes are visible to searches when the call returns (near-real-time readers) and durable
 * after {@link #flush} or {@link #close} (a Lucene commit). A process killed at any moment leaves the store as of
 * its last flush; Lucene's commits are atomic. When writing fails (a full disk), the collection is rolled back to
 * its last flush and the error says so.
 *
 * <p><b>One process at a time.</b> A store directory is locked while open (an OS file lock on
 * {@code imgsearch-store.lock}); opening it a second time, from this or another process, fails with a
 * {@link StoreUnavailableException} until the first is closed.
 *
 * <p><b>Hybrid search</b> ({@link HybridSearch}): BM25 full-text fields ({@code CollectionSpec.fullText}) and
 * vector fields searched together, fused by RRF or weights as Milvus fuses them.
 *
 * <p><b>Differences from Milvus.</b> As in the in-memory store, inserting a primary key that exists fails (Milvus
 * keeps both rows): use upsert. Primary keys of VARCHAR are limited to 32766 bytes of UTF-8. Auto ids count up
 * from 1 (Milvus uses timestamps).
 *
 * <p><b>Java 21+.</b> The store runs on Lucene 10, which needs Java 21. Run the JVM with
 * {@code --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED}: Lucene then computes vector
 * similarities with SIMD instructions (without the module it logs a warning and is several times slower), and its
 * memory-mapped directory may call {@code madvise} without a warning. On Java 28 and later also pass
 * {@code -Dorg.apache.lucene.vectorization.upperJavaFeatureVersion=NN} (the Java version).
 *
 * <p><b>Stores of the Lucene 9 version</b> open as they are; their format version moves to 2 on opening (older
 * versions then refuse them), and {@link #compact} rewrites a collection in Lucene 10's format.
 *
 * <p><b>Thread safety.</b> Safe for concurrent use; searches run concurrently with writes.
 */
public final class LuceneVectorStore implements VectorStore, HybridSearch {
  private static final Logger LOG = LoggerFactory.getLogger(LuceneVectorStore.class);

  private final Path root;
  private final Options options;
  private final Directory lockDirectory;
  private final org.apache.lucene.store.Lock storeLock;
  private final ConcurrentSkipListMap<String, LuceneCollection> collections = new ConcurrentSkipListMap<>();
  /** Calls run while the store is open; close waits for them. */
  private final StoreLifecycle lifecycle;
  private final Object createDropLock = new Object();

  private LuceneVectorStore(Path root, Options options) {
    this.root = root;
    this.options = options;
    this.lifecycle = new StoreLifecycle("LuceneVectorStore (" + root + ")");
    int version = StoreFiles.initOrCheck(root);
    Directory lockDir = null;
    org.apache.lucene.store.Lock lock = null;
    try {
      lockDir = FSDirectory.open(root, NativeFSLockFactory.INSTANCE);
      lock = lockDir.obtainLock(StoreFiles.LOCK);
    } catch (LockObtainFailedException e) {
      IOUtils.closeWhileHandlingException(lockDir);
      throw new StoreUnavailableException("The store at " + root + " is open in another process, or in another "
          + "LuceneVectorStore of this process: its lock " + root.resolve(StoreFiles.LOCK) + " is held. Close the "
          + "other store first; one store directory can be open in one place at a time.", e);
    } catch (IOException e) {
      IOUtils.closeWhileHandlingException(lockDir);
      throw new StoreUnavailableException("Cannot lock the store at " + root + ": " + e + ". Check that the "
          + "directory is writable.", e);
    }
    this.lockDirectory = lockDir;
    this.storeLock = lock;
    try {
      Path dir = StoreFiles.collectionsDir(root);
      StoreFiles.removeLeftovers(dir);
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path p : entries) {
          if (Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")) {
            String name = p.getFileName().toString();
            collections.put(name, LuceneCollection.open(p, name, options));
          }
        }
      }
      if (version < StoreFiles.VERSION) {
        StoreFiles.upgrade(root, version);
      }
    } catch (IOException | RuntimeException e) {
      closeQuietly();
      if (e instanceof ImageSearchException ie) {
        throw ie;
      }
      throw new StoreUnavailableException("Cannot open the store at " + root + ": " + e + ". If an index is "
          + "damaged, restore the store from a backup.", e);
    }
    LOG.debug("Opened Lucene store at {} with collections {}", root, collections.keySet());
  }

  /**
   * Opens the store in a directory, making a new one when the directory is missing or empty.
   *
   * @throws InvalidInputException when the path is a file, a non-empty directory that is not a store, or a store
   *     written by a newer version
   * @throws StoreUnavailableException when the store is open elsewhere or cannot be read
   */
  public static LuceneVectorStore open(Path directory) {
    return builder(directory).open();
  }

  /** A builder for a store in {@code directory}, to set options before opening it. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** The store's directory. */
  public Path directory() {
    return root;
  }

  // ---- collections ------------------------------------------------------------------------------------------

  @Override
  public void createCollection(CollectionSpec spec) {
    Objects.requireNonNull(spec, "spec");
    lifecycle.call(() -> {
      synchronized (createDropLock) {
        LuceneCollection existing = collections.get(spec.name());
        if (existing != null) {
          if (!existing.spec().equals(spec)) {
            throw SchemaDifferences.refusal(existing.spec(), spec);
          }
          return null;
        }
        for (String name : collections.keySet()) {
          if (name.equalsIgnoreCase(spec.name())) {
            throw new SchemaException("Collection '" + spec.name() + "' differs from existing collection '" + name
                + "' only in case; the Lucene store keeps collections in directories, and some file systems ignore "
                + "case. Use another name.");
          }
        }
        Map<String, VectorPlan> plans = new LinkedHashMap<>();
        for (FieldSpec f : spec.vectorFields()) {
          plans.put(f.name(), VectorPlan.forField(spec.name(), f, options.int8Graphs()));
        }
        CollectionFile file = new CollectionFile(spec, plans);
        Path dir = StoreFiles.collectionsDir(root);
        Path tmp = dir.resolve(StoreFiles.TEMP_PREFIX + "create-" + spec.name() + "-" + UUID.randomUUID());
        Path target = dir.resolve(spec.name());
        try {
          LuceneCollection.createFiles(tmp, file, options);
          Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
          StoreFiles.syncDirectory(dir);
          collections.put(spec.name(), LuceneCollection.open(target, spec.name(), options));
        } catch (IOException e) {
          try {
            StoreFiles.deleteRecursively(tmp);
          } catch (IOException cleanup) {
            e.addSuppressed(cleanup);
          }
          throw new StoreUnavailableException("Cannot create collection '" + spec.name() + "' in " + root + ": " + e
              + ". Check that the directory is writable and the disk has space.", e);
        }
        LOG.info("Created collection '{}' in {}", spec.name(), root);
        return null;
      }
    });
  }

  @Override
  public boolean hasCollection(String collection) {
    return lifecycle.call(() -> collection != null && collections.containsKey(collection));
  }

  @Override
  public List<String> listCollections() {
    return lifecycle.call(() -> new ArrayList<>(collections.keySet()));
  }

  @Override
  public CollectionSpec describeCollection(String collection) {
    return lifecycle.call(() -> collection(collection).spec());
  }

  @Override
  public boolean dropCollection(String collection) {
    return lifecycle.call(() -> {
      synchronized (createDropLock) {
        LuceneCollection c = collection == null ? null : collections.remove(collection);
        if (c == null) {
          return false;
        }
        c.discard();
        try {
          StoreFiles.deleteTree(StoreFiles.collectionsDir(root).resolve(collection));
        } catch (IOException e) {
          throw new StoreUnavailableException("Collection '" + collection + "' was closed but its files in " + root
              + " could not all be deleted: " + e + ". They are removed when the store is next opened if the "
              + "collection directory was renamed; otherwise delete it by hand.", e);
        }
        LOG.info("Dropped collection '{}' from {}", collection, root);
        return true;
      }
    });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Kept in the collection index's Lucene commit data (under {@code imgsearch.property.}), beside the
   * documents.
   */
  @Override
  public Map<String, String> collectionProperties(String collection) {
    return lifecycle.call(() -> collection(collection).properties());
  }

  /** Sets properties, then commits them (with every write to the collection so far). */
  @Override
  public void setCollectionProperties(String collection, Map<String, String> changes) {
    Objects.requireNonNull(changes, "changes");
    lifecycle.call(() -> {
      collection(collection).setProperties(changes);
      return null;
    });
  }

  @Override
  public long count(String collection) {
    return lifecycle.call(() -> collection(collection).count());
  }

  // ---- rows -------------------------------------------------------------------------------------------------

  @Override
  public List<Object> insert(String collection, List<Row> rows) {
    Objects.requireNonNull(rows, "rows");
    return lifecycle.call(() -> collection(collection).insert(rows));
  }

  @Override
  public void upsert(String collection, List<Row> rows) {
    Objects.requireNonNull(rows, "rows");
    lifecycle.call(() -> {
      collection(collection).upsert(rows);
      return null;
    });
  }

  @Override
  public List<Row> get(String collection, List<?> ids, List<String> outputFields) {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(outputFields, "outputFields");
    return lifecycle.call(() -> collection(collection).get(ids, outputFields));
  }

  @Override
  public void delete(String collection, List<?> ids) {
    Objects.requireNonNull(ids, "ids");
    lifecycle.call(() -> {
      collection(collection).delete(ids);
      return null;
    });
  }

  @Override
  public void deleteWhere(String collection, Filter filter) {
    lifecycle.call(() -> {
      collection(collection).deleteWhere(filter);
      return null;
    });
  }

  @Override
  public List<List<Hit>> search(SearchRequest request) {
    Objects.requireNonNull(request, "request");
    return lifecycle.call(() -> collection(request.collection()).search(request));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Vector routes are searched as {@link #search} searches (exact scores); text routes score the
   * {@link dev.imgsearch.core.store.FullTextField}'s analysed text with Lucene's BM25 (k1 = 1.2, b = 0.75, as
   * Milvus's defaults), the text analysed by Lucene's {@code StandardAnalyzer} or, for
   * {@code Analyzer.CHINESE}, {@code SmartChineseAnalyzer}. The filter applies to every route before ranking.
   */
  @Override
  public List<Hit> hybridSearch(HybridSearchRequest request) {
    Objects.requireNonNull(request, "request");
    return lifecycle.call(() -> collection(request.collection()).hybridSearch(request));
  }

  @Override
  public List<Row> query(QueryRequest request) {
    Objects.requireNonNull(request, "request");
    return lifecycle.call(() -> collection(request.collection()).query(request));
  }

  @Override
  public void flush(String collection) {
    lifecycle.call(() -> {
      collection(collection).flush();
      return null;
    });
  }

  /**
   * Merges a collection's index into one segment, as Milvus's {@code compact} merges segments: searches then walk
   * one HNSW graph instead of one per segment, which makes them faster (about as many times as there were
   * segments, for graphs of similar size). Lucene writes a new segment each time its RAM buffer
   * ({@link Builder#ramBufferMb}) fills, and merges some of them in the background; call this after a bulk load.
   * It rebuilds the graphs over all rows (as long as building the largest segment's graph again, or less), and
   * needs free disk space for a second copy of the index while it runs. The merged index is durable after the next
   * {@link #flush}.
   *
   * @throws CollectionNotFoundException when the collection does not exist
   */
  public void compact(String collection) {
    lifecycle.run(() -> collection(collection).compact());
  }

  /** The number of index segments of a collection (for tests). */
  int segments(String collection) {
    return lifecycle.call(() -> collection(collection).segments());
  }

  /**
   * Commits every collection and releases the store's files and lock. Closing twice does nothing.
   *
   * @throws StoreUnavailableException when a collection could not be committed; the other collections are closed
   *     all the same, and the failed one is as of its last successful flush
   */
  @Override
  public void close() {
    StoreUnavailableException[] failure = new StoreUnavailableException[1];
    lifecycle.close(() -> failure[0] = closeCollections());
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  /** Closes every collection and releases the lock; the failure to report, or null. */
  private StoreUnavailableException closeCollections() {
    List<String> failed = new ArrayList<>();
    IOException first = null;
    for (Map.Entry<String, LuceneCollection> e : collections.entrySet()) {
      try {
        e.getValue().close();
      } catch (IOException | RuntimeException ex) {
        failed.add(e.getKey());
        IOException io = ex instanceof IOException i ? i : new IOException(ex);
        if (first == null) {
          first = io;
        } else {
          first.addSuppressed(io);
        }
      }
    }
    collections.clear();
    closeQuietly();
    return first == null ? null : new StoreUnavailableException("Closing the store at " + root + " could not "
        + "commit collections " + failed + ": " + first + ". Those collections are as of their last flush; check "
        + "the disk.", first);
  }

  private void closeQuietly() {
    IOUtils.closeWhileHandlingException(storeLock, lockDirectory);
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  private LuceneCollection collection(String name) {
    LuceneCollection c = name == null ? null : collections.get(name);
    if (c == null) {
      throw new CollectionNotFoundException(name);
    }
    return c;
  }

  /** Opens a Lucene directory for a collection's index; tests substitute failing directories. */
  @FunctionalInterface
  interface DirectoryFactory {
    Directory open(Path path) throws IOException;
  }

  /** The store's settings. */
  record Options(boolean int8Graphs, int defaultEf, double ramBufferMb, DirectoryFactory directoryFactory) {}

  /** Builds a {@link LuceneVectorStore}; not thread-safe. */
  public static final class Builder {
    private final Path directory;
    private boolean int8Graphs;
    private int defaultEf = 64;
    private double ramBufferMb = 64;
    private DirectoryFactory directoryFactory = FSDirectory::open;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * Whether HNSW graphs of new collections without an {@code sq_type} are built over 8-bit scalar-quantised
     * vectors (Lucene's {@code Lucene104HnswScalarQuantizedVectorsFormat}), their candidates re-ranked on the raw
     * vectors: about 4x less memory for the graph search, a little lower recall. Raw vectors are kept, so returned
     * scores stay exact. Default false.
     */
    public Builder int8Graphs(boolean int8Graphs) {
      this.int8Graphs = int8Graphs;
      return this;
    }

    /**
     * The HNSW search's {@code ef} when a search does not pass one (default 64); the graph is always asked for at
     * least {@code topK + offset} neighbours.
     */
    public Builder defaultEf(int defaultEf) {
      if (defaultEf < 1) {
        throw new InvalidInputException("defaultEf is " + defaultEf + "; use a positive integer.");
      }
      this.defaultEf = defaultEf;
      return this;
    }

    /** Memory Lucene buffers new rows in before it writes a segment, per collection (default 64 MB). */
    public Builder ramBufferMb(double ramBufferMb) {
      if (!(ramBufferMb >= 1)) {
        throw new InvalidInputException("ramBufferMb is " + ramBufferMb + "; use at least 1.");
      }
      this.ramBufferMb = ramBufferMb;
      return this;
    }

    /** For tests: how each collection's Lucene directory is opened. */
    Builder directoryFactory(DirectoryFactory directoryFactory) {
      this.directoryFactory = Objects.requireNonNull(directoryFactory, "directoryFactory");
      return this;
    }

    /**
     * Opens the store, making it when the directory is missing or empty.
     *
     * @throws InvalidInputException when the path is a file, a non-empty directory that is not a store, or a store
     *     written by a newer version
     * @throws StoreUnavailableException when the store is open elsewhere or cannot be read
     */
    public LuceneVectorStore open() {
      Path root = directory.toAbsolutePath().normalize();
      return new LuceneVectorStore(root, new Options(int8Graphs, defaultEf, ramBufferMb, directoryFactory));
    }
  }
}
