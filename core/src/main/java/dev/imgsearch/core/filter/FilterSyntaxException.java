package dev.imgsearch.core.filter;

import dev.imgsearch.core.InvalidInputException;

/**
 * A filter expression that does not parse. The message names the position of the first mistake (a 0-based
 * character offset), says what was expected there and what to write instead, and shows the expression with a
 * caret under the mistake:
 *
 * <pre>
 * Filter syntax error at position 10: expected a value after '==' but found ')'; write a number, a string in
 * double quotes, true or false.
 *   random == )
 *             ^
 * </pre>
 */
public class FilterSyntaxException extends InvalidInputException {
  private static final long serialVersionUID = 1L;
  /** How many characters of the expression the message shows on each side of the mistake. */
  private static final int CONTEXT = 40;

  private final String expression;
  private final int position;
  private final String problem;

  /**
   * @param expression the whole expression
   * @param position the 0-based character offset of the mistake (clamped to the expression)
   * @param problem what is wrong and what to do, as a sentence
   */
  public FilterSyntaxException(String expression, int position, String problem) {
    super(format(expression, position, problem));
    this.expression = expression == null ? "" : expression;
    this.position = Math.max(0, Math.min(position, this.expression.length()));
    this.problem = problem;
  }

  /** The 0-based character offset of the first mistake in {@link #expression()}. */
  public int position() {
    return position;
  }

  /** The expression that failed to parse. */
  public String expression() {
    return expression;
  }

  /** What is wrong and what to do, without the position and the excerpt. */
  public String problem() {
    return problem;
  }

  private static String format(String expression, int position, String problem) {
    String expr = expression == null ? "" : expression;
    int pos = Math.max(0, Math.min(position, expr.length()));
    int from = Math.max(0, pos - CONTEXT);
    int to = Math.min(expr.length(), pos + CONTEXT);
    StringBuilder line = new StringBuilder();
    if (from > 0) {
      line.append("...");
    }
    int caret = line.length() + (pos - from);
    for (int i = from; i < to; i++) {
      char c = expr.charAt(i);
      // Line breaks and other control characters would break the caret's alignment: show them as spaces.
      line.append(Character.isISOControl(c) ? ' ' : c);
    }
    if (to < expr.length()) {
      line.append("...");
    }
    return "Filter syntax error at position " + pos + ": " + problem + "\n  " + line + "\n  " + " ".repeat(caret)
        + "^";
  }
}
