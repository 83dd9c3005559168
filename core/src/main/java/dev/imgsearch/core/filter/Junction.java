package dev.imgsearch.core.filter;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.imgsearch.core.InvalidInputException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@link And} and {@link Or} share: two or more operands, flattened when an operand is a junction of the same
 * kind ({@code a and (b and c)} is {@code a and b and c}), evaluated left to right until one decides the result.
 */
abstract sealed class Junction extends Node permits And, Or {
  private final List<Filter> operands;
  private final Set<String> fields;
  private final String keyword;
  /** The operand value that decides the result at once: false for 'and', true for 'or'. */
  private final boolean decisive;

  Junction(String keyword, boolean decisive, List<? extends Filter> operands) {
    this(keyword, decisive, flatten(keyword, operands));
  }

  private Junction(String keyword, boolean decisive, ImmutableList<Node> flat) {
    super(1 + flat.stream().mapToInt(Node::depth).max().orElse(0));
    this.keyword = keyword;
    this.decisive = decisive;
    this.operands = ImmutableList.copyOf(flat);
    this.fields = flat.stream().flatMap(f -> f.fields().stream()).collect(ImmutableSet.toImmutableSet());
  }

  private static ImmutableList<Node> flatten(String keyword, List<? extends Filter> operands) {
    if (operands.size() < 2) {
      throw new InvalidInputException("'" + keyword + "' needs at least two operands but got " + operands.size()
          + ".");
    }
    ImmutableList.Builder<Node> flat = ImmutableList.builder();
    for (Filter f : operands) {
      Node node = Node.adopt(f);
      if (node instanceof Junction j && j.keyword.equals(keyword)) {
        j.operands.forEach(o -> flat.add((Node) o));
      } else {
        flat.add(node);
      }
    }
    return flat.build();
  }

  /** The operands, in order; none of them is a junction of this kind. */
  public List<Filter> operands() {
    return operands;
  }

  @Override
  public boolean matches(Map<String, ?> row) {
    for (Filter f : operands) {
      if (f.matches(row) == decisive) {
        return decisive;
      }
    }
    return !decisive;
  }

  @Override
  public Set<String> fields() {
    return fields;
  }

  /** Whether an operand must be put in parentheses to keep its meaning inside this junction. */
  abstract boolean needsParentheses(Node operand);

  @Override
  void render(StringBuilder sb) {
    for (int i = 0; i < operands.size(); i++) {
      if (i > 0) {
        sb.append(' ').append(keyword).append(' ');
      }
      Node operand = (Node) operands.get(i);
      if (needsParentheses(operand)) {
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
    return o != null && o.getClass() == getClass() && operands.equals(((Junction) o).operands);
  }

  @Override
  public int hashCode() {
    return 31 * operands.hashCode() + keyword.hashCode();
  }
}
