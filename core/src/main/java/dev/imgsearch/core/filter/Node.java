package dev.imgsearch.core.filter;

import dev.imgsearch.core.InvalidInputException;

/**
 * The common part of the filter tree's nodes: nesting depth, rendering, and adopting filters of other classes.
 */
abstract sealed class Node implements Filter permits Comparison, In, Like, Junction, Not {
  /**
   * The deepest tree a filter may be. A rendered tree nests at most two levels per node ({@code not (...)}), so
   * every tree renders to an expression within the parser's {@link FilterParser#MAX_NESTING}.
   */
  static final int MAX_DEPTH = FilterParser.MAX_NESTING / 2;

  private final int depth;
  private volatile String expression;

  Node(int depth) {
    if (depth > MAX_DEPTH) {
      throw new InvalidInputException("Filter is nested " + depth + " levels deep; the limit is " + MAX_DEPTH
          + ". Simplify it, e.g. combine conditions with one and(...) or or(...) instead of nesting them.");
    }
    this.depth = depth;
  }

  /** 1 for a condition, one more than the deepest operand for and/or/not. */
  final int depth() {
    return depth;
  }

  /** Appends this node in canonical Milvus syntax. */
  abstract void render(StringBuilder sb);

  @Override
  public final String toExpression() {
    String e = expression;
    if (e == null) {
      StringBuilder sb = new StringBuilder();
      render(sb);
      e = sb.toString();
      expression = e;
    }
    return e;
  }

  @Override
  public final String toString() {
    return toExpression();
  }

  /**
   * This package's node for any filter: a node as it is; a filter of another class parsed from its
   * expression, so that what it renders can never escape its place in a larger expression.
   */
  static Node adopt(Filter filter) {
    if (filter == null) {
      throw new InvalidInputException("A filter operand is null; pass a filter made by Filter.parse or Filters.");
    }
    if (filter instanceof Node node) {
      return node;
    }
    String expression = filter.toExpression();
    try {
      return FilterParser.parse(expression);
    } catch (FilterSyntaxException e) {
      throw new InvalidInputException("Filter of " + filter.getClass().getName() + " renders an expression that "
          + "does not parse; fix its toExpression(). " + e.getMessage(), e);
    }
  }
}
