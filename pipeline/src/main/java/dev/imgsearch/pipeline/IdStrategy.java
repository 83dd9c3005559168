package dev.imgsearch.pipeline;

/**
 * How {@link ImageIndex} derives the primary key of an image file. With {@link #PATH} and {@link #CONTENT} the key
 * is deterministic (a VARCHAR); with {@link #AUTO} the store generates it (an INT64, Milvus's auto id) and a file's
 * row is found by its path. Either way indexing the same images twice leaves one row per image.
 */
public enum IdStrategy {
  /**
   * The file's path relative to the indexed directory (or to the source's base directory), with {@code /}
   * separators and Unicode NFC, e.g. {@code "cats/tabby.jpg"}. A changed file keeps its id and is re-embedded; a
   * moved file gets a new row. The default.
   */
  PATH,
  /**
   * The SHA-256 of the file's bytes, in lower-case hex. A moved or renamed file keeps its id and its vector (only
   * its path is updated); identical copies share one row; a changed file gets a new row and its old row goes.
   */
  CONTENT,
  /**
   * The store generates the key: an INT64 primary key with auto id, as the Python tutorials' collections have
   * ({@code create_collection(..., auto_id=True)}, {@code FieldSchema('id', INT64, is_primary=True, auto_id=True)}).
   * A file's row is found by its path field; a changed file gets a new row (a new id) and its old row goes. Ids
   * are the store's numbers, written as decimal strings in {@link ImageHit#id()}.
   */
  AUTO
}
