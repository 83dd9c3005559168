package dev.imgsearch.core.filter;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.imgsearch.core.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The conjunction of two or more filters: {@code a and b and c}. Operands that are themselves conjunctions are
 * flattened into this one, so {@code a and (b and c)} equals {@code a and b and c}. Evaluation stops at the first
 * false operand. Immutable; made by {@link Filter#parse} and {@link Filters#and}.
 */
public final class And extends Node {
  private final List<Filter> operands;
  private final Set<String> fields;

  And(List<? extends Filter> operands) {
    this(flatten(operands));
  }

  private And(ImmutableList<Node> flat) {
    super(1 + flat.stream().mapToInt(Node::depth).max().orElse(0));
    this.operands = ImmutableList.copyOf(flat);
    this.fields = flat.stream().flatMap(f -> f.fields().stream()).collect(ImmutableSet.toImmutableSet());
  }

  private static ImmutableList<Node> flatten(List<? extends Filter> operands) {
    if (operands.size() < 2) {
      throw new InvalidInputException("'and' needs at least two operands but got " + operands.size() + ".");
    }
    ImmutableList.Builder<Node> flat = ImmutableList.builder();
    for (Filter f : operands) {
      Node node = Node.adopt(f);
      if (node instanceof And and) {
        and.operands.forEach(o -> flat.add((Node) o));
      } else {
        flat.add(node);
      }
    }
    return flat.build();
  }

  /** The operands, in order; none of them is an {@link And}. */
  public List<Filter> operands() {
    return operands;
  }

  @Override
  public boolean matches(Map<String, ?> row) {
    for (Filter f : operands) {
      if (!f.matches(row)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Set<String> fields() {
    return fields;
  }

  @Override
  void render(StringBuilder sb) {
    for (int i = 0; i < operands.size(); i++) {
      if (i > 0) {
        sb.append(" and ");
      }
      Node operand = (Node) operands.get(i);
      // 'or' binds more loosely than 'and': keep it together with parentheses.
      if (operand instanceof Or) {
        sb.append('(');
        operand.render(sb);
        sb.append(')');
      } else {
        operand.render(sb);
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof And a && operands.equals(a.operands);
  }

  @Override
  public int hashCode() {
    return 31 * operands.hashCode() + 1;
  }
}
