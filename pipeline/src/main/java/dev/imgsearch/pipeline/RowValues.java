package dev.imgsearch.pipeline;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Row;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks and compares the values ImageIndex writes. */
final class RowValues {
  private RowValues() {}

  /**
   * Checks user metadata: names valid and not reserved, values storable as JSON.
   *
   * @return null when valid, else what is wrong and what to do
   */
  static String checkMetadata(Map<String, Object> metadata, Set<String> reserved) {
    for (Map.Entry<String, Object> e : metadata.entrySet()) {
      String name = e.getKey();
      if (reserved.contains(name)) {
        return "metadata field '" + name + "' is reserved by ImageIndex (" + new java.util.TreeSet<>(reserved)
            + "); rename it.";
      }
      try {
        FieldSpec.scalar(name, FieldType.JSON).coerce(e.getValue());
      } catch (InvalidInputException ex) {
        return "metadata field '" + name + "' cannot be stored: " + ex.getMessage();
      }
    }
    return null;
  }

  /** Checks the id and path lengths against the schema; null when they fit. */
  static String checkLengths(String id, String path, IndexSchema schema) {
    int pathMax = schema.dynamicPath() ? IndexFields.PATH_MAX_LENGTH : schema.pathMaxLength();
    if (utf8(id) > IndexFields.ID_MAX_LENGTH) {
      return "its id is longer than " + IndexFields.ID_MAX_LENGTH + " bytes; use IdStrategy.CONTENT or shorter "
          + "paths.";
    }
    if (utf8(path) > pathMax) {
      return "its path is longer than " + pathMax + " bytes, the length of field '" + schema.pathField()
          + "'; move it to a shorter path.";
    }
    return null;
  }

  private static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The user metadata of a stored row: every field that is not reserved. */
  static Map<String, Object> metadataOf(Row row, Set<String> reserved) {
    Map<String, Object> m = new LinkedHashMap<>();
    row.asMap().forEach((k, v) -> {
      if (!reserved.contains(k)) {
        m.put(k, v);
      }
    });
    return m;
  }

  /** Whether a stored row has this path, source and metadata. */
  static boolean sameAttributes(Row row, Candidate c, IndexSettings settings) {
    return sameAttributes(row, c, settings.pathField(), settings.reserved());
  }

  /** Whether a stored row has this path (in {@code pathField}), source and metadata. */
  static boolean sameAttributes(Row row, Candidate c, String pathField, Set<String> reserved) {
    return c.pathField.equals(row.get(pathField)) && c.source.equals(row.get(IndexFields.SOURCE))
        && same(metadataOf(row, reserved), c.metadata);
  }

  /**
   * Whether a stored row has no bookkeeping (no content hash): a row written without it, or by another program
   * into an adopted collection. Such a row says nothing of the file's bytes.
   */
  static boolean pathOnly(Row row) {
    return row.get(IndexFields.CONTENT_HASH) == null;
  }

  /** Whether a stored row describes this file's current bytes by size and modification time. */
  static boolean sameFile(Row row, Candidate c) {
    return c.file != null && same(row.get(IndexFields.FILE_SIZE), c.size)
        && same(row.get(IndexFields.MODIFIED), c.modified);
  }

  /** Equality that survives a round trip through a store: numbers by value, maps and lists deeply. */
  static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      try {
        return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
      } catch (NumberFormatException e) {
        return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
      }
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        if (!y.containsKey(e.getKey()) || !same(e.getValue(), y.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      Iterator<?> i = x.iterator();
      Iterator<?> j = y.iterator();
      while (i.hasNext()) {
        if (!same(i.next(), j.next())) {
          return false;
        }
      }
      return true;
    }
    return a == null ? b == null : a.equals(b);
  }
}
