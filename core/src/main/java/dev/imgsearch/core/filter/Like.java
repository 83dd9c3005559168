package dev.imgsearch.core.filter;

import dev.imgsearch.core.InvalidInputException;
import java.util.Map;
import java.util.Set;

/**
 * A pattern match on a string field: {@code name like "cat%"}. Milvus's semantics: {@code %} matches any
 * sequence of characters (also none), {@code _} exactly one character (one Unicode code point), and a backslash
 * makes the next character literal ({@code \%}, {@code \_}, {@code \\}; in an expression's string literal the
 * backslash itself is written twice: {@code name like "100\\%"}). A trailing lone backslash is an error. The
 * pattern is compiled once; prefix, suffix, infix and exact patterns use plain string tests, and no pattern is
 * ever given to a regular expression engine. Immutable; made by {@link Filter#parse} and {@link Filters}.
 *
 * <p>Only string values match; a missing field, a null value or a value of another type gives false.
 */
public final class Like extends Node {
  /** A wildcard in a compiled pattern that matches any sequence. */
  private static final int ANY_SEQUENCE = -1;
  /** A wildcard in a compiled pattern that matches one code point. */
  private static final int ANY_ONE = -2;

  private enum Kind {
    EQUALS,
    PREFIX,
    SUFFIX,
    INFIX,
    ANYTHING,
    GENERAL
  }

  private final String field;
  private final String pattern;
  private final Set<String> fields;
  private final Kind kind;
  /** The literal text for EQUALS, PREFIX, SUFFIX and INFIX. */
  private final String literal;
  /** Code points and wildcards for GENERAL. */
  private final int[] compiled;

  Like(String field, String pattern) {
    super(1);
    this.field = Values.field(field);
    this.pattern = (String) Values.checkLiteral(field, pattern);
    this.fields = Set.of(field);
    int[] tokens = compile(field, pattern);
    int lead = 0;
    while (lead < tokens.length && tokens[lead] == ANY_SEQUENCE) {
      lead++;
    }
    int trail = 0;
    while (trail < tokens.length - lead && tokens[tokens.length - 1 - trail] == ANY_SEQUENCE) {
      trail++;
    }
    boolean plainCore = true;
    StringBuilder core = new StringBuilder();
    for (int i = lead; i < tokens.length - trail; i++) {
      if (tokens[i] < 0) {
        plainCore = false;
        break;
      }
      core.appendCodePoint(tokens[i]);
    }
    if (lead == tokens.length && lead > 0) {
      kind = Kind.ANYTHING;
    } else if (!plainCore) {
      kind = Kind.GENERAL;
    } else if (lead > 0 && trail > 0) {
      kind = Kind.INFIX;
    } else if (lead > 0) {
      kind = Kind.SUFFIX;
    } else if (trail > 0) {
      kind = Kind.PREFIX;
    } else {
      kind = Kind.EQUALS;
    }
    this.literal = plainCore ? core.toString() : null;
    this.compiled = kind == Kind.GENERAL ? tokens : null;
  }

  /** The pattern as code points, with {@link #ANY_SEQUENCE} and {@link #ANY_ONE} for unescaped wildcards. */
  private static int[] compile(String field, String pattern) {
    int[] out = new int[pattern.length()];
    int n = 0;
    for (int i = 0; i < pattern.length(); ) {
      int c = pattern.codePointAt(i);
      i += Character.charCount(c);
      if (c == '\\') {
        if (i >= pattern.length()) {
          throw new InvalidInputException("The like pattern for field '" + field + "' ends with a lone backslash; "
              + "a backslash makes the next character literal: write \\\\ for a backslash itself.");
        }
        c = pattern.codePointAt(i);
        i += Character.charCount(c);
        out[n++] = c;
      } else if (c == '%') {
        out[n++] = ANY_SEQUENCE;
      } else if (c == '_') {
        out[n++] = ANY_ONE;
      } else {
        out[n++] = c;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  public String field() {
    return field;
  }

  /** The pattern, with its wildcards and backslash escapes, as Milvus reads it. */
  public String pattern() {
    return pattern;
  }

  @Override
  public boolean matches(Map<String, ?> row) {
    if (!(row.get(field) instanceof String s)) {
      return false;
    }
    return switch (kind) {
      case EQUALS -> s.equals(literal);
      case PREFIX -> s.startsWith(literal);
      case SUFFIX -> s.endsWith(literal);
      case INFIX -> s.contains(literal);
      case ANYTHING -> true;
      case GENERAL -> glob(compiled, s);
    };
  }

  /**
   * Wildcard matching without recursion: on a mismatch, retry from the last {@code %} one code point further.
   * Worst case O(pattern x value), never exponential.
   */
  private static boolean glob(int[] p, String s) {
    int pi = 0;
    int si = 0;
    int starP = -1;
    int starS = -1;
    int n = s.length();
    while (si < n) {
      if (pi < p.length && p[pi] == ANY_SEQUENCE) {
        starP = pi++;
        starS = si;
        continue;
      }
      int c = s.codePointAt(si);
      if (pi < p.length && (p[pi] == ANY_ONE || p[pi] == c)) {
        pi++;
        si += Character.charCount(c);
      } else if (starP >= 0) {
        pi = starP + 1;
        starS += Character.charCount(s.codePointAt(starS));
        si = starS;
      } else {
        return false;
      }
    }
    while (pi < p.length && p[pi] == ANY_SEQUENCE) {
      pi++;
    }
    return pi == p.length;
  }

  @Override
  public Set<String> fields() {
    return fields;
  }

  @Override
  void render(StringBuilder sb) {
    sb.append(field).append(" like ");
    Values.renderString(pattern, sb);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Like l && field.equals(l.field) && pattern.equals(l.pattern);
  }

  @Override
  public int hashCode() {
    return field.hashCode() * 31 + pattern.hashCode();
  }
}
