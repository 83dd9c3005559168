package dev.imgsearch.core.filter;

import java.util.Map;
import java.util.Set;

/**
 * A boolean filter over a row's fields, in a subset of Milvus's boolean expression language, parsed once into a
 * tree. Embedded stores {@linkplain #matches evaluate} it; the Milvus store {@linkplain #toExpression renders}
 * it back to Milvus syntax. Immutable and thread-safe.
 *
 * <p>Build one from text with {@link #parse(String)}, or from values with {@link Filters}, which escapes them so
 * a user's value can never change the expression's meaning:
 *
 * <pre>{@code
 * Filter f = Filter.parse("category == \"tech\" and price < 100");
 * Filter g = Filters.and(Filters.eq("category", userInput), Filters.lt("price", 100));
 * }</pre>
 */
public interface Filter {

  /**
   * Parses an expression.
   *
   * @throws FilterSyntaxException with the position of the first mistake
   */
  static Filter parse(String expression) {
    return FilterParser.parse(expression);
  }

  /**
   * Evaluates the filter on a row given as field name to value (a missing field is absent: comparisons with it
   * are false, so {@code not (x == 1)} is true for a row without {@code x}).
   */
  boolean matches(Map<String, ?> row);

  /** The field names the expression refers to, for validation against a schema. */
  Set<String> fields();

  /**
   * The expression in canonical Milvus syntax, with every string literal escaped. {@code parse(toExpression())}
   * gives an equal filter.
   */
  String toExpression();
}
