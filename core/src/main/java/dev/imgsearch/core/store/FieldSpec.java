package dev.imgsearch.core.store;

import dev.imgsearch.core.InvalidInputException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One field of a collection: a name, a {@link FieldType}, and the attributes its type needs (maximum length for
 * VARCHAR; dimension, metric and index for vectors). Immutable; make one with the static factories.
 */
public final class FieldSpec {
  /** Field and collection names: a letter or underscore, then letters, digits or underscores; at most 255. */
  static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");

  /** The largest VARCHAR length Milvus accepts. */
  public static final int MAX_VARCHAR_LENGTH = 65_535;
  /** The largest vector dimension Milvus accepts. */
  public static final int MAX_DIMENSION = 32_768;

  private final String name;
  private final FieldType type;
  private final int maxLength;
  private final int dimension;
  private final MetricType metric;
  private final IndexSpec index;

  private FieldSpec(String name, FieldType type, int maxLength, int dimension, MetricType metric, IndexSpec index) {
    this.name = checkName("field", name);
    this.type = Objects.requireNonNull(type, "type");
    this.maxLength = maxLength;
    this.dimension = dimension;
    this.metric = metric;
    this.index = index;
  }

  static String checkName(String what, String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidInputException("Invalid " + what + " name '" + name + "': use a letter or underscore followed "
          + "by letters, digits or underscores, at most 255 characters.");
    }
    return name;
  }

  /** A scalar field of a type that needs no attributes (INT32, INT64, FLOAT, DOUBLE, BOOL, JSON). */
  public static FieldSpec scalar(String name, FieldType type) {
    if (type == FieldType.VARCHAR) {
      throw new InvalidInputException("VARCHAR field '" + name + "' needs a maximum length: use FieldSpec.varchar(name, "
          + "maxLength).");
    }
    if (type.isVector()) {
      throw new InvalidInputException("Vector field '" + name + "' needs a dimension: use FieldSpec.vector(...).");
    }
    return new FieldSpec(name, type, 0, 0, null, null);
  }

  /** A VARCHAR field holding at most {@code maxLength} bytes of UTF-8 (1..65535), as Milvus counts. */
  public static FieldSpec varchar(String name, int maxLength) {
    if (maxLength < 1 || maxLength > MAX_VARCHAR_LENGTH) {
      throw new InvalidInputException("VARCHAR field '" + name + "' has max length " + maxLength + "; use 1.."
          + MAX_VARCHAR_LENGTH + ".");
    }
    return new FieldSpec(name, FieldType.VARCHAR, maxLength, 0, null, null);
  }

  /** A float vector field with an index. */
  public static FieldSpec vector(String name, int dimension, MetricType metric, IndexSpec index) {
    if (dimension < 1 || dimension > MAX_DIMENSION) {
      throw new InvalidInputException("Vector field '" + name + "' has dimension " + dimension + "; use 1.."
          + MAX_DIMENSION + ".");
    }
    return new FieldSpec(name, FieldType.FLOAT_VECTOR, 0, dimension,
        Objects.requireNonNull(metric, "metric"), Objects.requireNonNull(index, "index"));
  }

  /** A float vector field with exact (FLAT) search. */
  public static FieldSpec vector(String name, int dimension, MetricType metric) {
    return vector(name, dimension, metric, IndexSpec.flat());
  }

  public String name() {
    return name;
  }

  public FieldType type() {
    return type;
  }

  /** Maximum length in UTF-8 bytes for VARCHAR fields, 0 otherwise. */
  public int maxLength() {
    return maxLength;
  }

  /** Dimension for vector fields, 0 otherwise. */
  public int dimension() {
    return dimension;
  }

  /** Metric for vector fields, null otherwise. */
  public MetricType metric() {
    return metric;
  }

  /** Index for vector fields, null otherwise. */
  public IndexSpec index() {
    return index;
  }

  public boolean isVector() {
    return type.isVector();
  }

  /**
   * Checks and converts one value for this field: the type (see {@link FieldType#coerce}), the VARCHAR length,
   * and for vectors the dimension and that every component is finite.
   *
   * @throws InvalidInputException naming the field and what to change
   */
  public Object coerce(Object value) {
    Object v = type.coerce(name, value);
    if (type == FieldType.VARCHAR) {
      String s = (String) v;
      // Cheap bound first: UTF-8 never takes more than 3 bytes per UTF-16 char (4 per surrogate pair).
      if (s.length() * 3 > maxLength && utf8Length(s) > maxLength) {
        throw new InvalidInputException("Field '" + name + "' holds " + utf8Length(s) + " bytes of UTF-8 but its max "
            + "length is " + maxLength + "; shorten the value or recreate the collection with a larger max length.");
      }
    } else if (type == FieldType.FLOAT_VECTOR) {
      float[] vec = (float[]) v;
      if (vec.length != dimension) {
        throw new InvalidInputException("Vector field '" + name + "' has dimension " + dimension + " but got a vector of "
            + vec.length + " values; check that the embedder matches the collection.");
      }
      for (int i = 0; i < vec.length; i++) {
        if (!Float.isFinite(vec[i])) {
          throw new InvalidInputException("Vector field '" + name + "' got " + vec[i] + " at index " + i
              + "; vectors must hold finite numbers only (check the model's output).");
        }
      }
    }
    return v;
  }

  private static int utf8Length(String s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSpec f && name.equals(f.name) && type == f.type && maxLength == f.maxLength
        && dimension == f.dimension && metric == f.metric && Objects.equals(index, f.index);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, maxLength, dimension, metric, index);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name).append(' ').append(type);
    if (type == FieldType.VARCHAR) {
      sb.append('(').append(maxLength).append(')');
    } else if (isVector()) {
      sb.append('(').append(dimension).append(", ").append(metric).append(", ").append(index).append(')');
    }
    return sb.toString();
  }
}
