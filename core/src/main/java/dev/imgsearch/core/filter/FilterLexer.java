package dev.imgsearch.core.filter;

import java.util.ArrayList;
import java.util.List;

/** Splits a filter expression into tokens, ending with EOF; {@link FilterParser} parses them. */
final class FilterLexer {
  enum Type {
    IDENT("a field name"),
    NUMBER("a number"),
    STRING("a string"),
    TRUE("true"),
    FALSE("false"),
    LPAREN("'('"),
    RPAREN("')'"),
    LBRACKET("'['"),
    RBRACKET("']'"),
    COMMA("','"),
    MINUS("'-'"),
    EQ("'=='"),
    NE("'!='"),
    LT("'<'"),
    LE("'<='"),
    GT("'>'"),
    GE("'>='"),
    AND("'and'"),
    OR("'or'"),
    NOT("'not'"),
    IN("'in'"),
    LIKE("'like'"),
    EOF("the end of the expression");

    final String description;

    Type(String description) {
      this.description = description;
    }

    boolean isComparison() {
      return this == EQ || this == NE || this == LT || this == LE || this == GT || this == GE;
    }
  }

  /** A token: its type, where it starts and ends in the expression, and for strings the decoded value. */

  /** A token: its type, where it starts and ends in the expression, and for strings the decoded value. */
  record Token(Type type, int start, int end, Object value) {}

  private final String s;
  private final List<Token> out = new ArrayList<>();
  private int i;

  FilterLexer(String s) {
    this.s = s;
  }

  List<Token> run() {
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      int start = i;
      switch (c) {
        case ' ', '\t', '\n', '\r' -> i++;
        case '(' -> single(Type.LPAREN);
        case ')' -> single(Type.RPAREN);
        case '[' -> single(Type.LBRACKET);
        case ']' -> single(Type.RBRACKET);
        case ',' -> single(Type.COMMA);
        case '-' -> single(Type.MINUS);
        case '=' -> {
          if (at(i + 1) == '=') {
            pair(Type.EQ);
          } else {
            throw error(start, "unknown operator '='; use '==' to test equality.");
          }
        }
        case '!' -> {
          if (at(i + 1) == '=') {
            pair(Type.NE);
          } else {
            single(Type.NOT);
          }
        }
        case '<' -> {
          if (at(i + 1) == '=') {
            pair(Type.LE);
          } else if (at(i + 1) == '>') {
            throw error(start, "unknown operator '<>'; use '!=' to test inequality.");
          } else {
            single(Type.LT);
          }
        }
        case '>' -> {
          if (at(i + 1) == '=') {
            pair(Type.GE);
          } else {
            single(Type.GT);
          }
        }
        case '&' -> {
          if (at(i + 1) == '&') {
            pair(Type.AND);
          } else {
            throw error(start, "unknown operator '&'; use '&&' or 'and'.");
          }
        }
        case '|' -> {
          if (at(i + 1) == '|') {
            pair(Type.OR);
          } else {
            throw error(start, "unknown operator '|'; use '||' or 'or'.");
          }
        }
        case '"', '\'' -> string(c);
        default -> {
          if (isDigit(c) || (c == '.' && isDigit(at(i + 1)))) {
            number();
          } else if (isIdentifierStart(c)) {
            word();
          } else {
            int cp = s.codePointAt(i);
            throw error(start, "unexpected character '" + new String(Character.toChars(cp)) + "'"
                + (Character.isLetter(cp)
                    ? "; field names use the letters A-Z, digits and '_', and text values go in double quotes."
                    : "; conditions use ==, !=, <, <=, >, >=, in, not in and like, joined by and, or, not."));
          }
        }
      }
    }
    out.add(new Token(Type.EOF, n, n, null));
    return out;
  }

  private char at(int index) {
    return index < s.length() ? s.charAt(index) : '\0';
  }

  private void single(Type type) {
    out.add(new Token(type, i, i + 1, null));
    i++;
  }

  private void pair(Type type) {
    out.add(new Token(type, i, i + 2, null));
    i += 2;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentifierStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isIdentifierPart(char c) {
    return isIdentifierStart(c) || isDigit(c);
  }

  private void word() {
    int start = i;
    while (i < s.length() && isIdentifierPart(s.charAt(i))) {
      i++;
    }
    String word = s.substring(start, i);
    Type type = switch (word) {
      case "and", "AND" -> Type.AND;
      case "or", "OR" -> Type.OR;
      case "not", "NOT" -> Type.NOT;
      case "in", "IN" -> Type.IN;
      case "like", "LIKE" -> Type.LIKE;
      case "true", "True", "TRUE" -> Type.TRUE;
      case "false", "False", "FALSE" -> Type.FALSE;
      default -> Type.IDENT;
    };
    out.add(new Token(type, start, i, null));
  }

  private void number() {
    int start = i;
    boolean integral = true;
    while (isDigit(at(i))) {
      i++;
    }
    if (at(i) == '.') {
      integral = false;
      i++;
      while (isDigit(at(i))) {
        i++;
      }
    }
    if (at(i) == 'e' || at(i) == 'E') {
      integral = false;
      int e = i;
      i++;
      if (at(i) == '+' || at(i) == '-') {
        i++;
      }
      if (!isDigit(at(i))) {
        throw error(e, "malformed number '" + s.substring(start, Math.min(i, s.length()))
            + "': an exponent needs digits, like 1e10 or 2.5E-3.");
      }
      while (isDigit(at(i))) {
        i++;
      }
    }
    if (isIdentifierPart(at(i)) || at(i) == '.') {
      int end = i;
      while (isIdentifierPart(at(end)) || at(end) == '.') {
        end++;
      }
      throw error(start, "malformed number '" + Values.shorten(s.substring(start, end)) + "'; write decimal "
          + "numbers like 42, -7, 0.5 or 1e-3.");
    }
    if (integral && i - start > 1 && s.charAt(start) == '0') {
      throw error(start, "the integer " + s.substring(start, i) + " starts with 0, which Milvus reads as octal; "
          + "remove the leading zeros.");
    }
    out.add(new Token(Type.NUMBER, start, i, null));
  }

  private void string(char quote) {
    int start = i;
    i++;
    StringBuilder value = new StringBuilder();
    while (true) {
      if (i >= s.length()) {
        throw error(start, "unterminated string: the " + (quote == '"' ? "double" : "single") + " quote at "
            + "position " + start + " is never closed; add a closing " + quote + " (write \\" + quote
            + " for a quote inside the string).");
      }
      char c = s.charAt(i);
      if (c == quote) {
        i++;
        break;
      }
      if (c == '\n' || c == '\r') {
        throw error(i, "line break inside a string; write \\n or \\r instead, or close the string.");
      }
      if (c != '\\') {
        value.append(c);
        i++;
        continue;
      }
      if (i + 1 >= s.length()) {
        throw error(start, "unterminated string: the quote at position " + start + " is never closed (the last "
            + "backslash escapes nothing); add a closing " + quote + ".");
      }
      char e = s.charAt(i + 1);
      switch (e) {
        case '"', '\'', '\\', '?' -> append(value, e, 2);
        case 'n' -> append(value, '\n', 2);
        case 't' -> append(value, '\t', 2);
        case 'r' -> append(value, '\r', 2);
        case 'b' -> append(value, '\b', 2);
        case 'f' -> append(value, '\f', 2);
        case 'v' -> append(value, '\u000b', 2);
        case 'a' -> append(value, '\u0007', 2);
        case 'u' -> value.appendCodePoint(hex(4));
        case 'U' -> value.appendCodePoint(hex(8));
        default -> throw error(i, "unknown escape '\\" + e + "' in a string; use \\\\ for a backslash, \\\" or "
            + "\\' for a quote, \\n, \\t, \\r, or \\uXXXX for any character.");
      }
    }
    String decoded = value.toString();
    int bad = Values.unpairedSurrogate(decoded);
    if (bad >= 0) {
      throw error(start, "the string holds an unpaired surrogate (a \\uD800-\\uDFFF escape without its pair), "
          + "which is not valid Unicode; write the character itself or \\UXXXXXXXX.");
    }
    out.add(new Token(Type.STRING, start, i, decoded));
  }

  private void append(StringBuilder value, char c, int consumed) {
    value.append(c);
    i += consumed;
  }

  /** Reads {@code \\u} or {@code \\U} and its hex digits at {@code i}; returns the code point. */
  private int hex(int digits) {
    int start = i;
    int cp = 0;
    for (int k = 0; k < digits; k++) {
      int d = Character.digit(at(start + 2 + k), 16);
      if (d < 0) {
        throw error(start, "the escape \\" + s.charAt(start + 1) + " needs " + digits + " hex digits, like "
            + (digits == 4 ? "\\u00e9" : "\\U0001F600") + ".");
      }
      cp = cp * 16 + d;
    }
    if (cp > Character.MAX_CODE_POINT) {
      throw error(start, "the escape " + s.substring(start, start + 2 + digits) + " is beyond the last Unicode "
          + "code point U+10FFFF.");
    }
    i = start + 2 + digits;
    return cp;
  }

  private FilterSyntaxException error(int position, String problem) {
    return new FilterSyntaxException(s, position, problem);
  }
}
