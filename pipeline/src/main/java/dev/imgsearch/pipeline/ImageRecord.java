package dev.imgsearch.pipeline;

import dev.imgsearch.core.InvalidInputException;
import java.util.Map;
import java.util.Objects;

/**
 * An image given as encoded bytes with its own id and metadata, for indexing images that do not live in files
 * (a database, an archive, a web upload). The bytes are not copied; do not modify them afterwards.
 *
 * @param id the primary key to store the image under (at most {@link IndexFields#ID_MAX_LENGTH} bytes of UTF-8)
 * @param bytes the encoded image (JPEG, PNG, ...)
 * @param metadata user fields stored with the row as dynamic fields (names must not be {@link IndexFields#RESERVED})
 */
public record ImageRecord(String id, byte[] bytes, Map<String, Object> metadata) {
  public ImageRecord {
    if (id == null || id.isEmpty()) {
      throw new InvalidInputException("An ImageRecord needs a non-empty id: pass the key to store the image under.");
    }
    Objects.requireNonNull(bytes, "bytes");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** A record without metadata. */
  public static ImageRecord of(String id, byte[] bytes) {
    return new ImageRecord(id, bytes, Map.of());
  }

  /** A record with metadata. */
  public static ImageRecord of(String id, byte[] bytes, Map<String, ?> metadata) {
    return new ImageRecord(id, bytes, Map.copyOf(metadata));
  }
}
