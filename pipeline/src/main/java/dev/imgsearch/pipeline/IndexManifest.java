package dev.imgsearch.pipeline;

import dev.imgsearch.core.embed.ModelIdentity;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.image.PixelEmbedder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an index's vectors were made with: the model (its content fingerprint, a readable origin and its id), the
 * dimension and metric, the preprocessing recipe, the id strategy, the collection's field names, and the SDK
 * version that created the index. {@link ImageIndex} records it with the collection (as the collection property
 * {@value ManifestStore#PROPERTY}, see {@link dev.imgsearch.core.store.VectorStore#collectionProperties}) and
 * refuses with a {@link dev.imgsearch.core.SchemaException} to index into or search a collection whose manifest
 * does not match its embedder, so vectors of different models are never mixed.
 *
 * <p>Models are compared by {@linkplain ModelIdentity#fingerprint() fingerprint}: the same weights from another
 * folder, hub repository or cache are the same model whatever their model id; other weights under the same name
 * are another model. Manifests written before fingerprints existed have none ({@code fingerprint} and
 * {@code origin} are null): {@link ImageIndex} accepts such a manifest once, with a warning, when the model id
 * matches, and records the embedder's fingerprint in it.
 *
 * @param collection the indexed collection
 * @param modelId {@link PixelEmbedder#modelId()} (informative once a fingerprint is recorded)
 * @param fingerprint {@link ModelIdentity#fingerprint()} of the model, or null in a manifest written before them
 * @param origin {@link ModelIdentity#origin()} of the model that created the index, or null with no fingerprint
 * @param dimension the vector dimension
 * @param metric the vector metric
 * @param recipeId {@link dev.imgsearch.image.ImageRecipe#id()} of the embedder's preprocessing
 * @param idStrategy how ids were derived from files
 * @param schema the collection's field names and shape
 * @param adopted whether the collection was made outside ImageIndex (e.g. by a Python tutorial) and adopted
 * @param sdkVersion the version of the SDK that created the index (informative: not checked)
 * @param createdAt when the index was created (informative: not checked)
 */
public record IndexManifest(String collection, String modelId, String fingerprint, String origin, int dimension,
    MetricType metric, String recipeId, IdStrategy idStrategy, IndexSchema schema, boolean adopted,
    String sdkVersion, Instant createdAt) {

  public IndexManifest {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(recipeId, "recipeId");
    Objects.requireNonNull(idStrategy, "idStrategy");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(sdkVersion, "sdkVersion");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** The manifest of a new (or adopted) index of {@code collection} made with {@code embedder}. */
  static IndexManifest of(String collection, PixelEmbedder embedder, IdStrategy idStrategy, IndexSchema schema,
      boolean adopted) {
    ModelIdentity id = embedder.identity();
    return new IndexManifest(collection, embedder.modelId(), id.fingerprint(), id.origin(), embedder.dimension(),
        embedder.metric(), embedder.recipe().id(), idStrategy, schema, adopted, SdkVersion.get(), Instant.now());
  }

  /** Whether this manifest was written before fingerprints (it has none). */
  public boolean legacy() {
    return fingerprint == null;
  }

  /** This manifest with another model's identity: for a manifest upgraded in place. */
  IndexManifest withModel(PixelEmbedder embedder) {
    ModelIdentity id = embedder.identity();
    return new IndexManifest(collection, embedder.modelId(), id.fingerprint(), id.origin(), dimension, metric,
        recipeId, idStrategy, schema, adopted, sdkVersion, createdAt);
  }

  /** A short description of the model for messages: its id, fingerprint and origin. */
  String describeModel() {
    if (fingerprint == null) {
      return "model '" + modelId + "' (recorded before fingerprints)";
    }
    ModelIdentity id = new ModelIdentity(fingerprint, origin == null ? modelId : origin);
    return "model '" + modelId + "' (fingerprint " + id.shortFingerprint() + ", from " + id.origin() + ")";
  }

  /**
   * What differs between this (recorded) manifest and {@code wanted} in the parts besides the model that make
   * vectors comparable or rows findable: dimension, metric, recipe, id strategy and field names. Empty when they
   * match.
   */
  List<String> differencesFrom(IndexManifest wanted) {
    List<String> d = new ArrayList<>();
    if (dimension != wanted.dimension) {
      d.add("dimension " + dimension + " (now " + wanted.dimension + ")");
    }
    if (metric != wanted.metric) {
      d.add("metric " + metric + " (now " + wanted.metric + ")");
    }
    if (!recipeId.equals(wanted.recipeId)) {
      d.add("preprocessing '" + recipeId + "' (now '" + wanted.recipeId + "')");
    }
    if (idStrategy != wanted.idStrategy) {
      d.add("id strategy " + idStrategy + " (now " + wanted.idStrategy + ")");
    }
    if (!schema.idField().equals(wanted.schema.idField()) || !schema.pathField().equals(wanted.schema.pathField())
        || !schema.vectorField().equals(wanted.schema.vectorField())) {
      d.add("fields id/path/vector '" + schema.idField() + "'/'" + schema.pathField() + "'/'" + schema.vectorField()
          + "' (now '" + wanted.schema.idField() + "'/'" + wanted.schema.pathField() + "'/'"
          + wanted.schema.vectorField() + "')");
    }
    return d;
  }
}
