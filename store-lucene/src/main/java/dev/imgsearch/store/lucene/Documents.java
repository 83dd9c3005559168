package dev.imgsearch.store.lucene;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.spi.JsonValues;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoubleField;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FloatField;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.LongField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;

/**
 * How a row becomes a Lucene document and back. Lucene field names:
 *
 * <ul>
 *   <li>{@code $id}: the primary key as one exact term (for upsert and delete by key);
 *   <li>{@code NAME}: a declared scalar's stored value (its own Java type; BOOL as 0/1; JSON as JSON text), or a
 *       vector field's vectors (for a COSINE graph: scaled to unit length and compared by dot product, which is
 *       faster and defined for zero vectors, with the vectors as given in {@code NAME$raw}, without a graph);
 *   <li>{@code NAME#l}, {@code #f}, {@code #d}, {@code #s}, {@code #b}: the value indexed for filters by its kind
 *       (integer, float, double, string, boolean) with points or terms and doc values. Declared fields have one
 *       kind; JSON and dynamic fields are indexed by the kind of each value;
 *   <li>{@code $dyn}: the dynamic fields as one JSON object;
 *   <li>{@code $text:NAME}: the analysed text of full-text field NAME (BM25);
 *   <li>{@code $long}: the names of string fields whose value is too long for a Lucene term (over 32766 bytes of
 *       UTF-8); filters on those rows are evaluated on the stored value.
 * </ul>
 *
 * Field names are identifiers (letters, digits, underscore), so none of the names above collide.
 */
final class Documents {
  static final String ID = "$id";
  static final String DYNAMIC = "$dyn";
  static final String LONG_STRINGS = "$long";
  /** Prefix of the analysed text fields of {@link FullTextField}s. */
  static final String TEXT_PREFIX = "$text:";
  /** The longest term Lucene indexes, in bytes of UTF-8. */
  static final int MAX_TERM_BYTES = 32766;

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");

  /** The kinds under which values are indexed for filters. */
  enum Kind {
    LONG("#l"),
    FLOAT("#f"),
    DOUBLE("#d"),
    STRING("#s"),
    BOOL("#b");

    private final String suffix;

    Kind(String suffix) {
      this.suffix = suffix;
    }

    String field(String name) {
      return name + suffix;
    }
  }

  private final CollectionSpec spec;
  private final FieldSpec pk;
  private final Map<String, VectorSimilarityFunction> similarities = new LinkedHashMap<>();
  /** Vector fields whose graph holds unit vectors (COSINE graphs): their raw vectors are in a field of their own. */
  private final Set<String> normalized = new HashSet<>();
  /** The similarity declared for the vectors as given of COSINE fields. */
  private final VectorSimilarityFunction rawCosine;

  /**
   * @param cosineRawVectors whether vectors as given of COSINE fields are declared COSINE to Lucene (collections
   *     created on Lucene 9; see {@link CollectionFile#cosineRawVectors}); otherwise EUCLIDEAN, which accepts zero
   *     vectors. The store scores those vectors itself, so the declared similarity changes no result.
   */
  Documents(CollectionSpec spec, Map<String, VectorPlan> plans, boolean cosineRawVectors) {
    this.spec = spec;
    this.pk = spec.primaryKey();
    this.rawCosine = cosineRawVectors ? VectorSimilarityFunction.COSINE : VectorSimilarityFunction.EUCLIDEAN;
    for (FieldSpec f : spec.vectorFields()) {
      VectorPlan plan = plans.get(f.name());
      if (plan.normalizes(f.metric())) {
        normalized.add(f.name());
        similarities.put(f.name(), VectorSimilarityFunction.DOT_PRODUCT);
      } else if (f.metric() == dev.imgsearch.core.store.MetricType.COSINE) {
        similarities.put(f.name(), rawCosine); // FLAT: scanned and scored by the store
      } else {
        similarities.put(f.name(), VectorPlan.similarity(f.metric()));
      }
    }
  }

  /**
   * The Lucene vector field that holds a vector field's vectors as given: the field itself, or for a COSINE graph
   * (whose graph holds unit vectors, compared by dot product) the field {@code NAME$raw}.
   */
  String rawVectorField(String field) {
    return normalized.contains(field) ? rawName(field) : field;
  }

  /** The similarity Lucene's graph of a vector field ranks by (DOT_PRODUCT for COSINE graphs of unit vectors). */
  VectorSimilarityFunction graphSimilarity(String field) {
    return similarities.get(field);
  }

  /** The Lucene vector field the graph of a field is searched in. */
  String graphVectorField(String field) {
    return field;
  }

  /** Whether the graph of a field holds unit vectors, so query vectors must be normalised too. */
  boolean isNormalized(String field) {
    return normalized.contains(field);
  }

  static String rawName(String field) {
    return field + "$raw";
  }

  /** A copy scaled to length 1; a zero vector stays zero (it scores 0 against everything). */
  static float[] unit(float[] v) {
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    float[] u = v.clone();
    if (norm > 0) {
      float scale = (float) (1 / Math.sqrt(norm));
      for (int i = 0; i < u.length; i++) {
        u[i] *= scale;
      }
    }
    return u;
  }

  private static boolean isZero(float[] v) {
    for (float x : v) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  CollectionSpec spec() {
    return spec;
  }

  /** The kinds a field's values are indexed under: one for a declared scalar, several for JSON and dynamic ones. */
  List<Kind> kinds(String field) {
    FieldSpec f = spec.field(field).orElse(null);
    if (f == null || f.type() == FieldType.JSON) {
      return List.of(Kind.LONG, Kind.DOUBLE, Kind.STRING, Kind.BOOL);
    }
    return switch (f.type()) {
      case INT32, INT64 -> List.of(Kind.LONG);
      case FLOAT -> List.of(Kind.FLOAT);
      case DOUBLE -> List.of(Kind.DOUBLE);
      case VARCHAR -> List.of(Kind.STRING);
      case BOOL -> List.of(Kind.BOOL);
      default -> List.of();
    };
  }

  /** The Lucene field of a full-text field. */
  static String textField(String fullTextName) {
    return TEXT_PREFIX + fullTextName;
  }

  /** The term that identifies a row by its primary key (a Long or a String, as checked). */
  Term idTerm(Object key) {
    return new Term(ID, idBytes(key));
  }

  BytesRef idBytes(Object key) {
    if (key instanceof Long l) {
      byte[] b = new byte[Long.BYTES];
      NumericUtils.longToSortableBytes(l, b, 0);
      return new BytesRef(b);
    }
    return new BytesRef((String) key);
  }

  /**
   * The document of a checked row (see {@code SchemaChecks.checkRows}), primary key included.
   *
   * @throws InvalidInputException when a VARCHAR primary key is longer than Lucene can index
   */
  Document toDocument(Map<String, Object> row) {
    Document doc = new Document();
    Object key = row.get(pk.name());
    if (key instanceof String s && s.getBytes(StandardCharsets.UTF_8).length > MAX_TERM_BYTES) {
      throw new InvalidInputException("Primary key of " + s.getBytes(StandardCharsets.UTF_8).length + " bytes is "
          + "longer than the Lucene store accepts (" + MAX_TERM_BYTES + " bytes of UTF-8); use shorter keys, e.g. a "
          + "hash of the value.");
    }
    doc.add(new StringField(ID, idBytes(key), Field.Store.NO));
    Map<String, Object> dynamic = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : row.entrySet()) {
      String name = e.getKey();
      Object value = e.getValue();
      FieldSpec f = spec.field(name).orElse(null);
      if (f == null) {
        dynamic.put(name, value);
        if (IDENTIFIER.matcher(name).matches()) {
          index(doc, name, value);
        }
        continue;
      }
      switch (f.type()) {
        case FLOAT_VECTOR -> {
          float[] v = (float[]) value;
          if (f.metric() == dev.imgsearch.core.store.MetricType.COSINE && rawCosine == VectorSimilarityFunction.COSINE
              && isZero(v)) {
            throw new InvalidInputException("Field '" + name + "' of collection '" + spec.name() + "' is a zero "
                + "vector, which this collection cannot store: it was created by imgsearch on Lucene 9, whose index "
                + "declares COSINE for it, and Lucene 10 refuses zero vectors under COSINE. Copy the rows into a "
                + "new collection (created on this version, which accepts zero vectors) to store them.");
          }
          if (normalized.contains(name)) {
            doc.add(new KnnFloatVectorField(name, unit(v), VectorSimilarityFunction.DOT_PRODUCT));
            doc.add(new KnnFloatVectorField(rawName(name), v, rawCosine));
          } else {
            doc.add(new KnnFloatVectorField(name, v, similarities.get(name)));
          }
        }
        case INT32 -> {
          doc.add(new StoredField(name, (Integer) value));
          index(doc, name, ((Integer) value).longValue());
        }
        case INT64 -> {
          doc.add(new StoredField(name, (Long) value));
          index(doc, name, value);
        }
        case FLOAT -> {
          doc.add(new StoredField(name, (Float) value));
          index(doc, name, value);
        }
        case DOUBLE -> {
          doc.add(new StoredField(name, (Double) value));
          index(doc, name, value);
        }
        case BOOL -> {
          doc.add(new StoredField(name, (Boolean) value ? 1 : 0));
          index(doc, name, value);
        }
        case VARCHAR -> {
          doc.add(new StoredField(name, (String) value));
          index(doc, name, value);
        }
        case JSON -> {
          doc.add(new StoredField(name, JsonValues.gson().toJson(value)));
          index(doc, name, value);
        }
        default -> throw new AssertionError(f.type());
      }
    }
    if (!dynamic.isEmpty()) {
      doc.add(new StoredField(DYNAMIC, JsonValues.gson().toJson(dynamic)));
    }
    for (FullTextField ft : spec.fullTextFields()) {
      doc.add(new TextField(textField(ft.name()), (String) row.get(ft.textField()), Field.Store.NO));
    }
    return doc;
  }

  /** Indexes one value for filters under the field of its kind; values of other kinds (maps, lists) are not. */
  private static void index(Document doc, String name, Object value) {
    if (value instanceof Long l) {
      doc.add(new LongField(Kind.LONG.field(name), l, Field.Store.NO));
    } else if (value instanceof Float f) {
      doc.add(new FloatField(Kind.FLOAT.field(name), f == 0f ? 0f : f, Field.Store.NO));
    } else if (value instanceof Double d) {
      doc.add(new DoubleField(Kind.DOUBLE.field(name), d == 0d ? 0d : d, Field.Store.NO));
    } else if (value instanceof Boolean b) {
      doc.add(new KeywordField(Kind.BOOL.field(name), b.toString(), Field.Store.NO));
    } else if (value instanceof String s) {
      BytesRef bytes = new BytesRef(s);
      if (bytes.length > MAX_TERM_BYTES) {
        doc.add(new StringField(LONG_STRINGS, Kind.STRING.field(name), Field.Store.NO));
      } else {
        doc.add(new KeywordField(Kind.STRING.field(name), bytes, Field.Store.NO));
      }
    }
  }

  /**
   * The stored fields to load for the given row fields (declared scalar names; dynamic ones come from
   * {@code $dyn}). Vectors are not stored fields.
   */
  Set<String> storedFieldsFor(Iterable<String> fields) {
    Set<String> load = new HashSet<>();
    load.add(pk.name());
    for (String name : fields) {
      FieldSpec f = spec.field(name).orElse(null);
      if (f == null) {
        load.add(DYNAMIC);
      } else if (!f.isVector()) {
        load.add(name);
      }
    }
    return load;
  }

  /** The stored fields of every scalar and dynamic field. */
  Set<String> allStoredFields() {
    Set<String> load = new HashSet<>();
    for (FieldSpec f : spec.fields()) {
      if (!f.isVector()) {
        load.add(f.name());
      }
    }
    load.add(DYNAMIC);
    return load;
  }

  /**
   * Decodes the stored fields of a document into a row: the primary key first, then declared scalars in
   * declaration order, then dynamic fields. Only what was loaded is present.
   */
  Map<String, Object> toRow(Document stored) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (FieldSpec f : spec.fields()) {
      if (f.isVector()) {
        continue;
      }
      IndexableField field = stored.getField(f.name());
      if (field == null) {
        continue;
      }
      row.put(f.name(), switch (f.type()) {
        case INT32 -> field.numericValue().intValue();
        case INT64 -> field.numericValue().longValue();
        case FLOAT -> field.numericValue().floatValue();
        case DOUBLE -> field.numericValue().doubleValue();
        case BOOL -> field.numericValue().intValue() != 0;
        case VARCHAR -> field.stringValue();
        case JSON -> JsonValues.fromJson(field.stringValue());
        default -> throw new AssertionError(f.type());
      });
    }
    String dyn = stored.get(DYNAMIC);
    if (dyn != null) {
      @SuppressWarnings("unchecked")
      Map<String, Object> dynamic = (Map<String, Object>) JsonValues.fromJson(dyn);
      dynamic.forEach(row::putIfAbsent);
    }
    return row;
  }
}
