package dev.imgsearch.pipeline;

import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.embed.ModelIdentity;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.image.PixelEmbedder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates, checks, adopts and drops the collection of an {@link ImageIndex} with its {@link IndexManifest}. */
final class IndexCollections {
  // Logged as ImageIndex: creating its collection is what users see of this class.
  private static final Logger LOG = LoggerFactory.getLogger(ImageIndex.class);

  /** The bookkeeping fields and their types. */
  private static final Map<String, FieldType> BOOKKEEPING = bookkeeping();

  private IndexCollections() {}

  /** The collection as opened: its manifest and its schema as the rows have it. */
  record Opened(IndexManifest manifest, IndexSchema schema) {}

  private static Map<String, FieldType> bookkeeping() {
    Map<String, FieldType> m = new LinkedHashMap<>();
    m.put(IndexFields.SOURCE, FieldType.VARCHAR);
    m.put(IndexFields.FILE_SIZE, FieldType.INT64);
    m.put(IndexFields.MODIFIED, FieldType.INT64);
    m.put(IndexFields.CONTENT_HASH, FieldType.VARCHAR);
    return m;
  }

  /** The schema ImageIndex gives a new collection. */
  static CollectionSpec spec(String collection, PixelEmbedder embedder, IndexSchema schema, IdStrategy ids,
      IndexSpec vectorIndex) {
    CollectionSpec.Builder b = CollectionSpec.builder(collection)
        .description("Images indexed by imgsearch with model " + embedder.modelId());
    if (ids == IdStrategy.AUTO) {
      b.primaryKey(FieldSpec.scalar(schema.idField(), FieldType.INT64)).autoId(true);
    } else {
      b.primaryKey(FieldSpec.varchar(schema.idField(), IndexFields.ID_MAX_LENGTH));
    }
    if (!schema.dynamicPath()) {
      b.field(FieldSpec.varchar(schema.pathField(), schema.pathMaxLength()));
      if (schema.bookkeeping()) {
        b.field(FieldSpec.varchar(IndexFields.SOURCE, IndexFields.PATH_MAX_LENGTH))
            .field(FieldSpec.scalar(IndexFields.FILE_SIZE, FieldType.INT64))
            .field(FieldSpec.scalar(IndexFields.MODIFIED, FieldType.INT64))
            .field(FieldSpec.varchar(IndexFields.CONTENT_HASH, 64));
      }
    }
    return b.field(FieldSpec.vector(schema.vectorField(), embedder.dimension(), embedder.metric(), vectorIndex))
        .dynamicFields(schema.dynamicFields())
        .build();
  }

  /**
   * Creates the collection with its manifest when missing; otherwise checks that its manifest matches these
   * settings (upgrading a manifest written before fingerprints), or adopts a collection without one.
   *
   * @throws SchemaException when the collection was built by another model, has another layout, or has rows but
   *     no manifest and is not adopted
   */
  static Opened open(IndexSettings settings, IndexSpec vectorIndex, boolean idsSet, boolean schemaSet,
      boolean adopt) {
    VectorStore store = settings.store();
    String collection = settings.collection();
    PixelEmbedder embedder = settings.embedder();
    ManifestStore manifests = new ManifestStore(store);
    if (!store.hasCollection(collection)) {
      IndexManifest wanted = IndexManifest.of(collection, embedder, settings.idStrategy(), settings.schema(), false);
      store.createCollection(spec(collection, embedder, settings.schema(), settings.idStrategy(), vectorIndex));
      manifests.write(wanted);
      manifests.deleteOutside(collection); // a sidecar row left by an earlier version for a dropped collection
      LOG.info("Created collection '{}' for model '{}' ({}-d, {}, fingerprint {} from {})", collection,
          embedder.modelId(), embedder.dimension(), embedder.metric(), embedder.identity().shortFingerprint(),
          embedder.identity().origin());
      return new Opened(wanted, settings.schema());
    }
    CollectionSpec spec = store.describeCollection(collection);
    Optional<IndexManifest> recorded = manifests.read(collection);
    if (recorded.isPresent()) {
      IndexManifest m = recorded.get();
      IdStrategy ids = idsSet ? settings.idStrategy() : m.idStrategy();
      IndexSchema schema = schemaSet ? settings.schema() : m.schema();
      IndexManifest wanted = IndexManifest.of(collection, embedder, ids, schema, m.adopted());
      m = checkModel(m, wanted, embedder, manifests, adopt);
      List<String> diffs = m.differencesFrom(wanted);
      if (!diffs.isEmpty()) {
        throw new SchemaException("Collection '" + collection + "' was indexed with " + String.join(", ", diffs)
            + ". Its vectors cannot be compared with this embedder's, or its rows not found: use the embedder, id "
            + "strategy and schema it was made with (leave idStrategy and schema unset to take the recorded ones), "
            + "choose another collection name, or drop it with ImageIndex.drop(store, \"" + collection + "\") and "
            + "index again.");
      }
      return new Opened(m, checkLayout(spec, schema, ids, embedder, true));
    }
    IdStrategy ids = idsSet ? settings.idStrategy()
        : spec.autoId() && spec.primaryKey().type() == FieldType.INT64 ? IdStrategy.AUTO : IdStrategy.PATH;
    IndexSchema schema = checkLayout(spec, settings.schema(), ids, embedder, false);
    long rows = store.count(collection);
    if (rows > 0 && !adopt) {
      throw new SchemaException("Collection '" + collection + "' has " + rows + " rows but no index manifest, so "
          + "the model its vectors came from is unknown (it was not made by ImageIndex, e.g. by pymilvus). If its "
          + "vectors were made by this model (" + describe(embedder) + "), open it with ImageIndex.builder()..."
          + "adopt() (and schema(...) naming its fields) to record that; otherwise choose another collection "
          + "name, or drop it with ImageIndex.drop(store, \"" + collection + "\") and index again.");
    }
    IndexManifest m = IndexManifest.of(collection, embedder, ids, schema, rows > 0);
    manifests.write(m);
    if (rows > 0) {
      LOG.info("Adopted collection '{}' ({} rows) for model '{}' (fingerprint {}); {}", collection, rows,
          embedder.modelId(), embedder.identity().shortFingerprint(), schema.bookkeeping()
              ? "re-runs are incremental" : "its rows have no bookkeeping fields: re-runs skip paths it holds, "
              + "sync is not available");
    }
    return new Opened(m, schema);
  }

  /**
   * Checks the recorded model against the embedder: equal fingerprints are the same model whatever their model
   * ids; a manifest without a content fingerprint is accepted once (same model id, or {@code adopt}) with a
   * warning and upgraded in place. Returns the manifest as it is now recorded.
   */
  private static IndexManifest checkModel(IndexManifest m, IndexManifest wanted, PixelEmbedder embedder,
      ManifestStore manifests, boolean adopt) {
    ModelIdentity now = embedder.identity();
    if (now.fingerprint().equals(m.fingerprint())) {
      return m;
    }
    boolean recordedFromContent = m.fingerprint() != null && m.fingerprint().startsWith(ModelIdentity.CONTENT);
    if (!recordedFromContent && (m.modelId().equals(embedder.modelId()) || adopt)) {
      IndexManifest upgraded = m.withModel(embedder);
      if (m.differencesFrom(wanted).isEmpty()) {
        manifests.write(upgraded);
      }
      LOG.warn("Collection '{}' has an index manifest without a content fingerprint ({}, written by imgsearch {}); "
          + "accepting it for {} and recording that fingerprint. If the collection was indexed with other weights, "
          + "drop it with ImageIndex.drop(store, \"{}\") and index again.", m.collection(), m.describeModel(),
          m.sdkVersion(), describe(embedder), m.collection());
      return upgraded;
    }
    throw new SchemaException("Collection '" + m.collection() + "' was built by another model: "
        + m.describeModel() + ", not " + describe(embedder) + ". Vectors of two models cannot be compared, so "
        + "nothing was written. Open it with the model it was built with (the same files from any folder or hub "
        + "cache will do), choose another collection name for this model, or drop it with ImageIndex.drop(store, \""
        + m.collection() + "\") and index again."
        + (recordedFromContent ? "" : " If both are the same weights under another name, open it once with "
            + "adopt() to record this model's fingerprint."));
  }

  private static String describe(PixelEmbedder embedder) {
    ModelIdentity id = embedder.identity();
    return "model '" + embedder.modelId() + "' (fingerprint " + id.shortFingerprint() + ", from " + id.origin()
        + ")";
  }

  /**
   * Checks that the collection has the schema's fields with the embedder's vectors; returns the schema as its
   * rows have it (bookkeeping off when the collection can hold none).
   *
   * @param hasManifest whether the collection has an index manifest: a vector mismatch then means another model
   */
  private static IndexSchema checkLayout(CollectionSpec spec, IndexSchema schema, IdStrategy ids,
      PixelEmbedder embedder, boolean hasManifest) {
    List<String> problems = new ArrayList<>();
    FieldSpec pk = spec.primaryKey();
    boolean auto = ids == IdStrategy.AUTO;
    if (!pk.name().equals(schema.idField())) {
      problems.add("its primary key is '" + pk.name() + "', not '" + schema.idField() + "' (name it with "
          + "schema(IndexSchema.builder().idField(\"" + pk.name() + "\")...))");
    } else if (auto && (pk.type() != FieldType.INT64 || !spec.autoId())) {
      problems.add("its primary key is " + pk + (spec.autoId() ? " with auto id" : " without auto id")
          + ", but IdStrategy.AUTO needs INT64 with auto id");
    } else if (!auto && (pk.type() != FieldType.VARCHAR || spec.autoId())) {
      problems.add("its primary key is " + pk + (spec.autoId() ? " with auto id" : "") + ", but IdStrategy." + ids
          + " needs VARCHAR" + (spec.autoId() ? " (use IdStrategy.AUTO for server-generated ids)" : ""));
    }
    int pathLength;
    Optional<FieldSpec> path = spec.field(schema.pathField());
    if (path.isPresent()) {
      if (path.get().type() != FieldType.VARCHAR) {
        problems.add("field '" + schema.pathField() + "' is " + path.get() + " (the path needs VARCHAR)");
      }
      pathLength = path.get().type() == FieldType.VARCHAR ? path.get().maxLength() : 0;
    } else if (spec.dynamicFields()) {
      pathLength = 0; // a dynamic field, as in pymilvus's quick setup
    } else {
      problems.add("field '" + schema.pathField() + "' is missing and dynamic fields are off (name the path field "
          + "with schema(...))");
      pathLength = 0;
    }
    boolean declared = true;
    for (Map.Entry<String, FieldType> e : BOOKKEEPING.entrySet()) {
      Optional<FieldSpec> f = spec.field(e.getKey());
      if (f.isEmpty()) {
        declared = false;
      } else if (f.get().type() != e.getValue()) {
        problems.add("field '" + e.getKey() + "' is " + f.get() + " (needs " + e.getValue() + ")");
      }
    }
    boolean bookkeeping = schema.bookkeeping() && (declared || spec.dynamicFields());
    Optional<FieldSpec> v = spec.field(schema.vectorField());
    if (v.isEmpty() || !v.get().isVector()) {
      problems.add("it has no vector field '" + schema.vectorField() + "'"
          + (spec.vectorFields().isEmpty() ? "" : " (its vector fields: "
              + spec.vectorFields().stream().map(FieldSpec::name).toList() + "; name it with schema(...))"));
    } else if (v.get().dimension() != embedder.dimension() || v.get().metric() != embedder.metric()) {
      String mismatch = "its vectors are " + v.get().dimension() + "-d " + v.get().metric() + " but "
          + describe(embedder) + " makes " + embedder.dimension() + "-d " + embedder.metric();
      if (hasManifest || problems.isEmpty()) {
        throw new SchemaException("Collection '" + spec.name() + "' was built by another model: " + mismatch
            + ". Open it with the model it was built with, choose another collection name for this model, or "
            + "drop it with ImageIndex.drop(store, \"" + spec.name() + "\") and index again.");
      }
      problems.add(mismatch);
    }
    if (!problems.isEmpty()) {
      throw new SchemaException("Collection '" + spec.name() + "' exists but is not an image index: "
          + String.join("; ", problems) + ". Choose another collection name, drop it and let ImageIndex create it, "
          + "or describe its fields with ImageIndex.builder().schema(...).");
    }
    return new IndexSchema(schema.idField(), schema.pathField(), pathLength, schema.vectorField(), bookkeeping,
        spec.dynamicFields());
  }

  /** Drops the collection (and with it its manifest) and any sidecar row; false when there was no collection. */
  static boolean drop(VectorStore store, String collection) {
    new ManifestStore(store).deleteOutside(collection);
    return store.dropCollection(collection);
  }
}
