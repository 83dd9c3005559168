package dev.imgsearch.core.filter;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.imgsearch.core.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The disjunction of two or more filters: {@code a or b or c}. Operands that are themselves disjunctions are
 * flattened into this one, so {@code a or (b or c)} equals {@code a or b or c}. Evaluation stops at the first true
 * operand. Immutable; made by {@link Filter#parse} and {@link Filters#or}.
 */
public final class Or extends Node {
  private final List<Filter> operands;
  private final Set<String> fields;

  Or(List<? extends Filter> operands) {
    this(flatten(operands));
  }

  private Or(ImmutableList<Node> flat) {
    super(1 + flat.stream().mapToInt(Node::depth).max().orElse(0));
    this.operands = ImmutableList.copyOf(flat);
    this.fields = flat.stream().flatMap(f -> f.fields().stream()).collect(ImmutableSet.toImmutableSet());
  }

  private static ImmutableList<Node> flatten(List<? extends Filter> operands) {
    if (operands.size() < 2) {
      throw new InvalidInputException("'or' needs at least two operands but got " + operands.size() + ".");
    }
    ImmutableList.Builder<Node> flat = ImmutableList.builder();
    for (Filter f : operands) {
      Node node = Node.adopt(f);
      if (node instanceof Or or) {
        or.operands.forEach(o -> flat.add((Node) o));
      } else {
        flat.add(node);
      }
    }
    return flat.build();
  }

  /** The operands, in order; none of them is an {@link Or}. */
  public List<Filter> operands() {
    return operands;
  }

  @Override
  public boolean matches(Map<String, ?> row) {
    for (Filter f : operands) {
      if (f.matches(row)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Set<String> fields() {
    return fields;
  }

  @Override
  void render(StringBuilder sb) {
    // Every operand binds at least as tightly as 'or': 'and' chains need no parentheses here.
    for (int i = 0; i < operands.size(); i++) {
      if (i > 0) {
        sb.append(" or ");
      }
      ((Node) operands.get(i)).render(sb);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Or a && operands.equals(a.operands);
  }

  @Override
  public int hashCode() {
    return 31 * operands.hashCode() + 2;
  }
}
