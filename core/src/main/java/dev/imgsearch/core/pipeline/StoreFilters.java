package dev.imgsearch.core.pipeline;

import dev.imgsearch.core.filter.Filter;
import java.util.List;

/** The few filters ImageIndex itself needs, with values escaped. */
final class StoreFilters {
  private StoreFilters() {}

  /** {@code field in ["a", "b", ...]}. */
  static Filter in(String field, List<String> values) {
    StringBuilder sb = new StringBuilder(field).append(" in [");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(quote(values.get(i)));
    }
    return Filter.parse(sb.append(']').toString());
  }

  /** {@code sourceField == key and idField > after} (without the second part when {@code after} is null). */
  static Filter sourceAfter(String sourceField, String key, String idField, String after) {
    String e = sourceField + " == " + quote(key);
    if (after != null) {
      e += " and " + idField + " > " + quote(after);
    }
    return Filter.parse(e);
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
