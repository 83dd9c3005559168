package dev.imgsearch.pipeline;

import dev.imgsearch.core.store.Row;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One image on its way through an indexing run. Mutable, owned by one thread at a time. */
final class Candidate {
  /** The path or record id, for messages. */
  final String item;
  /** The file, or null for a record. */
  final Path file;
  /** The record's bytes, or null for a file (read by a worker). */
  byte[] bytes;
  /** The value of {@link IndexFields#PATH}. */
  final String pathField;
  final String source;
  final long size;
  final long modified;
  final Map<String, Object> metadata;
  /** Set when the item is known to fail before any work (unreadable, bad metadata); reported after the lookup. */
  IndexFailure.Cause failCause;
  String failMessage;

  /** The primary key; null for files under {@link IdStrategy#CONTENT} until hashed. */
  String id;
  /** SHA-256 hex of the bytes, once known. */
  String hash;
  /** The stored row with this id (or, under CONTENT ids, at this path), or null. */
  Row existing;
  /** Ids of rows at this path that hold other content; deleted once the new row is written. */
  List<String> staleIds = List.of();

  Candidate(String item, Path file, byte[] bytes, String pathField, String source, long size, long modified,
      Map<String, Object> metadata, String id) {
    this.item = item;
    this.file = file;
    this.bytes = bytes;
    this.pathField = pathField;
    this.source = source;
    this.size = size;
    this.modified = modified;
    this.metadata = metadata;
    this.id = id;
  }

  /** Marks this candidate as failed before any work. */
  Candidate failed(IndexFailure.Cause cause, String message) {
    this.failCause = cause;
    this.failMessage = message;
    return this;
  }

  /** Calls a metadata function for a file; a throwing function fails the candidate instead of the run. */
  static Map<String, Object> metadataOf(java.util.function.Function<Path, ? extends Map<String, ?>> fn, Path file,
      String[] error) {
    if (fn == null) {
      return Map.of();
    }
    try {
      Map<String, ?> m = fn.apply(file);
      return m == null ? Map.of() : new java.util.LinkedHashMap<>(m);
    } catch (RuntimeException e) {
      error[0] = "metadata function failed (" + e + "); fix the function passed to metadata(...).";
      return Map.of();
    }
  }

  /** Where candidates go; the source stops producing when {@link #accept} returns false. */
  interface Sink {
    boolean accept(Candidate candidate);

    /** An item the source could not even list (unreadable directory, broken link). */
    void fail(String item, IndexFailure.Cause cause, String message);
  }
}
