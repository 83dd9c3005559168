package dev.imgsearch.pipeline;

import dev.imgsearch.core.InvalidImageException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.image.PixelEmbedder;
import java.nio.file.Path;
import java.util.Map;

/**
 * The row rules of {@link ImageIndex}, for engines that index outside it (such as imgsearch-spark) and must write
 * the very rows it writes: the normal forms of paths and ids, the content hash, the checks of ids and metadata,
 * the up-to-date tests, the row itself and the collection's schema, for the standard schema
 * ({@link IndexSchema#standard()}, {@link IdStrategy#PATH} or {@link IdStrategy#CONTENT} ids). Every method delegates to the code
 * {@link ImageIndex} runs, so the two cannot drift apart.
 *
 * <p>To create or check a collection (schema and {@linkplain IndexManifest manifest}), build an
 * {@link ImageIndex} on it: that is what a run of {@link ImageIndex} does first.
 */
public final class ImageRows {
  private ImageRows() {}

  /** The stored path ({@link IndexFields#PATH}) and the id of a file outside any base: absolute, {@code /}, NFC. */
  public static String absolutePath(Path file) {
    return FileIds.absolute(file);
  }

  /**
   * The {@link IdStrategy#PATH} id of a file under a base directory (as a {@link DirectorySource} rooted there, or
   * a {@link PathListSource} with that base, derive it): relative, {@code /} separators, NFC.
   */
  public static String relativeId(Path base, Path file) {
    return FileIds.relative(base.toAbsolutePath().normalize(), file.toAbsolutePath().normalize());
  }

  /** The {@link IndexFields#CONTENT_HASH} of some bytes, also the {@link IdStrategy#CONTENT} id: SHA-256 hex. */
  public static String sha256(byte[] bytes) {
    return IndexRun.sha256(bytes);
  }

  /** Checks user metadata as {@link ImageIndex} does: null when storable, else what is wrong and what to do. */
  public static String checkMetadata(Map<String, Object> metadata) {
    return RowValues.checkMetadata(metadata, IndexFields.RESERVED);
  }

  /** Checks an id and a path against the schema's lengths: null when they fit, else what to do. */
  public static String checkLengths(String id, String path) {
    return RowValues.checkLengths(id, path, IndexSchema.standard());
  }

  /** Equality of stored values as {@link ImageIndex} compares them (numbers by value, maps and lists deeply). */
  public static boolean same(Object a, Object b) {
    return RowValues.same(a, b);
  }

  /** Whether a stored row describes a file of this size and modification time (same bytes, not re-read). */
  public static boolean sameFile(Row stored, long size, long modifiedMillis) {
    return RowValues.same(stored.get(IndexFields.FILE_SIZE), size)
        && RowValues.same(stored.get(IndexFields.MODIFIED), modifiedMillis);
  }

  /** Whether a stored row has this path, source and user metadata. */
  public static boolean sameAttributes(Row stored, String path, String source, Map<String, Object> metadata) {
    Candidate c = new Candidate(path, null, null, path, source, 0, 0, metadata, null);
    return RowValues.sameAttributes(stored, c, IndexFields.PATH, IndexFields.RESERVED);
  }

  /** The user metadata of a stored row: every field that {@link IndexFields} does not reserve. */
  public static Map<String, Object> metadataOf(Row stored) {
    return RowValues.metadataOf(stored, IndexFields.RESERVED);
  }

  /** The decoder's message for a report: without the input's name, which the report names itself. */
  public static String failureMessage(InvalidImageException e) {
    return IndexRun.messageOf(e);
  }

  /** The schema {@link ImageIndex} gives a new collection for this embedder. */
  public static CollectionSpec spec(String collection, PixelEmbedder embedder, IndexSpec vectorIndex) {
    return ImageIndex.spec(collection, embedder, vectorIndex);
  }

  /**
   * The row {@link ImageIndex} writes for one image.
   *
   * @param id the primary key ({@link IdStrategy})
   * @param path {@link IndexFields#PATH}: the absolute normalised path, {@code ""} for bytes
   * @param source {@link IndexFields#SOURCE}: the source's key
   * @param size {@link IndexFields#FILE_SIZE}
   * @param modifiedMillis {@link IndexFields#MODIFIED} (0 for bytes)
   * @param contentHash {@link IndexFields#CONTENT_HASH}
   * @param vector the embedding
   * @param metadata user metadata, stored as dynamic fields
   */
  public static Row row(String id, String path, String source, long size, long modifiedMillis, String contentHash,
      float[] vector, Map<String, Object> metadata) {
    return row(IndexSchema.standard(), id, path, source, size, modifiedMillis, contentHash, vector, metadata);
  }

  /**
   * The row for one image in {@code schema}'s field names: no id when it is null (server-generated ids), the
   * bookkeeping fields only when the schema keeps them. What the indexing run writes.
   */
  static Row row(IndexSchema schema, String id, String path, String source, long size, long modifiedMillis,
      String contentHash, float[] vector, Map<String, Object> metadata) {
    Row.Builder b = Row.builder();
    if (id != null) {
      b.put(schema.idField(), id);
    }
    b.put(schema.pathField(), path);
    if (schema.bookkeeping()) {
      b.put(IndexFields.SOURCE, source).put(IndexFields.FILE_SIZE, size).put(IndexFields.MODIFIED, modifiedMillis)
          .put(IndexFields.CONTENT_HASH, contentHash);
    }
    b.put(schema.vectorField(), vector);
    metadata.forEach(b::put);
    return b.build();
  }
}
