package dev.imgsearch.spark;

import static org.apache.spark.sql.functions.col;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.pipeline.IdStrategy;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.ImageRows;
import dev.imgsearch.pipeline.IndexFailure;
import dev.imgsearch.pipeline.IndexFields;
import dev.imgsearch.pipeline.IndexSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes images on Apache Spark: the tasks decode, preprocess and embed on the executors (one model per executor
 * JVM, batched inference inside {@code mapPartitions}) and upsert straight into the collection, or emit Parquet.
 * The rows, ids, skips and failure reasons are {@link ImageIndex}'s, so a collection built here is an ordinary
 * image index, and a retried task, a speculative duplicate or a re-run never duplicates a row.
 *
 * <pre>{@code
 * SparkImageIndexer indexer = SparkImageIndexer.builder()
 *     .embedder(EmbedderSpec.of(ClipFactory.class, "clip", "/models/clip-vit-base-patch32"))
 *     .store(MilvusTarget.of("http://milvus:19530", token))
 *     .collection("images")
 *     .build();
 * SparkIndexReport report = indexer.index(SparkImageSource.files(spark, "s3a://photos/").build());
 * report.summary().show();
 * }</pre>
 *
 * <p>Before the job, the driver loads the model once and opens the collection as {@link ImageIndex} does
 * (creates it with {@link ImageIndex}'s schema and manifest, or checks it), and after it flushes the collection.
 * Immutable; thread-safe.
 */
public final class SparkImageIndexer {
  private static final Logger LOG = LoggerFactory.getLogger(SparkImageIndexer.class);
  private static final int LOGGED_FAILURES = 20;

  private final EmbedderSpec embedder;
  private final StoreTarget target;
  private final String collection;
  private final IdStrategy idStrategy;
  private final IndexSpec vectorIndex;
  private final int batchSize;
  private final int upsertBatchSize;
  private final int lookupBatchSize;
  private final long maxPixels;
  private final int maxReportedFailures;
  private final PartitionHook hook;

  private SparkImageIndexer(Builder b) {
    this.embedder = Objects.requireNonNull(b.embedder, "embedder: call embedder(...) on the builder");
    this.target = b.target;
    this.collection = Objects.requireNonNull(b.collection, "collection: call collection(...) on the builder");
    this.idStrategy = b.idStrategy;
    this.vectorIndex = b.vectorIndex;
    this.batchSize = positive("batchSize", b.batchSize);
    this.upsertBatchSize = positive("upsertBatchSize", b.upsertBatchSize);
    this.lookupBatchSize = positive("lookupBatchSize", b.lookupBatchSize);
    this.maxPixels = b.maxPixels;
    this.maxReportedFailures = b.maxReportedFailures;
    this.hook = b.hook;
  }

  /** A builder; embedder and collection are required, and a store for {@link #index}. */
  public static Builder builder() {
    return new Builder();
  }

  private static int positive(String name, int v) {
    if (v < 1) {
      throw new InvalidInputException(name + " is " + v + "; use 1 or more.");
    }
    return v;
  }

  /** The schema of the per-image results (and, with vector and metadata, of the Parquet rows). */
  static StructType resultSchema(DataType metadataType) {
    StructType s = new StructType()
        .add("status", DataTypes.StringType, false)
        .add("cause", DataTypes.StringType, true)
        .add("message", DataTypes.StringType, true)
        .add("item", DataTypes.StringType, true)
        .add(IndexFields.ID, DataTypes.StringType, true)
        .add(IndexFields.PATH, DataTypes.StringType, true)
        .add(IndexFields.SOURCE, DataTypes.StringType, true)
        .add(IndexFields.FILE_SIZE, DataTypes.LongType, false)
        .add(IndexFields.MODIFIED, DataTypes.LongType, false)
        .add(IndexFields.CONTENT_HASH, DataTypes.StringType, true)
        .add(IndexFields.VECTOR, DataTypes.createArrayType(DataTypes.FloatType, false), true);
    return metadataType == null ? s : s.add("metadata", metadataType, true);
  }

  /**
   * Indexes a source into the collection of the {@linkplain Builder#store store}: new and changed images are
   * embedded and upserted, up-to-date ones skipped, bad ones reported.
   *
   * @throws dev.imgsearch.core.SchemaException when the collection exists with another layout or model
   */
  public SparkIndexReport index(SparkImageSource source) {
    if (target == null) {
      throw new InvalidInputException("No store: call store(...) on the builder to index into a collection, or "
          + "use writeParquet(...).");
    }
    long start = System.nanoTime();
    openCollection();
    SparkSession spark = source.normalized().sparkSession();
    Run run = run(source, target);
    run.results.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      SparkIndexReport report = report(spark, run, start);
      try (VectorStore store = target.open()) {
        store.flush(collection);
      }
      log("into '" + collection + "' (" + target + ")", report);
      return report;
    } finally {
      run.results.unpersist();
    }
  }

  /**
   * Embeds a source into Parquet files: one row per image with the fields of {@link IndexFields} ({@code id,
   * path, source, file_size, modified_ms, content_hash, vector}) and the metadata columns, for a Milvus bulk
   * import or {@link #loadParquet}. Nothing is skipped: there is no collection to compare with.
   *
   * @param mode what to do when {@code output} exists
   */
  public SparkIndexReport writeParquet(SparkImageSource source, String output, SaveMode mode) {
    long start = System.nanoTime();
    SparkSession spark = source.normalized().sparkSession();
    Run run = run(source, null);
    run.results.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      List<Column> cols = new ArrayList<>(List.of(col(IndexFields.ID), col(IndexFields.PATH),
          col(IndexFields.SOURCE), col(IndexFields.FILE_SIZE), col(IndexFields.MODIFIED),
          col(IndexFields.CONTENT_HASH), col(IndexFields.VECTOR)));
      if (source.withMetadata()) {
        cols.add(col("metadata.*"));
      }
      run.results.filter(col("status").equalTo(SparkIndexReport.INDEXED)).select(cols.toArray(Column[]::new))
          .write().mode(mode).parquet(output);
      SparkIndexReport report = report(spark, run, start);
      log("to Parquet " + output, report);
      return report;
    } finally {
      run.results.unpersist();
    }
  }

  /**
   * Loads rows written by {@link #writeParquet} (or of the same layout) into the collection, creating or checking
   * it as {@link #index} does; the upserts are batched per partition and idempotent. Returns the rows loaded.
   */
  public long loadParquet(SparkSession spark, String parquet) {
    if (target == null) {
      throw new InvalidInputException("No store: call store(...) on the builder.");
    }
    openCollection();
    Dataset<org.apache.spark.sql.Row> rows = spark.read().parquet(parquet);
    String[] names = rows.schema().fieldNames();
    StoreTarget t = target;
    String c = collection;
    int batch = upsertBatchSize;
    JavaRDD<Long> counts = rows.toJavaRDD().mapPartitions((Iterator<org.apache.spark.sql.Row> it) -> {
      long n = 0;
      try (VectorStore store = t.open()) {
        List<Row> pending = new ArrayList<>(batch);
        while (it.hasNext()) {
          pending.add(storeRow(it.next(), names));
          if (pending.size() >= batch) {
            store.upsert(c, pending);
            n += pending.size();
            pending.clear();
          }
        }
        if (!pending.isEmpty()) {
          store.upsert(c, pending);
          n += pending.size();
        }
      }
      return List.of(n).iterator();
    });
    long loaded = counts.collect().stream().mapToLong(Long::longValue).sum();
    try (VectorStore store = target.open()) {
      store.flush(collection);
    }
    LOG.info("Loaded {} rows from {} into '{}'", loaded, parquet, collection);
    return loaded;
  }

  private static Row storeRow(org.apache.spark.sql.Row r, String[] names) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      if (!IndexFields.RESERVED.contains(names[i]) && !r.isNullAt(i)) {
        metadata.put(names[i], SparkValues.value(r.get(i)));
      }
    }
    List<Float> v = r.getList(r.fieldIndex(IndexFields.VECTOR));
    float[] vector = new float[v.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = v.get(i);
    }
    return ImageRows.row(r.getAs(IndexFields.ID), r.getAs(IndexFields.PATH), r.getAs(IndexFields.SOURCE),
        r.<Long>getAs(IndexFields.FILE_SIZE), r.<Long>getAs(IndexFields.MODIFIED), r.getAs(IndexFields.CONTENT_HASH),
        vector, metadata);
  }

  // ------------------------------------------------------------------ the job

  private record Run(Dataset<org.apache.spark.sql.Row> results, LongAccumulator embedded) {}

  /** Creates or checks the collection and its manifest exactly as ImageIndex does: by opening one. */
  private void openCollection() {
    PixelEmbedder e = ExecutorEmbedders.get(embedder);
    try (VectorStore store = target.open();
        ImageIndex index = ImageIndex.builder().embedder(e).store(store).collection(collection)
            .idStrategy(idStrategy).schema(IndexSchema.standard()).vectorIndex(vectorIndex).build()) {
      LOG.info("Collection '{}' ({}) holds {} images of model '{}'", collection, target, index.count(),
          index.manifest().modelId());
    }
  }

  private Run run(SparkImageSource source, StoreTarget t) {
    SparkSession spark = source.normalized().sparkSession();
    LongAccumulator embedded = spark.sparkContext().longAccumulator("imgsearch images embedded");
    JobConfig cfg = new JobConfig(embedder, t, collection, idStrategy, source.kind(), source.base(), source.key(),
        batchSize, upsertBatchSize, lookupBatchSize, maxPixels,
        FileLocation.copy(spark.sparkContext().hadoopConfiguration()), hook);
    DataType metaType = source.withMetadata() ? source.normalized().schema().apply("__meta").dataType() : null;
    JavaRDD<org.apache.spark.sql.Row> rdd = source.normalized().toJavaRDD()
        .mapPartitions(new PartitionIndexer(cfg, embedded, source.withMetadata()));
    spark.sparkContext().setJobDescription("imgsearch: index images of " + source.key() + " into " + collection);
    return new Run(spark.createDataFrame(rdd, resultSchema(metaType)), embedded);
  }

  private SparkIndexReport report(SparkSession spark, Run run, long start) {
    Map<String, Long> byStatus = new HashMap<>();
    List<org.apache.spark.sql.Row> summaryRows = run.results.groupBy("status", "cause").count()
        .orderBy("status", "cause").collectAsList();
    List<org.apache.spark.sql.Row> local = new ArrayList<>();
    for (org.apache.spark.sql.Row r : summaryRows) {
      byStatus.merge(r.getString(0), r.getLong(2), Long::sum);
      local.add(RowFactory.create(r.getString(0), r.isNullAt(1) ? null : r.getString(1), r.getLong(2)));
    }
    List<IndexFailure> failures = new ArrayList<>();
    if (byStatus.getOrDefault(SparkIndexReport.FAILED, 0L) > 0 && maxReportedFailures > 0) {
      for (org.apache.spark.sql.Row r : run.results.filter(col("status").equalTo(SparkIndexReport.FAILED))
          .select("item", "cause", "message").limit(maxReportedFailures).collectAsList()) {
        failures.add(new IndexFailure(r.getString(0), IndexFailure.Cause.valueOf(r.getString(1)), r.getString(2)));
      }
    }
    StructType summarySchema = new StructType(new StructField[] {
        DataTypes.createStructField("status", DataTypes.StringType, false),
        DataTypes.createStructField("cause", DataTypes.StringType, true),
        DataTypes.createStructField("count", DataTypes.LongType, false)});
    Dataset<org.apache.spark.sql.Row> summary = spark.createDataFrame(local, summarySchema);
    return new SparkIndexReport(byStatus.getOrDefault(SparkIndexReport.INDEXED, 0L),
        byStatus.getOrDefault(SparkIndexReport.UNCHANGED, 0L), byStatus.getOrDefault(SparkIndexReport.MOVED, 0L),
        byStatus.getOrDefault(SparkIndexReport.FAILED, 0L), failures, run.embedded.value(),
        Duration.ofNanos(System.nanoTime() - start), summary);
  }

  private static void log(String where, SparkIndexReport report) {
    LOG.info("Spark indexing {}: {}", where, report);
    int n = 0;
    for (IndexFailure f : report.failures()) {
      if (n++ == LOGGED_FAILURES) {
        LOG.warn("... and {} more failures (SparkIndexReport.failures())", report.failed() - LOGGED_FAILURES);
        break;
      }
      LOG.warn("Not indexed: {}", f);
    }
  }

  /** Builds a {@link SparkImageIndexer}; not thread-safe. */
  public static final class Builder {
    private EmbedderSpec embedder;
    private StoreTarget target;
    private String collection;
    private IdStrategy idStrategy = IdStrategy.PATH;
    private IndexSpec vectorIndex = IndexSpec.autoIndex();
    private int batchSize = 32;
    private int upsertBatchSize = 256;
    private int lookupBatchSize = 256;
    private long maxPixels = ImageDecoder.DEFAULT_MAX_PIXELS;
    private int maxReportedFailures = 1000;
    private PartitionHook hook = PartitionHook.NONE;

    private Builder() {}

    /** The model, loaded once per executor JVM. */
    public Builder embedder(EmbedderSpec embedder) {
      this.embedder = Objects.requireNonNull(embedder, "embedder");
      return this;
    }

    /** Where the rows go, e.g. {@link MilvusTarget}; needed by {@link #index} and {@link #loadParquet}. */
    public Builder store(StoreTarget target) {
      this.target = Objects.requireNonNull(target, "target");
      return this;
    }

    /** The collection; created when missing, as {@link ImageIndex} creates it. */
    public Builder collection(String collection) {
      this.collection = Objects.requireNonNull(collection, "collection");
      return this;
    }

    /** How ids are derived (default {@link IdStrategy#PATH}); recorded in the manifest. */
    public Builder idStrategy(IdStrategy idStrategy) {
      this.idStrategy = Objects.requireNonNull(idStrategy, "idStrategy");
      if (idStrategy == IdStrategy.AUTO) {
        throw new InvalidInputException("The Spark indexer writes ImageIndex's standard rows, whose ids it derives "
            + "itself; IdStrategy.AUTO (server-generated ids) is for ImageIndex. Use IdStrategy.PATH or CONTENT.");
      }
      return this;
    }

    /** The vector index of a new collection (default: the store's choice). */
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

    /** Input rows whose stored rows are looked up in one call (default 256). */
    public Builder lookupBatchSize(int lookupBatchSize) {
      this.lookupBatchSize = lookupBatchSize;
      return this;
    }

    /** The decoder's pixel limit (default {@link ImageDecoder#DEFAULT_MAX_PIXELS}, as {@link ImageIndex}). */
    public Builder maxPixels(long maxPixels) {
      ImageDecoder.withMaxPixels(maxPixels);
      this.maxPixels = maxPixels;
      return this;
    }

    /** How many failures the report lists (default 1000); all are counted. */
    public Builder maxReportedFailures(int maxReportedFailures) {
      this.maxReportedFailures = Math.max(0, maxReportedFailures);
      return this;
    }

    /** Called after each upsert on the executors (progress, fault-injection tests); default none. */
    public Builder partitionHook(PartitionHook hook) {
      this.hook = Objects.requireNonNull(hook, "hook");
      return this;
    }

    public SparkImageIndexer build() {
      return new SparkImageIndexer(this);
    }
  }
}
