package dev.imgsearch.core.store;

import java.util.Map;
import java.util.Objects;

/**
 * One search result: the primary key, the score under the field's metric (see {@link MetricType}), and the
 * requested output fields. Immutable.
 *
 * @param id the primary key ({@link Long} or {@link String})
 * @param score squared L2 distance, inner product or cosine similarity, as Milvus reports it
 * @param fields the requested output fields (unmodifiable; does not repeat the id)
 */
public record Hit(Object id, float score, Map<String, Object> fields) {
  public Hit {
    Objects.requireNonNull(id, "id");
    fields = Map.copyOf(fields);
  }

  /** An output field's value, or null. */
  public Object field(String name) {
    return fields.get(name);
  }
}
