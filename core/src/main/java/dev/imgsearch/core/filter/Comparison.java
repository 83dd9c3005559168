package dev.imgsearch.core.filter;

import dev.imgsearch.core.InvalidInputException;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A comparison of a field with a literal value: {@code price < 100}, {@code category == "tech"},
 * {@code flag != true}. A literal on the left ({@code 100 > price}) is stored with the field on the left and the
 * operator mirrored. Immutable; made by {@link Filter#parse} and {@link Filters}.
 *
 * <p>Evaluation: numbers compare numerically across Integer, Long, Float and Double (two integers exactly as
 * longs, never through a double; a Float field with a fractional literal at float precision, as Milvus does);
 * strings compare by Unicode code point; booleans support {@code ==} and {@code !=} only. A missing field, a null
 * value, or a value of another kind (a string against a number) makes every comparison false, {@code !=} too.
 */
public final class Comparison extends Node {

  /** The comparison operators, with their Milvus symbols. */
  public enum Operator {
    EQ("=="),
    NE("!="),
    LT("<"),
    LE("<="),
    GT(">"),
    GE(">=");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }

    /** The operator as written in an expression, e.g. {@code "<="}. */
    public String symbol() {
      return symbol;
    }

    /** Whether this is an ordering ({@code < <= > >=}) rather than an equality test. */
    public boolean isOrdering() {
      return this != EQ && this != NE;
    }

    /** The operator with its operands swapped: {@code a < b} is {@code b > a}. */
    public Operator mirrored() {
      return switch (this) {
        case LT -> GT;
        case LE -> GE;
        case GT -> LT;
        case GE -> LE;
        default -> this;
      };
    }

    boolean test(int cmp) {
      if (cmp == Values.UNORDERED) {
        return this == NE;
      }
      return switch (this) {
        case EQ -> cmp == 0;
        case NE -> cmp != 0;
        case LT -> cmp < 0;
        case LE -> cmp <= 0;
        case GT -> cmp > 0;
        case GE -> cmp >= 0;
      };
    }
  }

  private final String field;
  private final Operator operator;
  private final Object value;
  private final Set<String> fields;

  Comparison(String field, Operator operator, Object value) {
    super(1);
    this.field = Values.field(field);
    this.operator = Objects.requireNonNull(operator, "operator");
    this.value = Values.checkLiteral(field, value);
    if (value instanceof Boolean && operator.isOrdering()) {
      throw new InvalidInputException("Filter '" + field + " " + operator.symbol() + " " + value + "' orders a "
          + "boolean; booleans support only == and !=.");
    }
    this.fields = Set.of(field);
  }

  /** The field on the left. */
  public String field() {
    return field;
  }

  public Operator operator() {
    return operator;
  }

  /** The literal: a {@link Long}, a finite {@link Double}, a {@link String} or a {@link Boolean}. */
  public Object value() {
    return value;
  }

  @Override
  public boolean matches(Map<String, ?> row) {
    Object v = row.get(field);
    if (v == null) {
      return false;
    }
    if (value instanceof String s) {
      return v instanceof String rs && operator.test(Values.compareStrings(rs, s));
    }
    if (value instanceof Boolean b) {
      return v instanceof Boolean && (operator == Operator.EQ) == b.equals(v);
    }
    return v instanceof Number n && operator.test(Values.compareNumbers(n, value));
  }

  @Override
  public Set<String> fields() {
    return fields;
  }

  @Override
  void render(StringBuilder sb) {
    sb.append(field).append(' ').append(operator.symbol()).append(' ');
    Values.render(value, sb);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Comparison c && field.equals(c.field) && operator == c.operator && value.equals(c.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(field, operator, value);
  }
}
