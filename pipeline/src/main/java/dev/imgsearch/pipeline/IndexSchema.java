package dev.imgsearch.pipeline;

import dev.imgsearch.core.InvalidInputException;
import java.util.Objects;

/**
 * The field names and shape of an {@link ImageIndex}'s collection: the primary key, the path field, the vector
 * field, and whether rows carry the bookkeeping fields ({@link IndexFields#SOURCE}, {@link IndexFields#FILE_SIZE},
 * {@link IndexFields#MODIFIED}, {@link IndexFields#CONTENT_HASH}) that make re-runs incremental by content. The kind
 * of primary key follows the {@link IdStrategy}: VARCHAR for {@code PATH} and {@code CONTENT}, INT64 with auto id for
 * {@code AUTO}.
 *
 * <pre>{@code
 * IndexSchema.standard()                                  // id, path, source, file_size, modified_ms, content_hash, vector
 * IndexSchema.milvusQuickSetup("filepath")                // the "Text to Image Search with Milvus" tutorial's shape
 * IndexSchema.builder().pathField("filepath", 200).vectorField("image_embedding").bookkeeping(false)
 *     .dynamicFields(false).build()                       // the "Image Search with Milvus" tutorial's shape
 * }</pre>
 *
 * <p><b>Declared or dynamic.</b> A path field with a maximum length is a declared VARCHAR field; a path field of
 * length 0 is a dynamic field (the collection needs dynamic fields). Bookkeeping fields are declared when the path
 * is, and dynamic fields when the path is dynamic.
 *
 * <p><b>Without bookkeeping</b> (and in a collection that ImageIndex did not make, whose rows have none): a re-run
 * skips every file whose path has a row, so a file changed in place is not embedded again (delete its row, or index
 * into a new collection); {@linkplain IndexSource#sync() sync} is refused, since rows do not record their source;
 * a query image is left out of its results by path or by an identical vector only. Search by text and by image
 * works the same.
 *
 * @param idField the primary key's name
 * @param pathField the path field's name
 * @param pathMaxLength the path field's maximum length in bytes, or 0 for a dynamic field
 * @param vectorField the vector field's name
 * @param bookkeeping whether rows carry source, size, modification time and content hash
 * @param dynamicFields whether a new collection has dynamic fields (user metadata needs them)
 */
public record IndexSchema(String idField, String pathField, int pathMaxLength, String vectorField,
    boolean bookkeeping, boolean dynamicFields) {

  public IndexSchema {
    Objects.requireNonNull(idField, "idField");
    Objects.requireNonNull(pathField, "pathField");
    Objects.requireNonNull(vectorField, "vectorField");
    if (pathMaxLength < 0) {
      throw new InvalidInputException("pathMaxLength is " + pathMaxLength + "; use a length in bytes, or 0 for a "
          + "dynamic path field.");
    }
    if (pathMaxLength == 0 && !dynamicFields) {
      throw new InvalidInputException("The path field '" + pathField + "' is dynamic (length 0) but dynamic fields "
          + "are off; give it a maximum length or turn dynamic fields on.");
    }
    if (idField.equals(pathField) || idField.equals(vectorField) || pathField.equals(vectorField)) {
      throw new InvalidInputException("The id, path and vector fields need three names; got '" + idField + "', '"
          + pathField + "', '" + vectorField + "'.");
    }
  }

  /** The default: VARCHAR id, a declared path, the bookkeeping fields, {@code vector}, dynamic fields. */
  public static IndexSchema standard() {
    return new IndexSchema(IndexFields.ID, IndexFields.PATH, IndexFields.PATH_MAX_LENGTH, IndexFields.VECTOR, true,
        true);
  }

  /**
   * The shape of pymilvus's quick setup, {@code create_collection(name, dimension=..., auto_id=True,
   * enable_dynamic_field=True)}: INT64 {@code id} with auto id (use {@link IdStrategy#AUTO}), {@code vector}, and
   * the path and the bookkeeping as dynamic fields.
   */
  public static IndexSchema milvusQuickSetup(String pathField) {
    return new IndexSchema("id", pathField, 0, "vector", true, true);
  }

  /** A builder starting from {@link #standard()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the path (and the bookkeeping) are dynamic fields. */
  public boolean dynamicPath() {
    return pathMaxLength == 0;
  }

  /** Builds an {@link IndexSchema}; not thread-safe. */
  public static final class Builder {
    private String idField = IndexFields.ID;
    private String pathField = IndexFields.PATH;
    private int pathMaxLength = IndexFields.PATH_MAX_LENGTH;
    private String vectorField = IndexFields.VECTOR;
    private boolean bookkeeping = true;
    private boolean dynamicFields = true;

    private Builder() {}

    /** The primary key's name (default {@code id}). */
    public Builder idField(String name) {
      this.idField = name;
      return this;
    }

    /** The path field's name (default {@code path}), keeping its length. */
    public Builder pathField(String name) {
      this.pathField = name;
      return this;
    }

    /** The path field's name and maximum length in bytes (0: a dynamic field). */
    public Builder pathField(String name, int maxLength) {
      this.pathField = name;
      this.pathMaxLength = maxLength;
      return this;
    }

    /** The vector field's name (default {@code vector}). */
    public Builder vectorField(String name) {
      this.vectorField = name;
      return this;
    }

    /** Whether rows carry source, size, modification time and content hash (default true). */
    public Builder bookkeeping(boolean bookkeeping) {
      this.bookkeeping = bookkeeping;
      return this;
    }

    /** Whether a new collection has dynamic fields (default true; user metadata needs them). */
    public Builder dynamicFields(boolean dynamicFields) {
      this.dynamicFields = dynamicFields;
      return this;
    }

    public IndexSchema build() {
      return new IndexSchema(idField, pathField, pathMaxLength, vectorField, bookkeeping, dynamicFields);
    }
  }
}
