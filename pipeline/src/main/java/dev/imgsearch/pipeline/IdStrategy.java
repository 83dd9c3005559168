package dev.imgsearch.pipeline;

/**
 * How {@link ImageIndex} derives the primary key of an image file. Either way the key is deterministic, so
 * indexing the same images twice leaves one row per image.
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
  CONTENT
}
