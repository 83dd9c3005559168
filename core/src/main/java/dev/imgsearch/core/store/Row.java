package dev.imgsearch.core.store;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a collection: field name to value, the primary key, vectors ({@code float[]}), scalars and dynamic
 * fields alike. Immutable: vectors are copied in and out.
 *
 * <pre>{@code
 * Row row = Row.builder().put("pk", "42").put("random", 0.7).put("embeddings", vector).build();
 * }</pre>
 */
public final class Row {
  private final Map<String, Object> values;

  private Row(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /** A row holding a copy of the given values. */
  public static Row of(Map<String, ?> values) {
    Builder b = builder();
    values.forEach(b::put);
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The value of a field, or null when the row has none. Vectors come back as a copy. */
  public Object get(String field) {
    Object v = values.get(field);
    return v instanceof float[] f ? f.clone() : v;
  }

  /** Whether the row has this field. */
  public boolean has(String field) {
    return values.containsKey(field);
  }

  /** The vector of a field; null when absent. */
  public float[] vector(String field) {
    Object v = values.get(field);
    return v instanceof float[] f ? f.clone() : null;
  }

  /** The field names, in insertion order. */
  public java.util.Set<String> fields() {
    return values.keySet();
  }

  /**
   * The values as an unmodifiable map. Vectors in it are the row's own arrays, shared for speed: do not modify
   * them.
   */
  public Map<String, Object> asMap() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Row r) || !values.keySet().equals(r.values.keySet())) {
      return false;
    }
    for (Map.Entry<String, Object> e : values.entrySet()) {
      if (!Objects.deepEquals(e.getValue(), r.values.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (Map.Entry<String, Object> e : values.entrySet()) {
      Object v = e.getValue();
      h += e.getKey().hashCode() ^ (v instanceof float[] f ? Arrays.hashCode(f) : Objects.hashCode(v));
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    values.forEach((k, v) -> {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(k).append('=');
      if (v instanceof float[] f) {
        sb.append("float[").append(f.length).append(']');
      } else {
        sb.append(v);
      }
    });
    return sb.append('}').toString();
  }

  /** Builds a {@link Row}; not thread-safe. */
  public static final class Builder {
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Builder() {}

    /** Sets a field; a {@code float[]} is copied. */
    public Builder put(String field, Object value) {
      Objects.requireNonNull(field, "field");
      values.put(field, value instanceof float[] f ? f.clone() : value);
      return this;
    }

    public Row build() {
      return new Row(new LinkedHashMap<>(values));
    }
  }
}
