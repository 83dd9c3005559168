package dev.imgsearch.spark;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/** Spark values as the Java values a {@link dev.imgsearch.core.store.Row} stores (JSON-like). */
final class SparkValues {
  private SparkValues() {}

  /** The non-null fields of a struct, by name. */
  static Map<String, Object> toMap(Row struct) {
    Map<String, Object> m = new LinkedHashMap<>();
    String[] names = struct.schema().fieldNames();
    for (int i = 0; i < names.length; i++) {
      if (!struct.isNullAt(i)) {
        m.put(names[i], value(struct.get(i)));
      }
    }
    return m;
  }

  static Object value(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Integer
        || v instanceof Double || v instanceof Float || v instanceof Short || v instanceof Byte) {
      return v;
    }
    if (v instanceof BigDecimal d) {
      return d.doubleValue();
    }
    if (v instanceof Timestamp t) {
      return t.toInstant().toString();
    }
    if (v instanceof Instant || v instanceof LocalDate || v instanceof LocalDateTime || v instanceof Date) {
      return v.toString();
    }
    if (v instanceof Row r) {
      return toMap(r);
    }
    if (v instanceof scala.collection.Seq<?> s) {
      List<Object> l = new ArrayList<>();
      scala.jdk.javaapi.CollectionConverters.asJava(s).forEach(x -> l.add(value(x)));
      return l;
    }
    if (v instanceof scala.collection.Map<?, ?> sm) {
      Map<String, Object> m = new LinkedHashMap<>();
      scala.jdk.javaapi.CollectionConverters.asJava(sm).forEach((k, x) -> m.put(String.valueOf(k), value(x)));
      return m;
    }
    if (v instanceof byte[]) {
      throw new IllegalArgumentException("binary values cannot be stored as metadata");
    }
    return v.toString();
  }
}
