package dev.imgsearch.pipeline;

import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.filter.Filters;
import java.util.List;

/** The few filters ImageIndex itself needs; {@link Filters} escapes the values. */
final class StoreFilters {
  private StoreFilters() {}

  /** {@code field in [values]}. */
  static Filter in(String field, List<String> values) {
    return Filters.in(field, values);
  }

  /** {@code sourceField == key and idField > after} (without the second part when {@code after} is null). */
  static Filter sourceAfter(String sourceField, String key, String idField, Object after) {
    Filter source = Filters.eq(sourceField, key);
    return after == null ? source : Filters.and(source, Filters.gt(idField, after));
  }
}
