package dev.imgsearch.pipeline;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.core.embed.TextEmbedder;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.core.store.VectorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * embedder's dimension and metric) and dynamic fields for user metadata; an existing one is checked. An
 * {@linkplain IndexManifest index manifest} recorded beside the collection names the model, dimension, metric,
 * preprocessing and id strategy; opening a collection made with another model fails with a
 * {@link SchemaException} instead of mixing vectors that cannot be compared.
 *
 * <p><b>Indexing</b> ({@link #index}) decodes and preprocesses on a pool of threads, embeds in batches and upserts
 * in batches, with bounded memory; ids are deterministic ({@link IdStrategy}), so a second run skips what is up
 * to date and a run that was interrupted is finished by running it again. Images that cannot be read or decoded
 * are reported in the {@link IndexReport} and never stop the run.
 *
 * <p><b>Threads.</b> Searching is thread-safe; indexing runs one at a time per instance (a second call waits).
 * {@link #close()} stops the index's threads; it does not close the embedder or the store, which the caller owns.
 */
public final class ImageIndex implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImageIndex.class);
  private static final int EXCLUDE_SLACK = 8;

  private final PixelEmbedder embedder;
  private final VectorStore store;
  private final String collection;
  private final ImageDecoder decoder;
  private final IdStrategy idStrategy;
  private final int batchSize;
  private final int upsertBatchSize;
  private final int parallelism;
  private final int maxInFlight;
  private final java.time.Duration flushInterval;
  private final IndexManifest manifest;
  private final FieldSpec vectorField;
  private final ReentrantLock runLock = new ReentrantLock();
  private final Object poolLock = new Object();
  private ExecutorService decodePool;
  private ExecutorService stagePool;
  private volatile boolean closed;

  private ImageIndex(Builder b) {
    this.embedder = Objects.requireNonNull(b.embedder, "embedder: call embedder(...) on the builder");
    this.store = Objects.requireNonNull(b.store, "store: call store(...) on the builder");
    this.collection = Objects.requireNonNull(b.collection, "collection: call collection(...) on the builder");
    this.decoder = b.decoder;
    this.idStrategy = b.idStrategy;
    this.batchSize = positive("batchSize", b.batchSize);
    this.upsertBatchSize = positive("upsertBatchSize", b.upsertBatchSize);
    this.parallelism = positive("parallelism", b.parallelism);
    this.maxInFlight = b.maxInFlight > 0 ? Math.max(b.maxInFlight, batchSize) : 2 * batchSize + 2 * parallelism;
    this.flushInterval = Objects.requireNonNull(b.flushInterval, "flushInterval");
    CollectionSpec wanted = spec(collection, embedder, b.vectorIndex);
    this.manifest = open(wanted, IndexManifest.of(collection, embedder, idStrategy));
    this.vectorField = store.describeCollection(collection).vectorField(IndexFields.VECTOR);
  }

  /** A builder; embedder, store and collection are required. */
  public static Builder builder() {
    return new Builder();
  }

  private static int positive(String name, int value) {
    if (value < 1) {
      throw new InvalidInputException(name + " is " + value + "; use 1 or more.");
    }
    return value;
  }

  /** The schema ImageIndex gives a new collection. */
  static CollectionSpec spec(String collection, PixelEmbedder embedder, IndexSpec vectorIndex) {
    return CollectionSpec.builder(collection)
        .description("Images indexed by imgsearch with model " + embedder.modelId())
        .primaryKey(FieldSpec.varchar(IndexFields.ID, IndexFields.ID_MAX_LENGTH))
        .field(FieldSpec.varchar(IndexFields.PATH, IndexFields.PATH_MAX_LENGTH))
        .field(FieldSpec.varchar(IndexFields.SOURCE, IndexFields.PATH_MAX_LENGTH))
        .field(FieldSpec.scalar(IndexFields.FILE_SIZE, FieldType.INT64))
        .field(FieldSpec.scalar(IndexFields.MODIFIED, FieldType.INT64))
        .field(FieldSpec.varchar(IndexFields.CONTENT_HASH, 64))
        .field(FieldSpec.vector(IndexFields.VECTOR, embedder.dimension(), embedder.metric(), vectorIndex))
        .dynamicFields(true)
        .build();
  }

  private IndexManifest open(CollectionSpec wanted, IndexManifest wantedManifest) {
    ManifestStore manifests = new ManifestStore(store);
    if (!store.hasCollection(collection)) {
      manifests.write(wantedManifest);
      store.createCollection(wanted);
      LOG.info("Created collection '{}' for model '{}' ({}-d, {})", collection, embedder.modelId(),
          embedder.dimension(), embedder.metric());
      return wantedManifest;
    }
    checkLayout(store.describeCollection(collection));
    Optional<IndexManifest> recorded = manifests.read(collection);
    if (recorded.isPresent()) {
      List<String> diffs = recorded.get().differencesFrom(wantedManifest);
      if (!diffs.isEmpty()) {
        throw new SchemaException("Collection '" + collection + "' was indexed with " + String.join(", ", diffs)
            + ". Its vectors cannot be compared with this embedder's: use the embedder (and id strategy) it was "
            + "made with, choose another collection name, or drop it with ImageIndex.drop(store, \"" + collection
            + "\") and index again.");
      }
      return recorded.get();
    }
    long rows = store.count(collection);
    if (rows > 0) {
      throw new SchemaException("Collection '" + collection + "' has " + rows + " rows but no index manifest, so "
          + "the model its vectors came from is unknown. Choose another collection name, or drop it with "
          + "ImageIndex.drop(store, \"" + collection + "\") and index again.");
    }
    manifests.write(wantedManifest);
    return wantedManifest;
  }

  private void checkLayout(CollectionSpec spec) {
    List<String> problems = new ArrayList<>();
    if (!spec.primaryKey().name().equals(IndexFields.ID) || spec.primaryKey().type() != FieldType.VARCHAR
        || spec.autoId()) {
      problems.add("its primary key is " + spec.primaryKey() + (spec.autoId() ? " with auto id" : "")
          + ", not VARCHAR '" + IndexFields.ID + "'");
    }
    Map<String, FieldType> needed = new LinkedHashMap<>();
    needed.put(IndexFields.PATH, FieldType.VARCHAR);
    needed.put(IndexFields.SOURCE, FieldType.VARCHAR);
    needed.put(IndexFields.FILE_SIZE, FieldType.INT64);
    needed.put(IndexFields.MODIFIED, FieldType.INT64);
    needed.put(IndexFields.CONTENT_HASH, FieldType.VARCHAR);
    needed.forEach((name, type) -> {
      Optional<FieldSpec> f = spec.field(name);
      if (f.isEmpty() || f.get().type() != type) {
        problems.add("field '" + name + "' is " + f.map(FieldSpec::toString).orElse("missing") + " (needs " + type
            + ")");
      }
    });
    Optional<FieldSpec> v = spec.field(IndexFields.VECTOR);
    if (v.isEmpty() || !v.get().isVector()) {
      problems.add("it has no vector field '" + IndexFields.VECTOR + "'");
    } else if (v.get().dimension() != embedder.dimension() || v.get().metric() != embedder.metric()) {
      problems.add("its vectors are " + v.get().dimension() + "-d " + v.get().metric() + " but the embedder makes "
          + embedder.dimension() + "-d " + embedder.metric());
    }
    if (!spec.dynamicFields()) {
      problems.add("dynamic fields are off (metadata needs them)");
    }
    if (!problems.isEmpty()) {
      throw new SchemaException("Collection '" + collection + "' exists but is not an image index: "
          + String.join("; ", problems) + ". Choose another collection name, or drop it and let ImageIndex "
          + "create it.");
    }
  }

  /**
   * Drops an image index: its collection and its manifest. Returns false when there was no collection.
   * Use it to re-index a collection with another model.
   */
  public static boolean drop(VectorStore store, String collection) {
    new ManifestStore(store).delete(collection);
    return store.dropCollection(collection);
  }

  // ------------------------------------------------------------------ indexing

  /** Indexes a source; see {@link #index(IndexSource, IndexListener)}. */
  public IndexReport index(IndexSource source) {
    return index(source, IndexListener.NONE);
  }

  /**
   * Indexes a source: new and changed images are embedded and upserted, unchanged ones skipped, and with
   * {@linkplain IndexSource#sync() sync} rows of images no longer in the source removed. Bad images are
   * reported in the result and to the listener; they never stop the run.
   *
   * @throws ImageSearchException when the store or the model fails (images written so far stay; run again to
   *     finish), or when the calling thread is interrupted (its interrupt flag stays set)
   * @throws ClosedException after {@link #close()}
   */
  public IndexReport index(IndexSource source, IndexListener listener) {
    Objects.requireNonNull(source, "source");
    checkOpen();
    runLock.lock();
    try {
      checkOpen();
      return new IndexRun(this, source, listener).run();
    } finally {
      runLock.unlock();
    }
  }

  // ------------------------------------------------------------------ searching

  /**
   * Searches the index.
   *
   * @return the hits, best first: at most {@code topK}, fewer after the relevance controls
   * @throws InvalidInputException for a text query when the embedder does not embed text, or a vector of the
   *     wrong dimension
   * @throws dev.imgsearch.core.InvalidImageException for an image query that cannot be decoded
   */
  public List<ImageHit> search(Query query) {
    checkOpen();
    float[] q = vectorOf(query);
    String queryHash = null;
    String queryPath = null;
    if (query.excludeQueryImage()) {
      ImageInput in = query.image();
      if (in.path() != null) {
        queryPath = FileIds.absolute(in.path());
        queryHash = hashOf(in.path());
      } else if (in.bytes() != null) {
        queryHash = IndexRun.sha256(in.bytes());
      }
    }
    Set<String> outputs = new LinkedHashSet<>(query.outputFields());
    outputs.add(IndexFields.PATH);
    if (queryHash != null) {
      outputs.add(IndexFields.CONTENT_HASH);
    }
    double selfScore = metric().score(q, q);
    int fetch = Math.min(SearchRequest.MAX_TOP_K, query.topK() + (query.excludeQueryImage() ? EXCLUDE_SLACK : 0));
    List<Hit> kept;
    while (true) {
      SearchRequest.Builder req = SearchRequest.builder(collection).vectorField(IndexFields.VECTOR).query(q)
          .topK(fetch).filter(query.filter()).outputFields(new ArrayList<>(outputs));
      query.searchParams().forEach(req::searchParam);
      List<Hit> hits = store.search(req.build()).get(0);
      kept = new ArrayList<>(hits.size());
      for (Hit h : hits) {
        if (!query.excludeQueryImage() || !isQueryImage(h, queryHash, queryPath, selfScore)) {
          kept.add(h);
        }
      }
      if (kept.size() >= query.topK() || hits.size() < fetch || fetch == SearchRequest.MAX_TOP_K) {
        break;
      }
      fetch = Math.min(SearchRequest.MAX_TOP_K, fetch * 4);
    }
    return relevant(query, kept);
  }

  private boolean isQueryImage(Hit h, String hash, String path, double selfScore) {
    if (hash != null) {
      return hash.equals(h.field(IndexFields.CONTENT_HASH)) || (path != null && path.equals(h.field(IndexFields.PATH)));
    }
    // A decoded image: the query is in the index when a hit has exactly its vector.
    return Math.abs(h.score() - selfScore) <= 1e-5 * Math.max(1, Math.abs(selfScore));
  }

  private List<ImageHit> relevant(Query query, List<Hit> hits) {
    MetricType metric = metric();
    boolean higher = metric.higherIsCloser();
    List<ImageHit> out = new ArrayList<>();
    double best = hits.isEmpty() ? 0 : hits.get(0).score();
    Set<String> wanted = new LinkedHashSet<>(query.outputFields());
    boolean all = wanted.contains("*");
    for (Hit h : hits) {
      double s = h.score();
      if (query.threshold() != null && (higher ? s < query.threshold() : s > query.threshold())) {
        continue;
      }
      if (query.relativeCutoff() != null) {
        double r = query.relativeCutoff();
        boolean close = higher ? s >= best - (1 - r) * Math.abs(best) : s <= best / r;
        if (!close) {
          continue;
        }
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      h.fields().forEach((k, v) -> {
        if (all || wanted.contains(k)) {
          fields.put(k, v);
        }
      });
      Object path = h.field(IndexFields.PATH);
      out.add(new ImageHit(String.valueOf(h.id()), path instanceof String p && !p.isEmpty() ? p : null, h.score(),
          metric, fields));
      if (out.size() == query.topK()) {
        break;
      }
    }
    return List.copyOf(out);
  }

  private float[] vectorOf(Query query) {
    return switch (query.kind()) {
      case VECTOR -> {
        float[] v = query.vector();
        if (v.length != embedder.dimension()) {
          throw new InvalidInputException("The query vector has " + v.length + " values but collection '"
              + collection + "' holds " + embedder.dimension() + "-d vectors of model '" + embedder.modelId()
              + "'; embed the query with the same model.");
        }
        yield v;
      }
      case TEXT -> textEmbedder().embedText(query.text());
      case IMAGE -> embedImage(query.image());
    };
  }

  /** Decodes with the index's decoder, preprocesses and embeds one image. */
  float[] embedImage(ImageInput image) {
    return embedder.embedPixels(List.of(embedder.recipe().apply(decoder.decode(image)))).get(0);
  }

  private TextEmbedder textEmbedder() {
    if (embedder instanceof TextEmbedder t) {
      return t;
    }
    throw new InvalidInputException("Model '" + embedder.modelId() + "' embeds images only, so this index cannot "
        + "be searched by text; search by image or vector, or index with a text-and-image model such as CLIP.");
  }

  private static String hashOf(Path file) {
    try {
      return IndexRun.sha256(Files.readAllBytes(file));
    } catch (IOException e) {
      return null; // the decoder has read it already; a file that vanished since is simply not excluded by hash
    }
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
    ZeroShotClassifier classifier = ZeroShotClassifier.of(multimodal(), labels, template);
    return classifier.classify(embedImage(image));
  }

  /** Zero-shot classification of an indexed image, by id, with its stored vector (nothing is decoded). */
  public List<LabelProbability> classifyIndexed(String id, List<String> labels, String template) {
    checkOpen();
    ZeroShotClassifier classifier = ZeroShotClassifier.of(multimodal(), labels, template);
    List<Row> rows = store.get(collection, List.of(id), List.of(IndexFields.VECTOR));
    if (rows.isEmpty()) {
      throw new InvalidInputException("No image with id '" + id + "' in collection '" + collection + "'; pass the "
          + "id of an indexed image (ImageHit.id()).");
    }
    return classifier.classify(rows.get(0).vector(IndexFields.VECTOR));
  }

  private MultimodalEmbedder multimodal() {
    if (embedder instanceof MultimodalEmbedder m) {
      return m;
    }
    throw new InvalidInputException("Model '" + embedder.modelId() + "' does not embed text, so it cannot classify "
        + "zero-shot; use a text-and-image model such as CLIP or Chinese-CLIP.");
  }

  // ------------------------------------------------------------------ accessors and lifecycle

  /** The number of images in the index. */
  public long count() {
    checkOpen();
    return store.count(collection);
  }

  /** The manifest recorded with the collection. */
  public IndexManifest manifest() {
    return manifest;
  }

  public String collection() {
    return collection;
  }

  /** The metric of the scores in hits. */
  public MetricType metric() {
    return embedder.metric();
  }

  public PixelEmbedder embedder() {
    return embedder;
  }

  public VectorStore store() {
    return store;
  }

  public IdStrategy idStrategy() {
    return idStrategy;
  }

  ImageDecoder decoder() {
    return decoder;
  }

  int batchSize() {
    return batchSize;
  }

  int upsertBatchSize() {
    return upsertBatchSize;
  }

  int maxInFlight() {
    return maxInFlight;
  }

  java.time.Duration flushInterval() {
    return flushInterval;
  }

  FieldSpec vectorField() {
    return vectorField;
  }

  ExecutorService decodePool() {
    startPools();
    return decodePool;
  }

  ExecutorService stagePool() {
    startPools();
    return stagePool;
  }

  private void startPools() {
    synchronized (poolLock) {
      checkOpen();
      if (decodePool == null) {
        decodePool = Executors.newFixedThreadPool(parallelism, new ThreadFactoryBuilder().setDaemon(true)
            .setNameFormat("imgsearch-decode-" + collection + "-%d").build());
        stagePool = Executors.newFixedThreadPool(3, new ThreadFactoryBuilder().setDaemon(true)
            .setNameFormat("imgsearch-stage-" + collection + "-%d").build());
      }
    }
  }

  void flushQuietly() {
    try {
      store.flush(collection);
    } catch (RuntimeException e) {
      LOG.warn("Could not flush collection '{}' after a failed run", collection, e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new ClosedException("ImageIndex '" + collection + "'");
    }
  }

  /** Stops the index's threads (waiting for a running {@link #index} to end); the embedder and store stay open. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    runLock.lock();
    try {
      closed = true;
      synchronized (poolLock) {
        if (decodePool != null) {
          decodePool.shutdown();
          stagePool.shutdown();
          try {
            decodePool.awaitTermination(10, TimeUnit.SECONDS);
            stagePool.awaitTermination(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      }
    } finally {
      runLock.unlock();
    }
  }

  /** Builds an {@link ImageIndex}; not thread-safe. */
  public static final class Builder {
    private PixelEmbedder embedder;
    private VectorStore store;
    private String collection;
    private ImageDecoder decoder = ImageDecoder.standard();
    private IdStrategy idStrategy = IdStrategy.PATH;
    private IndexSpec vectorIndex = IndexSpec.autoIndex();
    private int batchSize = 32;
    private int upsertBatchSize = 256;
    private int parallelism = Runtime.getRuntime().availableProcessors();
    private int maxInFlight;
    private java.time.Duration flushInterval = java.time.Duration.ofMinutes(1);

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

    /** How ids are derived from files (default {@link IdStrategy#PATH}); recorded in the manifest. */
    public Builder idStrategy(IdStrategy idStrategy) {
      this.idStrategy = Objects.requireNonNull(idStrategy, "idStrategy");
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
    public Builder flushInterval(java.time.Duration flushInterval) {
      this.flushInterval = flushInterval;
      return this;
    }

    /**
     * Opens the index: creates the collection and its manifest, or checks an existing one.
     *
     * @throws SchemaException when the collection exists with another layout or another model's vectors
     */
    public ImageIndex build() {
      return new ImageIndex(this);
    }
  }
}
