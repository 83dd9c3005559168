package dev.imgsearch.core.filter;

import java.util.Map;
import java.util.Set;

/**
 * The negation of a filter: {@code not (a)}. True exactly when the operand is false, so {@code not (x == 1)} is
 * true for a row without {@code x}. Rendered with parentheses always, because in Milvus's grammar {@code not}
 * binds more tightly than a comparison ({@code not x == 1} would mean {@code (not x) == 1}). Immutable; made by
 * {@link Filter#parse} and {@link Filters#not}.
 */
public final class Not extends Node {
  private final Node operand;

  Not(Filter operand) {
    this(Node.adopt(operand));
  }

  private Not(Node operand) {
    super(operand.depth() + 1);
    this.operand = operand;
  }

  public Filter operand() {
    return operand;
  }

  @Override
  public boolean matches(Map<String, ?> row) {
    return !operand.matches(row);
  }

  @Override
  public Set<String> fields() {
    return operand.fields();
  }

  @Override
  void render(StringBuilder sb) {
    sb.append("not (");
    operand.render(sb);
    sb.append(')');
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Not n && operand.equals(n.operand);
  }

  @Override
  public int hashCode() {
    return 31 * operand.hashCode() + 3;
  }
}
