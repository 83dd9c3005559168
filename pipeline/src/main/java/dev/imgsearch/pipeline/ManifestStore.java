package dev.imgsearch.pipeline;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.VectorStore;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an index manifest with its collection, as the collection property {@value #PROPERTY} (JSON; see
 * {@link VectorStore#collectionProperties}): in Milvus's collection properties, Lucene's commit data, the in-memory
 * store's file. It goes when the collection is dropped.
 *
 * <p>Versions before 0.2 kept manifests in a sidecar collection, {@value #SIDECAR}, one row per indexed collection.
 * Reading a collection's manifest moves it from there into the collection's properties, deletes its row, and drops
 * the sidecar once it is empty.
 */
final class ManifestStore {
  private static final Logger LOG = LoggerFactory.getLogger(ImageIndex.class);
  /** The collection property that holds the manifest. */
  static final String PROPERTY = "imgsearch.manifest";
  /** The sidecar collection of earlier versions. */
  static final String SIDECAR = "imgsearch_manifests";
  private static final String SIDECAR_KEY = "collection";
  private static final String SIDECAR_MANIFEST = "manifest";
  private static final int FORMAT_VERSION = 2;
  private static final Gson GSON = new Gson();

  private final VectorStore store;

  ManifestStore(VectorStore store) {
    this.store = store;
  }

  /** The manifest of an existing collection, moved from the sidecar first if it is still there. */
  Optional<IndexManifest> read(String collection) {
    String json = store.collectionProperties(collection).get(PROPERTY);
    if (json != null) {
      return Optional.of(parse(collection, json, "its collection property '" + PROPERTY + "'"));
    }
    return migrate(collection);
  }

  private Optional<IndexManifest> migrate(String collection) {
    if (!store.hasCollection(SIDECAR)) {
      return Optional.empty();
    }
    List<Row> rows = store.get(SIDECAR, List.of(collection), List.of(SIDECAR_MANIFEST));
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    String json = String.valueOf(rows.get(0).get(SIDECAR_MANIFEST));
    IndexManifest m = parse(collection, json, "the sidecar collection '" + SIDECAR + "'");
    store.setCollectionProperties(collection, Map.of(PROPERTY, json));
    deleteFromSidecar(collection);
    LOG.info("Moved the index manifest of collection '{}' from the sidecar collection '{}' into the collection's "
        + "properties", collection, SIDECAR);
    return Optional.of(m);
  }

  void write(IndexManifest m) {
    JsonObject o = new JsonObject();
    o.addProperty("formatVersion", FORMAT_VERSION);
    o.addProperty("collection", m.collection());
    o.addProperty("modelId", m.modelId());
    o.addProperty("fingerprint", m.fingerprint());
    o.addProperty("origin", m.origin());
    o.addProperty("dimension", m.dimension());
    o.addProperty("metric", m.metric().name());
    o.addProperty("recipeId", m.recipeId());
    o.addProperty("idStrategy", m.idStrategy().name());
    JsonObject schema = new JsonObject();
    schema.addProperty("idField", m.schema().idField());
    schema.addProperty("pathField", m.schema().pathField());
    schema.addProperty("pathMaxLength", m.schema().pathMaxLength());
    schema.addProperty("vectorField", m.schema().vectorField());
    schema.addProperty("bookkeeping", m.schema().bookkeeping());
    schema.addProperty("dynamicFields", m.schema().dynamicFields());
    o.add("schema", schema);
    o.addProperty("adopted", m.adopted());
    o.addProperty("sdkVersion", m.sdkVersion());
    o.addProperty("createdAt", m.createdAt().toString());
    store.setCollectionProperties(m.collection(), Map.of(PROPERTY, GSON.toJson(o)));
  }

  /**
   * Removes what is left of a collection's manifest outside the collection (its sidecar row, and the sidecar
   * when it is empty); the property goes with the collection.
   */
  void deleteOutside(String collection) {
    if (store.hasCollection(SIDECAR)) {
      deleteFromSidecar(collection);
    }
  }

  private void deleteFromSidecar(String collection) {
    store.delete(SIDECAR, List.of(collection));
    store.flush(SIDECAR);
    if (store.count(SIDECAR) == 0) {
      store.dropCollection(SIDECAR);
      LOG.info("Dropped the empty sidecar collection '{}' of earlier versions (manifests now live with their "
          + "collections)", SIDECAR);
    }
  }

  private static IndexManifest parse(String collection, String json, String where) {
    try {
      JsonObject o = GSON.fromJson(json, JsonObject.class);
      IndexSchema schema = IndexSchema.standard();
      if (o.has("schema")) {
        JsonObject s = o.getAsJsonObject("schema");
        schema = new IndexSchema(s.get("idField").getAsString(), s.get("pathField").getAsString(),
            s.get("pathMaxLength").getAsInt(), s.get("vectorField").getAsString(), s.get("bookkeeping").getAsBoolean(),
            s.get("dynamicFields").getAsBoolean());
      }
      return new IndexManifest(collection, o.get("modelId").getAsString(), stringOrNull(o, "fingerprint"),
          stringOrNull(o, "origin"), o.get("dimension").getAsInt(), MetricType.valueOf(o.get("metric").getAsString()),
          o.get("recipeId").getAsString(), IdStrategy.valueOf(o.get("idStrategy").getAsString()), schema,
          o.has("adopted") && o.get("adopted").getAsBoolean(), o.get("sdkVersion").getAsString(),
          Instant.parse(o.get("createdAt").getAsString()));
    } catch (JsonParseException | IllegalArgumentException | NullPointerException | UnsupportedOperationException
        | IllegalStateException | ClassCastException | DateTimeParseException e) {
      throw new SchemaException("The index manifest of collection '" + collection + "' in " + where
          + " cannot be read (" + e.getMessage() + "). Drop and re-index the collection with ImageIndex.drop(), "
          + "or remove the manifest (store.setCollectionProperties(\"" + collection + "\", {\"" + PROPERTY
          + "\": null})) and open it with adopt() to keep the collection as it is.", e);
    }
  }

  private static String stringOrNull(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull() ? null : e.getAsString();
  }
}
