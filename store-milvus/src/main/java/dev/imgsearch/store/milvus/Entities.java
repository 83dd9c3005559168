package dev.imgsearch.store.milvus;

import com.google.gson.JsonElement;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.spi.JsonValues;
import dev.imgsearch.core.store.spi.OutputFields;
import dev.imgsearch.core.filter.Filters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps between core's rows and what milvus-sdk-java sends and returns: the output fields to ask for (from core's
 * {@link OutputFields}), an entity of a search or query result turned into a {@link Hit} or {@link Row} with core's
 * value types ({@link JsonValues} form for JSON and dynamic fields, {@code float[]} for vectors), and the filter
 * expressions that select rows by primary key.
 */
final class Entities {
  private Entities() {}

  /**
   * The output fields to ask Milvus for: the primary key (Milvus reads an empty list as "every field"), every
   * scalar field and the dynamic ones for {@code "*"}, and the fields named.
   */
  static List<String> request(CollectionSpec spec, OutputFields out) {
    Set<String> names = new LinkedHashSet<>();
    names.add(spec.primaryKey().name());
    if (out.allScalars()) {
      spec.scalarFields().forEach(f -> names.add(f.name()));
      if (spec.dynamicFields()) {
        names.add(RowBatch.DYNAMIC_FIELD);
      }
    }
    names.addAll(out.named());
    return new ArrayList<>(names);
  }

  /** A search result as a hit with the chosen output fields. */
  static Hit hit(CollectionSpec spec, OutputFields out, Object id, float score, Map<String, Object> entity) {
    return new Hit(id, score, out.project(values(spec, entity)));
  }

  /** A query result as a row: the primary key, then the chosen output fields. */
  static Row row(CollectionSpec spec, OutputFields out, Map<String, Object> entity) {
    Map<String, Object> values = values(spec, entity);
    String pk = spec.primaryKey().name();
    Row.Builder b = Row.builder().put(pk, values.get(pk));
    out.project(values).forEach(b::put);
    return b.build();
  }

  /** The primary key of a query result. */
  static Object key(CollectionSpec spec, Map<String, Object> entity) {
    return entity.get(spec.primaryKey().name());
  }

  /**
   * An entity's values in core's types: JSON (gson trees from the SDK) in {@link JsonValues} form, vectors
   * ({@code List<Float>}) as {@code float[]}, the dynamic fields each under its own name; full-text fields and
   * declared fields the server left null are left out.
   */
  private static Map<String, Object> values(CollectionSpec spec, Map<String, Object> entity) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (entity == null) {
      return out;
    }
    Object dynamic = null;
    for (Map.Entry<String, Object> e : entity.entrySet()) {
      String name = e.getKey();
      Object v = e.getValue();
      FieldSpec field = spec.field(name).orElse(null);
      if (name.equals(RowBatch.DYNAMIC_FIELD)) {
        dynamic = v;
        continue;
      }
      if (spec.fullTextField(name).isPresent() || (field != null && v == null)) {
        continue;
      }
      if (v instanceof JsonElement j) {
        v = JsonValues.fromJson(j.toString());
      } else if (field != null && field.isVector() && v instanceof List<?> list) {
        float[] f = new float[list.size()];
        for (int i = 0; i < f.length; i++) {
          f[i] = ((Number) list.get(i)).floatValue();
        }
        v = f;
      }
      out.put(name, v);
    }
    spreadDynamic(dynamic, out);
    return out;
  }

  /**
   * Puts the dynamic fields of a {@code $meta} holder under their own names, leaving the values the entity has.
   * milvus-sdk-java (2.6.22) spreads them out in query results but hands search results the holder as one JSON
   * object whenever {@code $meta} was asked for, even with dynamic fields named beside it.
   */
  private static void spreadDynamic(Object holder, Map<String, Object> out) {
    String json = holder instanceof JsonElement j ? j.toString() : holder instanceof String s ? s : null;
    if (json != null && JsonValues.fromJson(json) instanceof Map<?, ?> fields) {
      fields.forEach((k, v) -> out.putIfAbsent(k.toString(), v));
    }
  }

  /**
   * {@code pk in [...]} with every key escaped by core's filter builder. The SDK's own id-based get and delete
   * (milvus-sdk-java 2.6.22, {@code VectorUtils.getExprById}) quote VARCHAR keys without escaping them, so a key
   * holding a double quote would break the expression or change its meaning.
   */
  static String keyFilter(CollectionSpec spec, List<Object> keys) {
    return Filters.in(spec.primaryKey().name(), keys).toExpression();
  }

  /** A filter that every primary key matches (Milvus asks for a limit when the filter is empty). */
  static String matchAll(CollectionSpec spec) {
    String pk = spec.primaryKey().name();
    return spec.primaryKey().type() == FieldType.INT64 ? pk + " <= 0 or " + pk + " > 0" : pk + " >= \"\"";
  }
}
