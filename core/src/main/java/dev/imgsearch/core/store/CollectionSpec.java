package dev.imgsearch.core.store;

import com.google.common.collect.ImmutableList;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The schema of a collection: a primary key (INT64 or VARCHAR, given or auto-generated), one or more vector
 * fields, scalar fields, and whether rows may carry dynamic fields that are not declared. Immutable.
 *
 * <pre>{@code
 * CollectionSpec spec = CollectionSpec.builder("hello_milvus")
 *     .primaryKey(FieldSpec.varchar("pk", 100))
 *     .field(FieldSpec.scalar("random", FieldType.DOUBLE))
 *     .field(FieldSpec.vector("embeddings", 8, MetricType.L2, IndexSpec.ivfFlat(128)))
 *     .build();
 * }</pre>
 */
public final class CollectionSpec {
  private final String name;
  private final String description;
  private final FieldSpec primaryKey;
  private final boolean autoId;
  private final ImmutableList<FieldSpec> fields;
  private final boolean dynamicFields;
  private final ImmutableList<FullTextField> fullTextFields;

  private CollectionSpec(Builder b) {
    this.name = FieldSpec.checkName("collection", b.name);
    this.description = b.description == null ? "" : b.description;
    if (b.primaryKey == null) {
      throw new InvalidInputException("Collection '" + name + "' has no primary key: call primaryKey(FieldSpec."
          + "scalar(\"id\", FieldType.INT64)) or primaryKey(FieldSpec.varchar(\"id\", 512)).");
    }
    FieldType pkType = b.primaryKey.type();
    if (pkType != FieldType.INT64 && pkType != FieldType.VARCHAR) {
      throw new InvalidInputException("Primary key '" + b.primaryKey.name() + "' is " + pkType
          + "; a primary key must be INT64 or VARCHAR.");
    }
    if (b.autoId && pkType != FieldType.INT64) {
      throw new InvalidInputException("Auto id needs an INT64 primary key, but '" + b.primaryKey.name() + "' is "
          + pkType + ".");
    }
    this.primaryKey = b.primaryKey;
    this.autoId = b.autoId;
    List<FieldSpec> all = new ArrayList<>();
    all.add(b.primaryKey);
    all.addAll(b.fields);
    Set<String> names = new LinkedHashSet<>();
    for (FieldSpec f : all) {
      if (!names.add(f.name())) {
        throw new InvalidInputException("Collection '" + name + "' declares field '" + f.name() + "' twice; "
            + "field names must be unique.");
      }
    }
    if (all.stream().noneMatch(FieldSpec::isVector)) {
      throw new InvalidInputException("Collection '" + name + "' has no vector field: add one with "
          + "field(FieldSpec.vector(name, dimension, metric, index)).");
    }
    this.fields = ImmutableList.copyOf(all);
    this.dynamicFields = b.dynamicFields;
    for (FullTextField ft : b.fullTextFields) {
      if (!names.add(ft.name())) {
        throw new InvalidInputException("Collection '" + name + "' uses the name '" + ft.name() + "' twice; a "
            + "full-text field needs a name no other field has.");
      }
      FieldSpec text = all.stream().filter(f -> f.name().equals(ft.textField())).findFirst().orElse(null);
      if (text == null || text.type() != FieldType.VARCHAR || text == b.primaryKey) {
        throw new InvalidInputException("Full-text field '" + ft.name() + "' indexes '" + ft.textField() + "', which "
            + "is not a VARCHAR field of collection '" + name + "' (other than the primary key); declare it with "
            + "field(FieldSpec.varchar(\"" + ft.textField() + "\", maxLength)).");
      }
    }
    this.fullTextFields = ImmutableList.copyOf(b.fullTextFields);
  }

  /** A builder for a collection with the given name. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder that starts as a copy of this spec. */
  public Builder toBuilder() {
    Builder b = new Builder(name).description(description).primaryKey(primaryKey).autoId(autoId)
        .dynamicFields(dynamicFields);
    fields.stream().skip(1).forEach(b::field);
    fullTextFields.forEach(b::fullText);
    return b;
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  public FieldSpec primaryKey() {
    return primaryKey;
  }

  /** Whether the store generates INT64 primary keys on insert. */
  public boolean autoId() {
    return autoId;
  }

  /** Every declared field, the primary key first, in declaration order. */
  public List<FieldSpec> fields() {
    return fields;
  }

  /** The vector fields, in declaration order. */
  public List<FieldSpec> vectorFields() {
    return fields.stream().filter(FieldSpec::isVector).toList();
  }

  /** The declared scalar fields except the primary key. */
  public List<FieldSpec> scalarFields() {
    return fields.stream().skip(1).filter(f -> !f.isVector()).toList();
  }

  /** Whether rows may carry fields that are not declared (stored as Milvus's dynamic {@code $meta} field). */
  public boolean dynamicFields() {
    return dynamicFields;
  }

  /**
   * The BM25 full-text fields (see {@link FullTextField}), in declaration order; empty for most collections.
   * They are not in {@link #fields()}: rows never carry them.
   */
  public List<FullTextField> fullTextFields() {
    return fullTextFields;
  }

  /** The full-text field of that name. */
  public Optional<FullTextField> fullTextField(String fieldName) {
    return fullTextFields.stream().filter(f -> f.name().equals(fieldName)).findFirst();
  }

  /** The declared field of that name. */
  public Optional<FieldSpec> field(String fieldName) {
    return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst();
  }

  /**
   * The vector field to search: the named one, or the only one when {@code fieldName} is null.
   *
   * @throws SchemaException when the name is not a vector field, or null is given and there are several
   */
  public FieldSpec vectorField(String fieldName) {
    List<FieldSpec> vectors = vectorFields();
    if (fieldName == null) {
      if (vectors.size() == 1) {
        return vectors.get(0);
      }
      throw new SchemaException("Collection '" + name + "' has " + vectors.size() + " vector fields "
          + vectors.stream().map(FieldSpec::name).toList() + "; name the one to search.");
    }
    return vectors.stream().filter(f -> f.name().equals(fieldName)).findFirst()
        .orElseThrow(() -> new SchemaException("Collection '" + name + "' has no vector field '" + fieldName
            + "'; its vector fields are " + vectors.stream().map(FieldSpec::name).toList() + "."));
  }

  /** Whether a filter or output may name this field: declared, or any name when dynamic fields are on. */
  public boolean knowsField(String fieldName) {
    return dynamicFields || field(fieldName).isPresent();
  }

  @Override
  public boolean equals(Object o) {
    // The description is documentation: two specs that differ only there describe the same schema.
    return o instanceof CollectionSpec c && name.equals(c.name) && autoId == c.autoId
        && dynamicFields == c.dynamicFields && fields.equals(c.fields) && fullTextFields.equals(c.fullTextFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, autoId, dynamicFields, fields, fullTextFields);
  }

  @Override
  public String toString() {
    return "Collection " + name + fields + (autoId ? " autoId" : "") + (dynamicFields ? " dynamic" : "")
        + (fullTextFields.isEmpty() ? "" : " fullText" + fullTextFields);
  }

  /** Builds a {@link CollectionSpec}; not thread-safe. */
  public static final class Builder {
    private final String name;
    private String description;
    private FieldSpec primaryKey;
    private boolean autoId;
    private final List<FieldSpec> fields = new ArrayList<>();
    private boolean dynamicFields;
    private final List<FullTextField> fullTextFields = new ArrayList<>();

    private Builder(String name) {
      this.name = name;
    }

    public Builder description(String description) {
      this.description = description;
      return this;
    }

    /** The primary key field: {@code FieldSpec.scalar(name, INT64)} or {@code FieldSpec.varchar(name, len)}. */
    public Builder primaryKey(FieldSpec primaryKey) {
      this.primaryKey = Objects.requireNonNull(primaryKey, "primaryKey");
      return this;
    }

    /** Let the store generate INT64 keys on insert (default false). */
    public Builder autoId(boolean autoId) {
      this.autoId = autoId;
      return this;
    }

    /** Adds a scalar or vector field. */
    public Builder field(FieldSpec field) {
      fields.add(Objects.requireNonNull(field, "field"));
      return this;
    }

    /**
     * Adds a BM25 full-text index over one of the collection's VARCHAR fields, searched through
     * {@link HybridSearchRequest.Builder#text}. Stores without full-text search refuse such a collection.
     */
    public Builder fullText(FullTextField field) {
      fullTextFields.add(Objects.requireNonNull(field, "field"));
      return this;
    }

    /** Accept undeclared fields in rows (default false). */
    public Builder dynamicFields(boolean dynamicFields) {
      this.dynamicFields = dynamicFields;
      return this;
    }

    /** @throws InvalidInputException when the schema is not valid; the message says what to change */
    public CollectionSpec build() {
      return new CollectionSpec(this);
    }
  }
}
