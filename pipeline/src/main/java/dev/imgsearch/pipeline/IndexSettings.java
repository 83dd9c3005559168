package dev.imgsearch.pipeline;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.image.ImagePreprocessor;
import dev.imgsearch.image.PixelEmbedder;
import java.time.Duration;
import dev.imgsearch.core.store.Row;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything an {@link ImageIndex} and its runs work with, fixed when the index is built: a snapshot of the
 * {@link ImageIndex.Builder}, checked once. Changing the builder afterwards changes no built index.
 *
 * <p>The store, embedder and decoder are shared services that the caller owns. The {@link IndexExecutors} belong
 * to the index that built these settings: its {@link ImageIndex#close()} stops them; a run only submits work.
 *
 * @param maxInFlight the most images between the walk and the end of inference; at least {@code batchSize}
 * @param flushInterval how often a long run makes its writes durable
 * @param preprocessor how an image file becomes the model's pixels: the decoder and the embedder's recipe, with
 *     draft decoding when the builder asked for it
 */
record IndexSettings(VectorStore store, String collection, PixelEmbedder embedder, ImageDecoder decoder,
    IdStrategy idStrategy, IndexSchema schema, int batchSize, int upsertBatchSize, int maxInFlight,
    Duration flushInterval, IndexExecutors executors, ImagePreprocessor preprocessor) {

  /** Settings with the exact preprocessing (no draft decoding). */
  IndexSettings(VectorStore store, String collection, PixelEmbedder embedder, ImageDecoder decoder,
      IdStrategy idStrategy, IndexSchema schema, int batchSize, int upsertBatchSize, int maxInFlight,
      Duration flushInterval, IndexExecutors executors) {
    this(store, collection, embedder, decoder, idStrategy, schema, batchSize, upsertBatchSize, maxInFlight,
        flushInterval, executors, ImagePreprocessor.builder(embedder.recipe()).decoder(decoder).build());
  }

  IndexSettings {
    // store, collection and embedder are checked by of(...), with the builder's words.
    Objects.requireNonNull(decoder, "decoder");
    Objects.requireNonNull(idStrategy, "idStrategy");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(flushInterval, "flushInterval: pass a duration to flushInterval(...)");
    Objects.requireNonNull(executors, "executors");
    Objects.requireNonNull(preprocessor, "preprocessor");
    positive("batchSize", batchSize);
    positive("upsertBatchSize", upsertBatchSize);
    if (maxInFlight < batchSize) {
      throw new InvalidInputException("maxInFlight is " + maxInFlight + " but a batch holds " + batchSize
          + " images; use at least batchSize.");
    }
  }

  /**
   * The settings of a builder: required values present, sizes checked, the default {@code maxInFlight}
   * ({@code 2 * batchSize + 2 * parallelism}) worked out, and the index's executors made (not started).
   *
   * @throws InvalidInputException for a size below 1
   * @throws NullPointerException naming a required value that is missing
   */
  static IndexSettings of(ImageIndex.Builder b) {
    PixelEmbedder embedder = Objects.requireNonNull(b.embedder, "embedder: call embedder(...) on the builder");
    VectorStore store = Objects.requireNonNull(b.store, "store: call store(...) on the builder");
    String collection = Objects.requireNonNull(b.collection, "collection: call collection(...) on the builder");
    int batchSize = positive("batchSize", b.batchSize);
    int parallelism = positive("parallelism", b.parallelism);
    int maxInFlight = b.maxInFlight > 0 ? Math.max(b.maxInFlight, batchSize) : 2 * batchSize + 2 * parallelism;
    return new IndexSettings(store, collection, embedder, b.decoder, b.idStrategy, b.schema, batchSize,
        b.upsertBatchSize, maxInFlight, b.flushInterval, new IndexExecutors(collection, parallelism),
        ImagePreprocessor.builder(embedder.recipe()).decoder(b.decoder).draft(b.draftDecoding).build());
  }

  /** These settings with the id strategy and schema of the collection as it was opened. */
  IndexSettings opened(IdStrategy ids, IndexSchema openedSchema) {
    return new IndexSettings(store, collection, embedder, decoder, ids, openedSchema, batchSize, upsertBatchSize,
        maxInFlight, flushInterval, executors, preprocessor);
  }

  /** The primary key's name. */
  String idField() {
    return schema.idField();
  }

  /** The path field's name. */
  String pathField() {
    return schema.pathField();
  }

  /** The vector field's name. */
  String vectorField() {
    return schema.vectorField();
  }

  /** A stored row's primary key as the String ids of a run use it. */
  String idOf(Row row) {
    Object id = row.get(schema.idField());
    return id == null ? null : String.valueOf(id);
  }

  /** A run's String id as the store's key: a Long for {@link IdStrategy#AUTO}, else the String. */
  Object key(String id) {
    if (idStrategy != IdStrategy.AUTO) {
      return id;
    }
    try {
      return Long.valueOf(id);
    } catch (NumberFormatException e) {
      throw new InvalidInputException("Collection '" + collection + "' has server-generated INT64 ids, so '" + id
          + "' is no id of it; pass the number ImageHit.id() gave.");
    }
  }

  /** Keys of several ids. */
  List<Object> keys(java.util.Collection<String> ids) {
    List<Object> keys = new java.util.ArrayList<>(ids.size());
    for (String id : ids) {
      keys.add(key(id));
    }
    return keys;
  }

  /** The field names user metadata may not use: the schema's and {@link IndexFields#RESERVED}. */
  Set<String> reserved() {
    Set<String> r = new java.util.HashSet<>(IndexFields.RESERVED);
    r.add(schema.idField());
    r.add(schema.pathField());
    r.add(schema.vectorField());
    return r;
  }

  private static int positive(String name, int value) {
    if (value < 1) {
      throw new InvalidInputException(name + " is " + value + "; use 1 or more.");
    }
    return value;
  }
}
