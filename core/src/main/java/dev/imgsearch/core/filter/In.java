package dev.imgsearch.core.filter;

import com.google.common.collect.ImmutableList;
import dev.imgsearch.core.InvalidInputException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A membership test: {@code pk in ["a", "b"]} or {@code year not in [2020, 2021]}. The list holds literals of one
 * kind (numbers, strings or booleans) and may be empty. Immutable; made by {@link Filter#parse} and
 * {@link Filters}.
 *
 * <p>Evaluation uses a hash set built once, with the equality of {@link Comparison}: {@code in} is true when the
 * field's value equals an element; {@code not in} when the value is of the list's kind and equals none. A missing
 * field, a null value, or a value of another kind makes both false.
 */
public final class In extends Node {
  private final String field;
  private final List<Object> values;
  private final boolean negated;
  private final Set<String> fields;
  /** Each element under its {@link Values#key}. */
  private final Set<Object> keys;
  /** The fractional elements at float precision, for Float values (as {@link Comparison} compares them). */
  private final Set<Float> floatKeys;
  /** An element, to check a value's kind; null for an empty list. */
  private final Object sample;

  In(String field, List<?> values, boolean negated) {
    super(1);
    this.field = Values.field(field);
    ImmutableList.Builder<Object> checked = ImmutableList.builderWithExpectedSize(values.size());
    Object first = null;
    for (Object v : values) {
      Object literal = Values.checkLiteral(field, v);
      if (first == null) {
        first = literal;
      } else if (!Values.sameKind(first, literal)) {
        throw new InvalidInputException("The list for filter field '" + field + "' mixes " + Values.kind(first)
            + " and " + Values.kind(literal) + "; use values of one kind.");
      }
      checked.add(literal);
    }
    this.values = checked.build();
    this.negated = negated;
    this.sample = first;
    this.fields = Set.of(field);
    this.keys = new HashSet<>();
    Set<Float> floats = new HashSet<>();
    for (Object v : this.values) {
      keys.add(Values.key(v));
      if (v instanceof Double d && Values.key(d) instanceof Double) {
        floats.add(normalize(d.floatValue()));
      }
    }
    this.floatKeys = floats;
  }

  private static float normalize(float f) {
    return f == 0f ? 0f : f; // -0.0f equals 0.0f numerically but not as a Float key
  }

  public String field() {
    return field;
  }

  /** The list's literals, in order: each a {@link Long}, a finite {@link Double}, a {@link String} or a {@link Boolean}. */
  public List<Object> values() {
    return values;
  }

  /** Whether this is {@code not in}. */
  public boolean negated() {
    return negated;
  }

  @Override
  public boolean matches(Map<String, ?> row) {
    Object v = row.get(field);
    if (v == null) {
      return false;
    }
    if (sample == null) {
      // The empty list: nothing is in it; any value of a kind a list can hold is not in it.
      return negated && (v instanceof String || v instanceof Number || v instanceof Boolean);
    }
    if (!(sample instanceof Number ? v instanceof Number : sample.getClass() == v.getClass())) {
      return false;
    }
    boolean contained;
    if (v instanceof Float f) {
      contained = (!f.isNaN() && floatKeys.contains(normalize(f))) || keys.contains(Values.key(f.doubleValue()));
    } else {
      Object key = Values.key(v);
      contained = key != null && keys.contains(key);
    }
    return contained != negated;
  }

  @Override
  public Set<String> fields() {
    return fields;
  }

  @Override
  void render(StringBuilder sb) {
    sb.append(field).append(negated ? " not in [" : " in [");
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Values.render(values.get(i), sb);
    }
    sb.append(']');
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof In in && field.equals(in.field) && negated == in.negated && values.equals(in.values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(field, values, negated);
  }
}
