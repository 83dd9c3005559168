package dev.imgsearch.pipeline;

import java.util.Set;

/**
 * The fields of a collection made by {@link ImageIndex}. Use these names in filters and output fields; user
 * metadata is stored as dynamic fields beside them, under its own names (which must not be one of these).
 */
public final class IndexFields {
  /** Primary key, VARCHAR: see {@link IdStrategy}. */
  public static final String ID = "id";
  /** VARCHAR: the absolute, normalised path of the file ({@code ""} for records given as bytes). */
  public static final String PATH = "path";
  /**
   * VARCHAR: what indexed the row: the indexed directory's absolute path, a path list's base directory, or the
   * name of a record source. A sync removes rows of one source only.
   */
  public static final String SOURCE = "source";
  /** INT64: size of the file (or record) in bytes. */
  public static final String FILE_SIZE = "file_size";
  /** INT64: the file's last-modified time in milliseconds since the epoch (0 for records). */
  public static final String MODIFIED = "modified_ms";
  /** VARCHAR: SHA-256 of the file's bytes, lower-case hex. */
  public static final String CONTENT_HASH = "content_hash";
  /** FLOAT_VECTOR: the image embedding. */
  public static final String VECTOR = "vector";

  /** Longest id, in UTF-8 bytes. */
  public static final int ID_MAX_LENGTH = 1024;
  /** Longest path or source, in UTF-8 bytes. */
  public static final int PATH_MAX_LENGTH = 4096;

  /** Every name above; user metadata may not use them. */
  public static final Set<String> RESERVED = Set.of(ID, PATH, SOURCE, FILE_SIZE, MODIFIED, CONTENT_HASH, VECTOR);

  private IndexFields() {}
}
