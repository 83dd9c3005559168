package dev.imgsearch.pipeline;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.VectorStore;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * Keeps index manifests in a sidecar collection of the same store, one row per indexed collection keyed by its
 * name. A sidecar works on every {@link VectorStore} (unlike collection descriptions or reserved rows, it is
 * never returned by a search of the images). Its vector field is a required placeholder.
 */
final class ManifestStore {
  /** The sidecar collection's name. */
  static final String COLLECTION = "imgsearch_manifests";
  private static final String KEY = "collection";
  private static final String MANIFEST = "manifest";
  private static final String PLACEHOLDER = "placeholder";
  private static final CollectionSpec SPEC = CollectionSpec.builder(COLLECTION)
      .description("Index manifests of imgsearch ImageIndex collections (model, dimension, preprocessing).")
      .primaryKey(FieldSpec.varchar(KEY, 255))
      .field(FieldSpec.varchar(MANIFEST, 8192))
      .field(FieldSpec.vector(PLACEHOLDER, 2, MetricType.L2))
      .build();
  private static final Gson GSON = new Gson();

  private final VectorStore store;

  ManifestStore(VectorStore store) {
    this.store = store;
  }

  Optional<IndexManifest> read(String collection) {
    if (!store.hasCollection(COLLECTION)) {
      return Optional.empty();
    }
    List<Row> rows = store.get(COLLECTION, List.of(collection), List.of(MANIFEST));
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(parse(collection, String.valueOf(rows.get(0).get(MANIFEST))));
  }

  void write(IndexManifest m) {
    store.createCollection(SPEC);
    JsonObject o = new JsonObject();
    o.addProperty("formatVersion", 1);
    o.addProperty("collection", m.collection());
    o.addProperty("modelId", m.modelId());
    o.addProperty("dimension", m.dimension());
    o.addProperty("metric", m.metric().name());
    o.addProperty("recipeId", m.recipeId());
    o.addProperty("idStrategy", m.idStrategy().name());
    o.addProperty("sdkVersion", m.sdkVersion());
    o.addProperty("createdAt", m.createdAt().toString());
    store.upsert(COLLECTION, List.of(Row.builder().put(KEY, m.collection()).put(MANIFEST, GSON.toJson(o))
        .put(PLACEHOLDER, new float[] {0f, 0f}).build()));
    store.flush(COLLECTION);
  }

  void delete(String collection) {
    if (store.hasCollection(COLLECTION)) {
      store.delete(COLLECTION, List.of(collection));
      store.flush(COLLECTION);
    }
  }

  private static IndexManifest parse(String collection, String json) {
    try {
      JsonObject o = GSON.fromJson(json, JsonObject.class);
      return new IndexManifest(collection, o.get("modelId").getAsString(), o.get("dimension").getAsInt(),
          MetricType.valueOf(o.get("metric").getAsString()), o.get("recipeId").getAsString(),
          IdStrategy.valueOf(o.get("idStrategy").getAsString()), o.get("sdkVersion").getAsString(),
          Instant.parse(o.get("createdAt").getAsString()));
    } catch (JsonParseException | IllegalArgumentException | NullPointerException | UnsupportedOperationException
        | IllegalStateException | DateTimeParseException e) {
      throw new SchemaException("The index manifest of collection '" + collection + "' in '" + COLLECTION
          + "' cannot be read (" + e.getMessage() + "). Drop and re-index the collection with ImageIndex.drop(), "
          + "or delete its row from '" + COLLECTION + "' to adopt the collection as it is.", e);
    }
  }
}
