package dev.imgsearch.core.store.spi;

import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output fields of a get, query or search, resolved against a collection: an empty list means the primary
 * key only; {@code "*"} means every declared scalar field and every dynamic field; vectors come back only when
 * named; naming the primary key is allowed and changes nothing. Immutable; for {@code VectorStore}
 * implementations.
 */
public final class OutputFields {
  /** The output field name that stands for every scalar and dynamic field. */
  public static final String ALL = "*";

  private final CollectionSpec spec;
  private final boolean allScalars;
  private final List<String> named;

  private OutputFields(CollectionSpec spec, boolean allScalars, List<String> named) {
    this.spec = spec;
    this.allScalars = allScalars;
    this.named = List.copyOf(named);
  }

  /**
   * Resolves requested output fields.
   *
   * @throws SchemaException for a name the collection does not know (see {@link CollectionSpec#knowsField})
   */
  public static OutputFields resolve(CollectionSpec spec, List<String> requested) {
    boolean all = false;
    List<String> named = new ArrayList<>();
    String pk = spec.primaryKey().name();
    for (String name : requested) {
      if (ALL.equals(name)) {
        all = true;
      } else if (name == null || !spec.knowsField(name)) {
        throw new SchemaException("Output field '" + name + "' is not a field of collection '" + spec.name()
            + "'; its fields are " + SchemaChecks.fieldNames(spec) + " (use \"*\" for every scalar field).");
      } else if (!name.equals(pk) && !named.contains(name)) {
        named.add(name);
      }
    }
    return new OutputFields(spec, all, named);
  }

  /** Whether {@code "*"} was asked for. */
  public boolean allScalars() {
    return allScalars;
  }

  /** The fields named explicitly, without the primary key and {@code "*"}, each once, in the order asked. */
  public List<String> named() {
    return named;
  }

  /**
   * The chosen fields of a stored row, without the primary key: for {@code "*"} the declared scalar fields in
   * declaration order and then the dynamic fields, then the named ones; a named dynamic field the row does not
   * have is left out. Vectors are copied.
   */
  public Map<String, Object> project(Map<String, ?> row) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (allScalars) {
      for (FieldSpec f : spec.scalarFields()) {
        if (row.containsKey(f.name())) {
          out.put(f.name(), row.get(f.name()));
        }
      }
      for (Map.Entry<String, ?> e : row.entrySet()) {
        if (spec.field(e.getKey()).isEmpty()) {
          out.put(e.getKey(), e.getValue());
        }
      }
    }
    for (String name : named) {
      if (row.containsKey(name)) {
        Object v = row.get(name);
        out.put(name, v instanceof float[] f ? f.clone() : v);
      }
    }
    return out;
  }
}
