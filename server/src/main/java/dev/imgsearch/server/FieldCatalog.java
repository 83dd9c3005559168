package dev.imgsearch.server;

import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The fields a person may see and filter on: the collection's scalar fields and the metadata (dynamic) fields
 * seen on a sample of rows, never the id, path, source, content hash or vector.
 */
final class FieldCatalog {
  private static final Set<String> HIDDEN_FIELDS = Set.of(IndexFields.ID, IndexFields.PATH, IndexFields.SOURCE,
      IndexFields.CONTENT_HASH, IndexFields.VECTOR);

  private final ImageIndex index;

  FieldCatalog(ImageIndex index) {
    this.index = index;
  }

  /** Whether a field of a row or hit is shown: not hidden, not internal, and a number, boolean or string. */
  static boolean shown(String name, Object value) {
    return !HIDDEN_FIELDS.contains(name) && !name.startsWith("$")
        && (value instanceof Number || value instanceof Boolean || value instanceof CharSequence);
  }

  /** The filterable fields (name, type, the values of small string fields), sampling rows for metadata fields. */
  List<Map<String, Object>> describe(CollectionSpec spec) {
    Map<String, String> types = new TreeMap<>();
    for (FieldSpec f : spec.scalarFields()) {
      if (!HIDDEN_FIELDS.contains(f.name())) {
        types.put(f.name(), f.type().isNumeric() ? "number" : f.type().name().equals("BOOL") ? "boolean" : "string");
      }
    }
    Map<String, Set<String>> values = new TreeMap<>();
    if (spec.dynamicFields()) {
      List<Row> sample = index.store().query(QueryRequest.builder(index.collection()).outputFields("*").limit(200)
          .build());
      for (Row row : sample) {
        for (String f : row.fields()) {
          Object v = row.get(f);
          if (v == null || !shown(f, v)) {
            continue;
          }
          String t = v instanceof Number ? "number" : v instanceof Boolean ? "boolean" : "string";
          types.putIfAbsent(f, t);
          if (t.equals("string") && spec.field(f).isEmpty()) {
            values.computeIfAbsent(f, k -> new TreeSet<>()).add(v.toString());
          }
        }
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    types.forEach((name, type) -> {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("name", name);
      f.put("type", type);
      Set<String> vs = values.get(name);
      f.put("values", vs != null && vs.size() <= 24 ? List.copyOf(vs) : null);
      out.add(f);
    });
    return out;
  }
}
