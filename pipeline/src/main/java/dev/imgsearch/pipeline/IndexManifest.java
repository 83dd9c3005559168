package dev.imgsearch.pipeline;

import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.core.store.MetricType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an index's vectors were made with: the model, its dimension and metric, the preprocessing recipe, the id
 * strategy, and the SDK version that created the index. {@link ImageIndex} records it beside the collection when
 * it creates one, and refuses with a {@link dev.imgsearch.core.SchemaException} to index into or search a
 * collection whose manifest does not match its embedder, so vectors of different models are never mixed.
 *
 * @param collection the indexed collection
 * @param modelId {@link PixelEmbedder#modelId()}
 * @param dimension the vector dimension
 * @param metric the vector metric
 * @param recipeId {@link dev.imgsearch.image.ImageRecipe#id()} of the embedder's preprocessing
 * @param idStrategy how ids were derived from files
 * @param sdkVersion the version of the SDK that created the index (informative: not checked)
 * @param createdAt when the index was created (informative: not checked)
 */
public record IndexManifest(String collection, String modelId, int dimension, MetricType metric, String recipeId,
    IdStrategy idStrategy, String sdkVersion, Instant createdAt) {

  public IndexManifest {
    Objects.requireNonNull(collection, "collection");
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(recipeId, "recipeId");
    Objects.requireNonNull(idStrategy, "idStrategy");
    Objects.requireNonNull(sdkVersion, "sdkVersion");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** The manifest of a new index of {@code collection} made with {@code embedder}. */
  static IndexManifest of(String collection, PixelEmbedder embedder, IdStrategy idStrategy) {
    return new IndexManifest(collection, embedder.modelId(), embedder.dimension(), embedder.metric(),
        embedder.recipe().id(), idStrategy, SdkVersion.get(), Instant.now());
  }

  /**
   * What differs between this (recorded) manifest and {@code wanted} in the parts that make vectors comparable:
   * model, dimension, metric, recipe and id strategy. Empty when they match.
   */
  List<String> differencesFrom(IndexManifest wanted) {
    List<String> d = new ArrayList<>();
    if (!modelId.equals(wanted.modelId)) {
      d.add("model '" + modelId + "' (now '" + wanted.modelId + "')");
    }
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
    return d;
  }
}
