package dev.imgsearch.core.store.spi;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.store.spi.FilterValidation;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks every {@code VectorStore} makes before it writes or reads, in one place so every store accepts and
 * refuses the same inputs with the same exceptions and messages. For {@code VectorStore} implementations; stateless
 * and thread-safe.
 */
public final class SchemaChecks {

  /** Whether rows of a write carry their primary key. */
  public enum KeyRule {
    /** Every row carries its primary key (insert without auto id, upsert). */
    REQUIRED,
    /** No row carries a primary key: the store generates it (insert with auto id). */
    GENERATED
  }

  private SchemaChecks() {}

  /**
   * Checks a batch of rows and converts their values: declared fields through {@link FieldSpec#coerce} (JSON
   * fields into {@link JsonValues} form), undeclared fields into {@link JsonValues} form when the collection has
   * dynamic fields. Nothing is written by this method; call it for the whole batch before writing any row.
   *
   * @return for each row, an unmodifiable map of field to value: the primary key first (absent for
   *     {@link KeyRule#GENERATED}), then declared fields in declaration order, then dynamic fields; vectors are
   *     fresh copies
   * @throws InvalidInputException for the first bad row, naming its index, the field and what to change
   */
  public static List<Map<String, Object>> checkRows(CollectionSpec spec, List<Row> rows, KeyRule keys) {
    List<Map<String, Object>> checked = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      checked.add(checkRow(spec, rows.get(i), keys, i));
    }
    return checked;
  }

  /**
   * Checks and converts one row, as {@link #checkRows} does for each row of a batch.
   *
   * @param index the row's position in its batch, for the message
   */
  public static Map<String, Object> checkRow(CollectionSpec spec, Row row, KeyRule keys, int index) {
    if (row == null) {
      throw new InvalidInputException("Row " + index + " of the batch for collection '" + spec.name() + "' is null; "
          + "remove it from the batch.");
    }
    Map<String, Object> values = new LinkedHashMap<>();
    String pk = spec.primaryKey().name();
    for (FieldSpec field : spec.fields()) {
      String name = field.name();
      if (name.equals(pk)) {
        if (keys == KeyRule.GENERATED) {
          if (row.has(pk)) {
            throw new InvalidInputException(where(spec, index) + "carries the primary key '" + pk + "', but the "
                + "collection generates keys (auto id); remove '" + pk + "' from the rows.");
          }
          continue;
        }
        if (!row.has(pk)) {
          throw new InvalidInputException(where(spec, index) + "has no primary key '" + pk + "'; every row must "
              + "carry one" + (spec.autoId() ? " for an upsert (insert lets the store generate it)." : "."));
        }
      } else if (!row.has(name)) {
        throw new InvalidInputException(where(spec, index) + "has no value for field '" + name + "' (" + field.type()
            + "); give every declared field a value.");
      }
      values.put(name, coerce(spec, field, row.get(name), index));
    }
    for (String name : row.fields()) {
      if (spec.field(name).isPresent()) {
        continue;
      }
      if (spec.fullTextField(name).isPresent()) {
        throw new InvalidInputException(where(spec, index) + "has a value for full-text field '" + name + "', which "
            + "the store computes from field '" + spec.fullTextField(name).get().textField() + "'; leave it out.");
      }
      if (!spec.dynamicFields()) {
        throw new InvalidInputException(where(spec, index) + "has field '" + name + "', which the collection does not "
            + "declare; remove it, or create the collection with dynamicFields(true).");
      }
      try {
        values.put(name, JsonValues.normalize(name, row.get(name)));
      } catch (InvalidInputException e) {
        throw new InvalidInputException(where(spec, index) + e.getMessage(), e);
      }
    }
    return Collections.unmodifiableMap(values);
  }

  private static Object coerce(CollectionSpec spec, FieldSpec field, Object value, int index) {
    try {
      Object v = field.coerce(value);
      return field.type() == FieldType.JSON ? JsonValues.normalize(field.name(), v) : v;
    } catch (InvalidInputException e) {
      throw new InvalidInputException(where(spec, index) + e.getMessage(), e);
    }
  }

  private static String where(CollectionSpec spec, int index) {
    return "Row " + index + " of the batch for collection '" + spec.name() + "' ";
  }

  /**
   * Converts primary keys to the key's type ({@link Long} or {@link String}).
   *
   * @throws InvalidInputException for a key of the wrong type
   */
  public static List<Object> checkIds(CollectionSpec spec, List<?> ids) {
    FieldSpec pk = spec.primaryKey();
    List<Object> converted = new ArrayList<>(ids.size());
    for (Object id : ids) {
      converted.add(pk.coerce(id));
    }
    return converted;
  }

  /**
   * The refusal of an insert whose row repeats a primary key, for stores that keep one row per key.
   *
   * @param index the row's position in its batch
   * @param exists whether the key exists in the collection already (otherwise it appears twice in the batch)
   */
  public static InvalidInputException duplicateKey(CollectionSpec spec, int index, Object key, boolean exists) {
    return new InvalidInputException(where(spec, index) + "has primary key " + key + ", which "
        + (exists ? "exists already" : "appears twice in the batch") + "; use upsert to replace rows. Nothing was "
        + "written.");
  }

  /**
   * Checks the filter of a {@code deleteWhere}: one is required (a missing filter never means every row), and it
   * must suit the schema as in {@link #checkFilter}.
   *
   * @throws InvalidInputException when the filter is null
   * @throws SchemaException naming the field and the collection's fields
   */
  public static void checkDeleteFilter(CollectionSpec spec, Filter filter) {
    if (filter == null) {
      throw new InvalidInputException("deleteWhere on collection '" + spec.name() + "' needs a filter; to delete "
          + "every row, drop and recreate the collection.");
    }
    checkFilter(spec, filter);
  }

  /**
   * The full-text field a text route of a hybrid search names.
   *
   * @throws SchemaException when the collection has no full-text field of that name
   */
  public static FullTextField textRouteField(CollectionSpec spec, String field) {
    return spec.fullTextField(field).orElseThrow(() -> new SchemaException("Collection '" + spec.name() + "' has no "
        + "full-text field '" + field + "'; its full-text fields are "
        + spec.fullTextFields().stream().map(FullTextField::name).toList() + ". Declare one with "
        + "CollectionSpec.Builder.fullText(FullTextField.of(name, textField, analyzer))."));
  }

  /**
   * Checks a filter against the collection's schema with {@link FilterValidation#check}: known fields only, no
   * vector fields, literals that suit their fields. A null filter passes.
   *
   * @throws SchemaException naming the field and the collection's fields
   */
  public static void checkFilter(CollectionSpec spec, Filter filter) {
    if (filter != null) {
      FilterValidation.check(filter, spec);
    }
  }

  /**
   * Checks query vectors against the searched field: dimension and finite values.
   *
   * @return copies of the vectors
   * @throws InvalidInputException naming the query's index
   */
  public static List<float[]> checkQueries(FieldSpec vectorField, List<float[]> queries) {
    List<float[]> checked = new ArrayList<>(queries.size());
    for (int i = 0; i < queries.size(); i++) {
      try {
        checked.add(((float[]) vectorField.coerce(queries.get(i))).clone());
      } catch (InvalidInputException e) {
        throw new InvalidInputException("Query vector " + i + ": " + e.getMessage(), e);
      }
    }
    return checked;
  }

  static List<String> fieldNames(CollectionSpec spec) {
    return spec.fields().stream().map(FieldSpec::name).toList();
  }
}
