package dev.imgsearch.core.store;

import dev.imgsearch.core.InvalidInputException;
import java.util.List;
import java.util.Map;

/**
 * Field types, as Milvus names them, with the Java type each value takes in a {@link Row}:
 *
 * <table>
 *   <caption>Java value types</caption>
 *   <tr><th>type</th><th>Java value</th></tr>
 *   <tr><td>INT32</td><td>{@link Integer}</td></tr>
 *   <tr><td>INT64</td><td>{@link Long}</td></tr>
 *   <tr><td>FLOAT</td><td>{@link Float}</td></tr>
 *   <tr><td>DOUBLE</td><td>{@link Double}</td></tr>
 *   <tr><td>BOOL</td><td>{@link Boolean}</td></tr>
 *   <tr><td>VARCHAR</td><td>{@link String}</td></tr>
 *   <tr><td>JSON</td><td>{@link Map}, {@link List}, {@link String}, {@link Number}, {@link Boolean} or null</td></tr>
 *   <tr><td>FLOAT_VECTOR</td><td>{@code float[]}</td></tr>
 * </table>
 */
public enum FieldType {
  INT32,
  INT64,
  FLOAT,
  DOUBLE,
  BOOL,
  VARCHAR,
  JSON,
  FLOAT_VECTOR;

  /** Whether this is a vector type. */
  public boolean isVector() {
    return this == FLOAT_VECTOR;
  }

  /** Whether values of this type are numbers. */
  public boolean isNumeric() {
    return this == INT32 || this == INT64 || this == FLOAT || this == DOUBLE;
  }

  /**
   * Converts {@code value} to this type's Java value type, widening numbers where no information is lost
   * (an {@code Integer} for an INT64 field becomes a {@code Long}; a whole {@code Double} for an INT64 field
   * becomes a {@code Long}). Vectors are returned as given: check their dimension with
   * {@link FieldSpec#coerce(Object)}.
   *
   * @throws InvalidInputException when the value cannot represent this type; the message names the field
   */
  public Object coerce(String field, Object value) {
    if (value == null) {
      throw new InvalidInputException("Field '" + field + "' (" + this + ") is null; give it a value.");
    }
    switch (this) {
      case INT32, INT64 -> {
        long l;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
          l = ((Number) value).longValue();
        } else if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
            && !Double.isInfinite(n.doubleValue())) {
          l = n.longValue();
        } else {
          throw mismatch(field, value);
        }
        if (this == INT32) {
          if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new InvalidInputException("Field '" + field + "' is INT32 but " + l + " does not fit in 32 bits; "
                + "declare the field INT64.");
          }
          return (int) l;
        }
        return l;
      }
      case FLOAT -> {
        if (value instanceof Number n) {
          return n.floatValue();
        }
        throw mismatch(field, value);
      }
      case DOUBLE -> {
        if (value instanceof Number n) {
          return n.doubleValue();
        }
        throw mismatch(field, value);
      }
      case BOOL -> {
        if (value instanceof Boolean) {
          return value;
        }
        throw mismatch(field, value);
      }
      case VARCHAR -> {
        if (value instanceof String || value instanceof Character) {
          return value.toString();
        }
        throw mismatch(field, value);
      }
      case JSON -> {
        if (value instanceof Map || value instanceof List || value instanceof String || value instanceof Number
            || value instanceof Boolean) {
          return value;
        }
        throw mismatch(field, value);
      }
      case FLOAT_VECTOR -> {
        if (value instanceof float[]) {
          return value;
        }
        if (value instanceof List<?> list) {
          float[] v = new float[list.size()];
          for (int i = 0; i < v.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
              throw mismatch(field, value);
            }
            v[i] = n.floatValue();
          }
          return v;
        }
        throw mismatch(field, value);
      }
      default -> throw new AssertionError(this);
    }
  }

  private InvalidInputException mismatch(String field, Object value) {
    String shown = String.valueOf(value);
    if (shown.length() > 80) {
      shown = shown.substring(0, 80) + "...";
    }
    return new InvalidInputException("Field '" + field + "' is " + this + " but got " + value.getClass().getSimpleName()
        + " '" + shown + "'; pass a value of type " + javaTypeName() + ".");
  }

  private String javaTypeName() {
    return switch (this) {
      case INT32 -> "Integer";
      case INT64 -> "Long";
      case FLOAT -> "Float";
      case DOUBLE -> "Double";
      case BOOL -> "Boolean";
      case VARCHAR -> "String";
      case JSON -> "Map, List, String, Number or Boolean";
      case FLOAT_VECTOR -> "float[]";
    };
  }
}
