package dev.imgsearch.pipeline;

import dev.imgsearch.core.SchemaException;
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

/** Creates, checks and drops the collection of an {@link ImageIndex} with its {@link IndexManifest}. Stateless. */
final class IndexCollections {
  // Logged as ImageIndex: creating its collection is what users see of this class.
  private static final Logger LOG = LoggerFactory.getLogger(ImageIndex.class);

  private IndexCollections() {}

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

  /**
   * Creates the collection with its manifest when missing; otherwise checks its layout and that its manifest
   * matches these settings (or records one in an empty collection that has none).
   *
   * @return the manifest recorded with the collection
   * @throws SchemaException when the collection has another layout or another model's vectors
   */
  static IndexManifest open(IndexSettings settings, IndexSpec vectorIndex) {
    VectorStore store = settings.store();
    String collection = settings.collection();
    PixelEmbedder embedder = settings.embedder();
    IndexManifest wanted = IndexManifest.of(collection, embedder, settings.idStrategy());
    ManifestStore manifests = new ManifestStore(store);
    if (!store.hasCollection(collection)) {
      manifests.write(wanted);
      store.createCollection(spec(collection, embedder, vectorIndex));
      LOG.info("Created collection '{}' for model '{}' ({}-d, {})", collection, embedder.modelId(),
          embedder.dimension(), embedder.metric());
      return wanted;
    }
    checkLayout(store.describeCollection(collection), embedder);
    Optional<IndexManifest> recorded = manifests.read(collection);
    if (recorded.isPresent()) {
      List<String> diffs = recorded.get().differencesFrom(wanted);
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
    manifests.write(wanted);
    return wanted;
  }

  private static void checkLayout(CollectionSpec spec, PixelEmbedder embedder) {
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
      throw new SchemaException("Collection '" + spec.name() + "' exists but is not an image index: "
          + String.join("; ", problems) + ". Choose another collection name, or drop it and let ImageIndex "
          + "create it.");
    }
  }

  /** Drops the collection and its manifest; false when there was no collection. */
  static boolean drop(VectorStore store, String collection) {
    new ManifestStore(store).delete(collection);
    return store.dropCollection(collection);
  }
}
