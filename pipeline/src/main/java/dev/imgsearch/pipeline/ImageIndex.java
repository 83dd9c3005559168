package dev.imgsearch.pipeline;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.image.PixelEmbedder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SDK's main entry point: a collection of images in a {@link VectorStore}, embedded by an
 * {@link PixelEmbedder}, that can be indexed from folders, file lists or bytes, and searched by text, image or
 * vector.
 *
 * <pre>{@code
 * try (ImageIndex index = ImageIndex.builder().embedder(clip).store(store).collection("images").build()) {
 *   IndexReport report = index.index(IndexSource.directory(Path.of("images_folder/train")).build());
 *   List<ImageHit> hits = index.search(Query.text("a white dog").topK(10).build());
 * }
 * }</pre>
 *
 * <p><b>The collection.</b> Building creates the collection when it is missing, with the fields of
 * {@link IndexFields} (a VARCHAR id, path, source, size, modification time, content hash, the vector with the
 * embedder's dimension and metric) and dynamic fields for user metadata, or in another shape
 * ({@link Builder#schema(IndexSchema)}, {@link Builder#idStrategy(IdStrategy)}: the Python tutorials' collections
 * with server-generated ids and a {@code filepath} field); an existing one is checked. An
 * {@linkplain IndexManifest index manifest} kept with the collection (its property {@code imgsearch.manifest})
 * records the model's {@linkplain dev.imgsearch.core.embed.Embedder#identity() fingerprint} and origin, the
 * dimension, metric, preprocessing, id strategy and field names. Opening the collection with another model (other
 * weights, even under the same name) fails with a {@link SchemaException} naming both models instead of mixing
 * vectors that cannot be compared; the same weights from another folder, hub repository or cache open it. A
 * collection that ImageIndex did not make (e.g. by a Python tutorial) is opened with {@link Builder#adopt()}; see
 * {@link IndexSchema} for what re-runs can do on it.
 *
 * <p><b>Indexing</b> ({@link #index}) decodes and preprocesses on a pool of threads, embeds in batches and upserts
 * in batches, with bounded memory; ids are deterministic ({@link IdStrategy}), so a second run skips what is up
 * to date and a run that was interrupted is finished by running it again. Images that cannot be read or decoded
 * are reported in the {@link IndexReport} and never stop the run.
 *
 * <p><b>Threads.</b> Searching is thread-safe; indexing runs one at a time per instance (a second call waits).
 * The index owns the threads its runs use: they start with the first run, and {@link #close()} stops them (after
 * waiting for a running {@link #index}); a closed index refuses every call with a {@link ClosedException}. It does
 * not close the embedder or the store, which the caller owns.
 *
 * <p><b>Settings.</b> {@link Builder#build()} takes a snapshot of the builder: changing the builder afterwards does
 * not change a built index. Vectors are checked by the store, once: an image whose vector the store refuses (wrong
 * dimension, not finite) is reported as {@link IndexFailure.Cause#INVALID_VECTOR} with the store's reason.
 */
public final class ImageIndex implements AutoCloseable {
  private final IndexSettings settings;
  private final IndexManifest manifest;
  private final IndexSearcher searcher;
  private final ReentrantLock runLock = new ReentrantLock();
  private volatile boolean closed;

  private ImageIndex(Builder b) {
    IndexSettings wanted = IndexSettings.of(b);
    IndexCollections.Opened opened = IndexCollections.open(wanted, b.vectorIndex, b.idStrategySet, b.schemaSet,
        b.adopt);
    this.settings = wanted.opened(opened.manifest().idStrategy(), opened.schema());
    this.manifest = opened.manifest();
    this.searcher = new IndexSearcher(settings);
  }

  /** A builder; embedder, store and collection are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The schema ImageIndex gives a new collection with the standard fields and path ids. */
  static CollectionSpec spec(String collection, PixelEmbedder embedder, IndexSpec vectorIndex) {
    return IndexCollections.spec(collection, embedder, IndexSchema.standard(), IdStrategy.PATH, vectorIndex);
  }

  /**
   * Drops an image index: its collection and its manifest. Returns false when there was no collection.
   * Use it to re-index a collection with another model.
   */
  public static boolean drop(VectorStore store, String collection) {
    return IndexCollections.drop(store, collection);
  }

  // ------------------------------------------------------------------ indexing

  /** Indexes a source; see {@link #index(IndexSource, IndexListener)}. */
  public IndexReport index(IndexSource source) {
    return index(source, IndexListener.NONE);
  }

  /**
   * Indexes a source: new and changed images are embedded and upserted, unchanged ones skipped, and with
   * {@linkplain IndexSource#sync() sync} rows of images no longer in the source removed. Bad images (unreadable,
   * undecodable, or with a vector or metadata the store refuses) are reported in the result and to the listener;
   * they never stop the run.
   *
   * @throws ImageSearchException when the store or the model fails (images written so far stay; run again to
   *     finish), or when the calling thread is interrupted (its interrupt flag stays set)
   * @throws ClosedException after {@link #close()}
   */
  public IndexReport index(IndexSource source, IndexListener listener) {
    Objects.requireNonNull(source, "source");
    checkOpen();
    if (source.sync() && !settings.schema().bookkeeping()) {
      throw new InvalidInputException("Collection '" + settings.collection() + "' keeps no source field in its rows "
          + "(its schema has no bookkeeping fields, as a collection made by a Python tutorial), so a sync cannot "
          + "tell which rows this source wrote. Index without sync(), or into a collection with the standard "
          + "schema.");
    }
    if (source instanceof RecordSource && settings.idStrategy() == IdStrategy.AUTO) {
      throw new InvalidInputException("Collection '" + settings.collection() + "' has server-generated ids "
          + "(IdStrategy.AUTO), so records cannot be stored under their own ids. Index files (a directory or a "
          + "path list) into it, or records into a collection with IdStrategy.PATH.");
    }
    runLock.lock();
    try {
      checkOpen();
      return new IndexRun(settings, source, listener).run();
    } finally {
      runLock.unlock();
    }
  }

  // ------------------------------------------------------------------ searching

  /**
   * Searches the index.
   *
   * @return the hits, best first: at most {@code topK}, fewer after the relevance controls
   * @throws InvalidInputException for a text query when the embedder does not embed text, or a vector the store
   *     refuses (wrong dimension, values that are not finite)
   * @throws dev.imgsearch.core.InvalidImageException for an image query that cannot be decoded
   */
  public List<ImageHit> search(Query query) {
    checkOpen();
    return searcher.search(query);
  }

  // ------------------------------------------------------------------ zero-shot

  /** Zero-shot classification of an image among labels used as they are; see {@link ZeroShotClassifier}. */
  public List<LabelProbability> classify(ImageInput image, List<String> labels) {
    return classify(image, labels, ZeroShotClassifier.PLACEHOLDER);
  }

  /**
   * Zero-shot classification of an image among labels put into a template such as {@code "a photo of a {}."};
   * one probability per label, in order. Needs a {@link MultimodalEmbedder}. To classify many images among the
   * same labels, make a {@link ZeroShotClassifier} once.
   */
  public List<LabelProbability> classify(ImageInput image, List<String> labels, String template) {
    checkOpen();
    return searcher.classify(image, labels, template);
  }

  /** Zero-shot classification of an indexed image, by id, with its stored vector (nothing is decoded). */
  public List<LabelProbability> classifyIndexed(String id, List<String> labels, String template) {
    checkOpen();
    return searcher.classifyIndexed(id, labels, template);
  }

  // ------------------------------------------------------------------ accessors and lifecycle

  /** The number of images in the index. */
  public long count() {
    checkOpen();
    return settings.store().count(settings.collection());
  }

  /** The manifest recorded with the collection. */
  public IndexManifest manifest() {
    return manifest;
  }

  /** The collection's name. */
  public String collection() {
    return settings.collection();
  }

  /** The metric of the scores in hits. */
  public MetricType metric() {
    return settings.embedder().metric();
  }

  /** The embedder the index was built with. */
  public PixelEmbedder embedder() {
    return settings.embedder();
  }

  /** The store the index writes to. */
  public VectorStore store() {
    return settings.store();
  }

  /** How ids are derived from files. */
  public IdStrategy idStrategy() {
    return settings.idStrategy();
  }

  /** The collection's field names and shape, as opened (an adopted collection's rows may lack bookkeeping). */
  public IndexSchema schema() {
    return settings.schema();
  }

  /** The settings the index and its runs work with. */
  IndexSettings settings() {
    return settings;
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedException("ImageIndex '" + settings.collection() + "'");
    }
  }

  /**
   * Stops the index's threads, after waiting for a running {@link #index} to end; idempotent. The embedder and
   * store stay open.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    runLock.lock();
    try {
      closed = true;
      settings.executors().close();
    } finally {
      runLock.unlock();
    }
  }

  /** Builds an {@link ImageIndex}; not thread-safe. */
  public static final class Builder {
    // Package-private: IndexSettings.of reads them when the index is built.
    PixelEmbedder embedder;
    VectorStore store;
    String collection;
    ImageDecoder decoder = ImageDecoder.standard();
    IdStrategy idStrategy = IdStrategy.PATH;
    boolean idStrategySet;
    IndexSchema schema = IndexSchema.standard();
    boolean schemaSet;
    boolean adopt;
    IndexSpec vectorIndex = IndexSpec.autoIndex();
    int batchSize = 32;
    int upsertBatchSize = 256;
    int parallelism = Runtime.getRuntime().availableProcessors();
    int maxInFlight;
    Duration flushInterval = Duration.ofMinutes(1);
    boolean draftDecoding;

    private Builder() {}

    /** The model; a {@link MultimodalEmbedder} also enables text search and zero-shot classification. */
    public Builder embedder(PixelEmbedder embedder) {
      this.embedder = embedder;
      return this;
    }

    /** Where the vectors go (in memory, Lucene, Milvus). */
    public Builder store(VectorStore store) {
      this.store = store;
      return this;
    }

    /** The collection's name; created when missing. */
    public Builder collection(String collection) {
      this.collection = collection;
      return this;
    }

    /** The decoder, e.g. with another pixel limit (default {@link ImageDecoder#standard()}). */
    public Builder decoder(ImageDecoder decoder) {
      this.decoder = Objects.requireNonNull(decoder, "decoder");
      return this;
    }

    /**
     * Draft decoding (default off, opt-in): a JPEG at least twice as large as the model's resize target is decoded
     * at 1/2, 1/4 or 1/8 of its size in the DCT domain before the recipe's resize, as Pillow's {@code Image.draft}
     * does ({@link dev.imgsearch.image.ImagePreprocessor.Builder#draft(boolean)}); image queries are preprocessed
     * the same way. Much faster on phone photos; the vectors are close to the exact ones but not equal (measured
     * on EfficientNet-Lite0 in benchmarks/README.md), so keep one setting for a collection.
     */
    public Builder draftDecoding(boolean draftDecoding) {
      this.draftDecoding = draftDecoding;
      return this;
    }

    /**
     * How ids are derived from files (default {@link IdStrategy#PATH} for a new collection; an existing one keeps
     * what its manifest records, or {@link IdStrategy#AUTO} when it has INT64 auto ids); recorded in the manifest.
     */
    public Builder idStrategy(IdStrategy idStrategy) {
      this.idStrategy = Objects.requireNonNull(idStrategy, "idStrategy");
      this.idStrategySet = true;
      return this;
    }

    /**
     * The collection's field names and shape (default {@link IndexSchema#standard()} for a new collection; an
     * existing one keeps what its manifest records). Use {@link IndexSchema#milvusQuickSetup(String)} or
     * {@link IndexSchema#builder()} to write, or to {@linkplain #adopt() adopt}, a collection in a tutorial's shape.
     */
    public Builder schema(IndexSchema schema) {
      this.schema = Objects.requireNonNull(schema, "schema");
      this.schemaSet = true;
      return this;
    }

    /**
     * Adopts an existing collection that ImageIndex did not make, such as one a Python tutorial filled: its rows
     * are trusted to hold vectors of this builder's embedder (nothing can check that), and a manifest recording
     * the embedder's fingerprint is added to the collection's properties, so that from then on another model is
     * refused. Name its fields with {@link #schema}. An adopted collection is searched by text and by image like
     * any other; what re-runs can do depends on its rows (see {@link IndexSchema}: without the bookkeeping fields, a
     * file whose path has a row is skipped even if it changed, and sync is refused). Also accepts once a manifest
     * written before fingerprints whose model id differs (the same weights under another name).
     */
    public Builder adopt() {
      this.adopt = true;
      return this;
    }

    /** The vector index of a new collection (default {@link IndexSpec#autoIndex()}: the store's choice). */
    public Builder vectorIndex(IndexSpec vectorIndex) {
      this.vectorIndex = Objects.requireNonNull(vectorIndex, "vectorIndex");
      return this;
    }

    /** Images per inference call (default 32). */
    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** Rows per upsert call (default 256). */
    public Builder upsertBatchSize(int upsertBatchSize) {
      this.upsertBatchSize = upsertBatchSize;
      return this;
    }

    /** Threads that read, decode and preprocess (default: the number of processors). */
    public Builder parallelism(int parallelism) {
      this.parallelism = parallelism;
      return this;
    }

    /**
     * The most images between the walk and the end of inference, which bounds the memory of a run (default
     * {@code 2 * batchSize + 2 * parallelism}; at least {@code batchSize}).
     */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * How often a long run makes its writes durable ({@link VectorStore#flush}) while it goes (default one minute),
     * so that a run that is killed loses at most this much work; every run also flushes when it ends.
     */
    public Builder flushInterval(Duration flushInterval) {
      this.flushInterval = flushInterval;
      return this;
    }

    /**
     * Opens the index: creates the collection and its manifest, or checks an existing one. The index keeps a
     * snapshot of this builder's settings; the builder may be changed and built again.
     *
     * @throws SchemaException when the collection exists with another layout or another model's vectors
     */
    public ImageIndex build() {
      return new ImageIndex(this);
    }
  }
}
