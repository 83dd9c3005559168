package dev.imgsearch.core.store.spi;

import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What tells two specs of one collection apart, and the refusal every store gives when a collection is created
 * again with another schema. For {@code VectorStore} implementations; stateless.
 */
public final class SchemaDifferences {

  private SchemaDifferences() {}

  /**
   * The differences between the spec of an existing collection and a wanted one, one readable item each; empty
   * when they describe the same schema, descriptions aside and index parameters compared by value (an index
   * parameter {@code 16} equals {@code 16L}), as a store that rebuilds specs from a server needs.
   */
  public static List<String> of(CollectionSpec existing, CollectionSpec wanted) {
    List<String> diffs = new ArrayList<>();
    if (existing.autoId() != wanted.autoId()) {
      diffs.add("autoId is " + existing.autoId() + ", not " + wanted.autoId());
    }
    if (existing.dynamicFields() != wanted.dynamicFields()) {
      diffs.add("dynamicFields is " + existing.dynamicFields() + ", not " + wanted.dynamicFields());
    }
    List<String> existingNames = SchemaChecks.fieldNames(existing);
    List<String> wantedNames = SchemaChecks.fieldNames(wanted);
    if (!existingNames.equals(wantedNames)) {
      diffs.add("fields are " + existingNames + ", not " + wantedNames);
    }
    if (!existing.fullTextFields().equals(wanted.fullTextFields())) {
      diffs.add("full-text fields are " + existing.fullTextFields() + ", not " + wanted.fullTextFields());
    }
    for (FieldSpec w : wanted.fields()) {
      existing.field(w.name()).ifPresent(e -> {
        if (!sameField(e, w)) {
          diffs.add("field '" + w.name() + "' is " + e + ", not " + w);
        }
      });
    }
    return diffs;
  }

  /**
   * The refusal of {@code createCollection} for a name that exists with another spec: it names the differences
   * and what to do.
   */
  public static SchemaException refusal(CollectionSpec existing, CollectionSpec wanted) {
    List<String> diffs = new ArrayList<>(of(existing, wanted));
    if (!existing.description().equals(wanted.description())) {
      diffs.add("the description is '" + existing.description() + "', not '" + wanted.description() + "'");
    }
    if (diffs.isEmpty()) {
      diffs.add("it is " + existing + ", not " + wanted);
    }
    return new SchemaException("Collection '" + wanted.name() + "' exists with another schema: "
        + String.join("; ", diffs) + ". Drop it first (dropCollection deletes its rows), or use another name.");
  }

  private static boolean sameField(FieldSpec a, FieldSpec b) {
    if (a.type() != b.type() || a.maxLength() != b.maxLength() || a.dimension() != b.dimension()
        || a.metric() != b.metric()) {
      return false;
    }
    if (!a.isVector()) {
      return true;
    }
    return a.index().type() == b.index().type() && byValue(a.index().params()).equals(byValue(b.index().params()));
  }

  private static Map<String, String> byValue(Map<String, Object> params) {
    Map<String, String> out = new TreeMap<>();
    params.forEach((k, v) -> out.put(k, v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        ? Long.toString(n.longValue()) : Objects.toString(v)));
    return out;
  }
}
