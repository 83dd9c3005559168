package dev.imgsearch.core.filter;

import java.util.List;

/**
 * The disjunction of two or more filters: {@code a or b or c}. Operands that are themselves disjunctions are
 * flattened into this one, so {@code a or (b or c)} equals {@code a or b or c}. Evaluation stops at the first true
 * operand. Immutable; made by {@link Filter#parse} and {@link Filters#or}.
 */
public final class Or extends Junction {
  Or(List<? extends Filter> operands) {
    super("or", true, operands);
  }

  /** Every operand binds at least as tightly as 'or': 'and' chains need no parentheses here. */
  @Override
  boolean needsParentheses(Node operand) {
    return false;
  }
}
