package dev.imgsearch.core.filter;

import java.util.List;

/**
 * The conjunction of two or more filters: {@code a and b and c}. Operands that are themselves conjunctions are
 * flattened into this one, so {@code a and (b and c)} equals {@code a and b and c}. Evaluation stops at the first
 * false operand. Immutable; made by {@link Filter#parse} and {@link Filters#and}.
 */
public final class And extends Junction {
  And(List<? extends Filter> operands) {
    super("and", false, operands);
  }

  /** 'or' binds more loosely than 'and': an 'or' operand keeps its parentheses. */
  @Override
  boolean needsParentheses(Node operand) {
    return operand instanceof Or;
  }
}
