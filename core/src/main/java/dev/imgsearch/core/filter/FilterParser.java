package dev.imgsearch.core.filter;

import dev.imgsearch.core.InvalidInputException;
import java.util.ArrayList;
import java.util.List;
import dev.imgsearch.core.filter.FilterLexer.Token;
import dev.imgsearch.core.filter.FilterLexer.Type;
import java.util.function.Supplier;

/**
 * A hand-written recursive-descent parser for the filter language, a subset of Milvus boolean expressions:
 *
 * <pre>
 * filter     := or EOF
 * or         := and (("or" | "||") and)*
 * and        := unary (("and" | "&amp;&amp;") unary)*
 * unary      := ("not" | "!") unary | "(" or ")" | condition
 * condition  := operand op operand                      -- one side a field, the other a literal
 *             | literal ("&lt;" | "&lt;=") field ("&lt;" | "&lt;=") literal  -- a range, also with &gt; and &gt;=
 *             | field ["not"] "in" "[" [literal ("," literal)* [","]] "]"
 *             | field "like" string
 * op         := "==" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;="
 * literal    := ["-"] integer | ["-"] float | string | true | false
 * </pre>
 *
 * Keywords are written in lower or upper case ({@code and}, {@code AND}), booleans also as {@code True} and
 * {@code False}, as Milvus accepts them. Strings take double or single quotes and the escapes {@code \" \' \\ \n
 * \t \r \b \f \v \a \? \\uXXXX \UXXXXXXXX}. Integers are 64-bit and written without leading zeros (Milvus reads
 * {@code 010} as octal). Expressions are limited to {@link #MAX_LENGTH} characters and {@link #MAX_NESTING}
 * levels of parentheses and negations, so that no input can exhaust the stack.
 */
final class FilterParser {
  /** The longest expression accepted, in characters. */
  static final int MAX_LENGTH = 4 * 1024 * 1024;
  /** The deepest nesting of parentheses and {@code not} accepted. */
  static final int MAX_NESTING = 200;


  private final String source;
  private final List<Token> tokens;
  private int next;
  private int nesting;

  private FilterParser(String source) {
    this.source = source;
    this.tokens = new FilterLexer(source).run();
  }

  /** Parses an expression into a tree. */
  static Node parse(String expression) {
    if (expression == null) {
      throw new InvalidInputException("Filter expression is null; pass an expression such as \"random > 0.5\", or "
          + "no filter to match every row.");
    }
    if (expression.length() > MAX_LENGTH) {
      throw new FilterSyntaxException(expression, MAX_LENGTH, "the expression is " + expression.length()
          + " characters long; the limit is " + MAX_LENGTH + ". Split the work into several queries with shorter "
          + "'in' lists.");
    }
    return new FilterParser(expression).parseFilter();
  }

  private Node parseFilter() {
    Token first = peek();
    if (first.type() == Type.EOF) {
      throw error(first.start(), "the expression is empty; write a condition such as random > 0.5, or pass no filter "
          + "to match every row.");
    }
    Node node = parseOr();
    Token t = peek();
    if (t.type() == Type.RPAREN) {
      throw error(t.start(), "unbalanced ')': no '(' is open here; remove it or add the matching '('.");
    }
    if (t.type() != Type.EOF) {
      throw error(t.start(), "unexpected " + describe(t) + " after a complete condition; join conditions with 'and' "
          + "or 'or'.");
    }
    return node;
  }

  private Node parseOr() {
    Node first = parseAnd();
    if (peek().type() != Type.OR) {
      return first;
    }
    Token op = peek();
    List<Node> operands = new ArrayList<>();
    operands.add(first);
    while (peek().type() == Type.OR) {
      take();
      operands.add(parseAnd());
    }
    return build(op, () -> new Or(operands));
  }

  private Node parseAnd() {
    Node first = parseUnary();
    if (peek().type() != Type.AND) {
      return first;
    }
    Token op = peek();
    List<Node> operands = new ArrayList<>();
    operands.add(first);
    while (peek().type() == Type.AND) {
      take();
      operands.add(parseUnary());
    }
    return build(op, () -> new And(operands));
  }

  private Node parseUnary() {
    Token t = peek();
    if (t.type() == Type.NOT) {
      take();
      enter(t);
      Node operand = parseUnary();
      nesting--;
      return build(t, () -> new Not(operand));
    }
    if (t.type() == Type.LPAREN) {
      take();
      enter(t);
      Node inner = parseOr();
      Token close = peek();
      if (close.type() != Type.RPAREN) {
        throw error(close.start(), "expected ')' to close the '(' at position " + t.start() + " but found "
            + describe(close) + "; add the ')' or join conditions with 'and' or 'or'.");
      }
      take();
      nesting--;
      return inner;
    }
    return parseCondition();
  }

  private void enter(Token t) {
    if (++nesting > MAX_NESTING) {
      throw error(t.start(), "the expression nests parentheses and 'not' more than " + MAX_NESTING + " levels deep; "
          + "simplify it.");
    }
  }

  private Node parseCondition() {
    Token left = peek();
    Object leftValue;
    if (left.type() == Type.IDENT) {
      take();
      leftValue = null;
    } else if (isLiteralStart(left.type())) {
      leftValue = parseLiteral();
    } else {
      throw error(left.start(), "expected a condition" + after(left) + " but found " + describe(left)
          + "; a condition compares a field with a value, like price < 100.");
    }
    String field = leftValue == null ? name(left) : null;

    Token op = peek();
    switch (op.type()) {
      case EQ, NE, LT, LE, GT, GE -> {
        take();
        return parseComparison(left, field, leftValue, op);
      }
      case IN -> {
        take();
        requireField(field, left, op);
        return parseList(field, left, false);
      }
      case NOT -> {
        Token in = tokens.get(next + 1);
        if (in.type() == Type.IN && Character.isLetter(source.charAt(op.start()))) {
          take();
          take();
          requireField(field, left, op);
          return parseList(field, left, true);
        }
        throw error(op.start(), "expected an operator after " + describe(left) + " but found " + describe(op)
            + "; write 'not in [...]' or put 'not' before the condition: not (x == 1).");
      }
      case LIKE -> {
        take();
        requireField(field, left, op);
        Token pattern = peek();
        if (pattern.type() != Type.STRING) {
          throw error(pattern.start(), "expected a string pattern after 'like' but found " + describe(pattern)
              + "; write a quoted pattern such as \"cat%\".");
        }
        take();
        return build(pattern, () -> new Like(field, (String) pattern.value()));
      }
      default -> {
        String what = field != null ? "an operator" : "a comparison operator";
        throw error(op.start(), "expected " + what + " after " + describe(left) + " but found " + describe(op)
            + "; use ==, !=, <, <=, >, >=" + (field != null ? ", in, not in or like" : "")
            + (field != null && op.type() == Type.EOF ? " (to test a boolean field write " + field + " == true)" : "")
            + ".");
      }
    }
  }

  private Node parseComparison(Token left, String leftField, Object leftValue, Token op) {
    Token right = peek();
    Object rightValue;
    if (right.type() == Type.IDENT) {
      take();
      rightValue = null;
    } else if (isLiteralStart(right.type())) {
      rightValue = parseLiteral();
    } else {
      throw error(right.start(), "expected a value after " + describe(op) + " but found " + describe(right)
          + "; write a number, a string in double quotes, true or false.");
    }
    Comparison.Operator operator = operator(op.type());
    if (leftField != null && rightValue == null) {
      throw error(right.start(), "comparing two fields ('" + leftField + "' and '"
          + source.substring(right.start(), right.end()) + "') is not supported; compare a field with a value.");
    }
    if (rightValue == null) {
      name(right);
    }
    if (leftField == null && rightValue != null) {
      throw error(left.start(), "a comparison needs a field name on one side; both sides are values.");
    }
    Token second = peek();
    if (second.type().isComparison()) {
      // A range: 1 < x < 5, 5 >= x > 1.
      if (leftField != null) {
        throw error(second.start(), "a comparison cannot be compared again; write a range with the field in the "
            + "middle, like 1 < x < 5, or join conditions with 'and'.");
      }
      Comparison.Operator operator2 = operator(second.type());
      boolean up = operator == Comparison.Operator.LT || operator == Comparison.Operator.LE;
      boolean up2 = operator2 == Comparison.Operator.LT || operator2 == Comparison.Operator.LE;
      boolean down = operator == Comparison.Operator.GT || operator == Comparison.Operator.GE;
      boolean down2 = operator2 == Comparison.Operator.GT || operator2 == Comparison.Operator.GE;
      if (!(up && up2) && !(down && down2)) {
        throw error(second.start(), "a range needs two operators in the same direction, like 1 < x <= 5 or "
            + "5 > x >= 1.");
      }
      take();
      Token upperToken = peek();
      if (!isLiteralStart(upperToken.type())) {
        throw error(upperToken.start(), "expected a value after " + describe(second) + " but found "
            + describe(upperToken) + "; a range ends with a value, like 1 < x < 5.");
      }
      Object upper = parseLiteral();
      String field = name(right);
      Comparison low = build(op, () -> new Comparison(field, operator.mirrored(), leftValue));
      Comparison high = build(second, () -> new Comparison(field, operator2, upper));
      return build(op, () -> new And(List.of(low, high)));
    }
    if (leftField != null) {
      return build(op, () -> new Comparison(leftField, operator, rightValue));
    }
    String field = name(right);
    return build(op, () -> new Comparison(field, operator.mirrored(), leftValue));
  }

  private Node parseList(String field, Token left, boolean negated) {
    Token open = peek();
    if (open.type() != Type.LBRACKET) {
      throw error(open.start(), "expected a list after '" + (negated ? "not in" : "in") + "' but found "
          + describe(open) + "; write the values in brackets, like [1, 2, 3] or [\"a\", \"b\"].");
    }
    take();
    List<Object> values = new ArrayList<>();
    Object first = null;
    while (peek().type() != Type.RBRACKET) {
      Token t = peek();
      if (!isLiteralStart(t.type())) {
        throw error(t.start(), "expected a value or ']' in the list but found " + describe(t)
            + "; a list holds numbers, strings or booleans, separated by commas.");
      }
      Object value = parseLiteral();
      if (first == null) {
        first = value;
      } else if (!Values.sameKind(first, value)) {
        throw error(t.start(), "the list mixes " + Values.kind(first) + " and " + Values.kind(value)
            + "; use values of one kind.");
      }
      values.add(value);
      Token sep = peek();
      if (sep.type() == Type.COMMA) {
        take();
      } else if (sep.type() != Type.RBRACKET) {
        throw error(sep.start(), "expected ',' or ']' in the list but found " + describe(sep)
            + "; separate values with commas and close the list with ']'.");
      }
    }
    take();
    return build(left, () -> new In(field, values, negated));
  }

  private static boolean isLiteralStart(Type type) {
    return type == Type.NUMBER || type == Type.MINUS || type == Type.STRING || type == Type.TRUE
        || type == Type.FALSE;
  }

  /** Parses a literal at the current token: a (negative) number, a string or a boolean. */
  private Object parseLiteral() {
    Token t = take();
    switch (t.type()) {
      case STRING:
        return t.value();
      case TRUE:
        return Boolean.TRUE;
      case FALSE:
        return Boolean.FALSE;
      case MINUS: {
        Token number = peek();
        if (number.type() != Type.NUMBER) {
          throw error(number.start(), "expected a number after '-' but found " + describe(number) + ".");
        }
        take();
        return number(t, number, true);
      }
      case NUMBER:
        return number(t, t, false);
      default:
        throw new AssertionError(t);
    }
  }

  private Object number(Token start, Token number, boolean negative) {
    String text = source.substring(number.start(), number.end());
    boolean integral = text.chars().allMatch(Character::isDigit);
    if (integral) {
      try {
        return Long.parseLong(negative ? "-" + text : text);
      } catch (NumberFormatException e) {
        throw error(start.start(), "the integer " + (negative ? "-" : "") + Values.shorten(text) + " does not fit in "
            + "64 bits (" + Long.MIN_VALUE + " to " + Long.MAX_VALUE + ").");
      }
    }
    double d = Double.parseDouble(text);
    if (Double.isInfinite(d)) {
      throw error(start.start(), "the number " + (negative ? "-" : "") + Values.shorten(text) + " is too large for a "
          + "double.");
    }
    return negative ? -d : d;
  }

  private void requireField(String field, Token left, Token op) {
    if (field == null) {
      throw error(left.start(), "the left side of " + describe(op) + " must be a field name but is "
          + describe(left) + ".");
    }
  }

  private static Comparison.Operator operator(Type type) {
    return switch (type) {
      case EQ -> Comparison.Operator.EQ;
      case NE -> Comparison.Operator.NE;
      case LT -> Comparison.Operator.LT;
      case LE -> Comparison.Operator.LE;
      case GT -> Comparison.Operator.GT;
      case GE -> Comparison.Operator.GE;
      default -> throw new AssertionError(type);
    };
  }

  /** Builds a node; an error from its constructor becomes a syntax error at {@code at}. */
  private <T extends Node> T build(Token at, Supplier<T> node) {
    try {
      return node.get();
    } catch (FilterSyntaxException e) {
      throw e;
    } catch (InvalidInputException e) {
      throw error(at.start(), e.getMessage());
    }
  }

  /** The field name an identifier token spells, checked (not a reserved word, not too long). */
  private String name(Token identifier) {
    String name = source.substring(identifier.start(), identifier.end());
    try {
      return Values.field(name);
    } catch (InvalidInputException e) {
      throw error(identifier.start(), e.getMessage());
    }
  }

  private Token peek() {
    return tokens.get(next);
  }

  private Token take() {
    Token t = tokens.get(next);
    if (t.type() != Type.EOF) {
      next++;
    }
    return t;
  }

  private String after(Token t) {
    if (next == 0) {
      return "";
    }
    Token previous = tokens.get(next - 1);
    return previous.end() <= t.start() ? " after " + describe(previous) : "";
  }

  private String describe(Token t) {
    return switch (t.type()) {
      case EOF -> "the end of the expression";
      case STRING -> "the string " + Values.shorten(source.substring(t.start(), t.end()));
      case NUMBER -> "the number " + Values.shorten(source.substring(t.start(), t.end()));
      default -> "'" + Values.shorten(source.substring(t.start(), t.end())) + "'";
    };
  }

  private FilterSyntaxException error(int position, String problem) {
    return new FilterSyntaxException(source, position, problem);
  }

}
