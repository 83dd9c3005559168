package dev.imgsearch.core.filter;

import dev.imgsearch.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Builds filters from values. A value is held as a value, never pasted into text: when the filter is rendered
 * for Milvus every string is quoted and escaped, so a user's input such as {@code " or 1 == 1} can never change
 * what the filter means. Field names are checked to be identifiers.
 *
 * <pre>{@code
 * Filter f = Filters.and(
 *     Filters.eq("category", userInput),
 *     Filters.lt("price", 100),
 *     Filters.not(Filters.in("pk", List.of("a", "b"))));
 * }</pre>
 *
 * <p>Values: {@link String} (and {@link Character}), {@link Boolean}, integers ({@link Byte}, {@link Short},
 * {@link Integer}, {@link Long}, a {@link java.math.BigInteger} that fits in 64 bits) and finite
 * {@link Float}/{@link Double}; anything else, null, NaN, infinities and strings that are not valid Unicode
 * (an unpaired surrogate) raise {@link InvalidInputException}. A {@code Float} is widened to the exact double of
 * its value. Every filter's expression must stay within 4,194,304 characters and nest at
 * most 100 levels.
 */
public final class Filters {
  private Filters() {}

  /** {@code field == value}. */
  public static Filter eq(String field, Object value) {
    return comparison(field, Comparison.Operator.EQ, value);
  }

  /** {@code field != value} (false for rows without the field, like every comparison). */
  public static Filter ne(String field, Object value) {
    return comparison(field, Comparison.Operator.NE, value);
  }

  /** {@code field < value}; not for booleans. */
  public static Filter lt(String field, Object value) {
    return comparison(field, Comparison.Operator.LT, value);
  }

  /** {@code field <= value}; not for booleans. */
  public static Filter le(String field, Object value) {
    return comparison(field, Comparison.Operator.LE, value);
  }

  /** {@code field > value}; not for booleans. */
  public static Filter gt(String field, Object value) {
    return comparison(field, Comparison.Operator.GT, value);
  }

  /** {@code field >= value}; not for booleans. */
  public static Filter ge(String field, Object value) {
    return comparison(field, Comparison.Operator.GE, value);
  }

  /** {@code field in [values...]}: values of one kind (numbers, strings or booleans); an empty list matches nothing. */
  public static Filter in(String field, Collection<?> values) {
    return membership(field, values, false);
  }

  /** {@code field not in [values...]}: values of one kind; false for rows without the field. */
  public static Filter notIn(String field, Collection<?> values) {
    return membership(field, values, true);
  }

  /**
   * {@code field like pattern}, with the pattern's wildcards active: {@code %} any sequence, {@code _} one
   * character, a backslash makes the next character literal. To match a user's text literally use
   * {@link #startsWith}, {@link #endsWith}, {@link #contains} or {@link #escapeLike}.
   */
  public static Filter like(String field, String pattern) {
    if (pattern == null) {
      throw new InvalidInputException("The like pattern for filter field '" + field + "' is null; pass a pattern "
          + "such as \"cat%\".");
    }
    return checked(new Like(Values.field(field), pattern));
  }

  /** Rows whose string field starts with {@code prefix}, taken literally ({@code %}, {@code _}, {@code \} escaped). */
  public static Filter startsWith(String field, String prefix) {
    return like(field, escapeLike(prefix) + "%");
  }

  /** Rows whose string field ends with {@code suffix}, taken literally. */
  public static Filter endsWith(String field, String suffix) {
    return like(field, "%" + escapeLike(suffix));
  }

  /** Rows whose string field contains {@code text}, taken literally. */
  public static Filter contains(String field, String text) {
    return like(field, "%" + escapeLike(text) + "%");
  }

  /**
   * Escapes text for a like pattern, so that it matches itself: a backslash before each {@code %}, {@code _} and
   * {@code \}, as Milvus reads like patterns. {@code escapeLike("50%_off")} is {@code 50\%\_off}.
   */
  public static String escapeLike(String text) {
    if (text == null) {
      throw new InvalidInputException("The text to escape for a like pattern is null; pass a string.");
    }
    StringBuilder sb = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%' || c == '_' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** All of the filters; one filter is returned as it is. */
  public static Filter and(Filter... filters) {
    return and(Arrays.asList(nonNull("and", filters)));
  }

  /** All of the filters; one filter is returned as it is. */
  public static Filter and(Collection<? extends Filter> filters) {
    List<Filter> list = list("and", filters);
    return list.size() == 1 ? Node.adopt(list.get(0)) : checked(new And(list));
  }

  /** Any of the filters; one filter is returned as it is. */
  public static Filter or(Filter... filters) {
    return or(Arrays.asList(nonNull("or", filters)));
  }

  /** Any of the filters; one filter is returned as it is. */
  public static Filter or(Collection<? extends Filter> filters) {
    List<Filter> list = list("or", filters);
    return list.size() == 1 ? Node.adopt(list.get(0)) : checked(new Or(list));
  }

  /** The negation of a filter: true for rows where it is false, including rows without its fields. */
  public static Filter not(Filter filter) {
    return checked(new Not(filter));
  }

  private static Filter comparison(String field, Comparison.Operator operator, Object value) {
    String name = Values.field(field);
    return checked(new Comparison(name, operator, Values.literal(name, value)));
  }

  private static Filter membership(String field, Collection<?> values, boolean negated) {
    String name = Values.field(field);
    if (values == null) {
      throw new InvalidInputException("The list of values for filter field '" + name + "' is null; pass a "
          + "collection (it may be empty).");
    }
    List<Object> literals = new ArrayList<>(values.size());
    for (Object v : values) {
      literals.add(Values.literal(name, v));
    }
    return checked(new In(name, literals, negated));
  }

  private static Filter[] nonNull(String what, Filter[] filters) {
    if (filters == null) {
      throw new InvalidInputException("The filters for '" + what + "' are null; pass at least one filter.");
    }
    return filters;
  }

  private static List<Filter> list(String what, Collection<? extends Filter> filters) {
    if (filters == null || filters.isEmpty()) {
      throw new InvalidInputException("'" + what + "' needs at least one filter but got none; pass one or more, "
          + "or pass no filter to match every row.");
    }
    return new ArrayList<>(filters);
  }

  /** Refuses filters whose expression would be too long to parse back. */
  private static Filter checked(Node node) {
    int length = node.toExpression().length();
    if (length > FilterParser.MAX_LENGTH) {
      throw new InvalidInputException("The filter's expression is " + length + " characters long; the limit is "
          + FilterParser.MAX_LENGTH + ". Use fewer or shorter values, e.g. split a long 'in' list over several "
          + "queries.");
    }
    return node;
  }

  /**
   * The filter as a tree of this package's nodes ({@link And}, {@link Or}, {@link Not}, {@link Comparison},
   * {@link In}, {@link Like}), for code that walks it (schema checks, renderers): the filter itself when it is
   * one, else its expression parsed.
   */
  public static Filter tree(Filter filter) {
    return Node.adopt(filter);
  }
}
