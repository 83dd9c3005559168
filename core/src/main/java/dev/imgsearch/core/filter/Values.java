package dev.imgsearch.core.filter;

import com.google.common.collect.ImmutableSet;
import dev.imgsearch.core.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The values a filter holds and how they compare: literals are {@link Long}, {@link Double} (finite),
 * {@link String} (valid Unicode) or {@link Boolean}; field names are identifiers that are not keywords.
 */
final class Values {
  private Values() {}

  /** The result of comparing with NaN: every ordering is false, {@code !=} is true. */
  static final int UNORDERED = 2;

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,254}");

  /**
   * Words that cannot name a field: the keywords of the filter language in the spellings Milvus's lexer knows
   * (lower and upper case, and True/False), and the other keywords of Milvus's expression grammar, so that every
   * filter that parses here also parses in Milvus.
   */
  static final Set<String> KEYWORDS = ImmutableSet.of("and", "AND", "or", "OR", "not", "NOT", "in", "IN", "like",
      "LIKE", "true", "True", "TRUE", "false", "False", "FALSE", "exists", "EXISTS", "text_match", "TEXT_MATCH",
      "phrase_match", "PHRASE_MATCH", "json_contains", "JSON_CONTAINS", "json_contains_all", "JSON_CONTAINS_ALL",
      "json_contains_any", "JSON_CONTAINS_ANY", "array_contains", "ARRAY_CONTAINS", "array_contains_all",
      "ARRAY_CONTAINS_ALL", "array_contains_any", "ARRAY_CONTAINS_ANY", "array_length", "ARRAY_LENGTH");

  /** Checks a field name: an identifier that is not a keyword. */
  static String field(String name) {
    if (name == null) {
      throw new InvalidInputException("Filter field name is null; pass the name of a field of the collection.");
    }
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new InvalidInputException("Invalid filter field name '" + shorten(name) + "': a field name is a letter "
          + "or underscore followed by letters, digits or underscores, at most 255 characters.");
    }
    if (KEYWORDS.contains(name)) {
      throw new InvalidInputException("Invalid filter field name '" + name + "': it is a keyword of the filter "
          + "language (or of Milvus's expressions); rename the field.");
    }
    return name;
  }

  /**
   * Converts a caller's value to a literal: integers to {@link Long}, {@link Float} and {@link Double} to
   * {@link Double} (exactly), characters to {@link String}.
   */
  static Object literal(String field, Object value) {
    if (value == null) {
      throw new InvalidInputException("The value for filter field '" + field + "' is null; filters cannot test "
          + "for null: pass a String, a Number or a Boolean.");
    }
    if (value instanceof String s) {
      return checkUnicode(field, s);
    }
    if (value instanceof Character c) {
      return checkUnicode(field, c.toString());
    }
    if (value instanceof Boolean) {
      return value;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
        || value instanceof AtomicInteger || value instanceof AtomicLong) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (!Double.isFinite(d)) {
        throw new InvalidInputException("The value for filter field '" + field + "' is " + d + "; filters take "
            + "finite numbers only.");
      }
      return d;
    }
    throw new InvalidInputException("The value for filter field '" + field + "' is a "
        + value.getClass().getName() + " (" + shorten(String.valueOf(value)) + "); pass a String, a Boolean, an "
        + "integer (Integer, Long) or a floating-point number (Float, Double).");
  }

  /** Checks that a literal is one of the four kinds, finite, and valid Unicode. */
  static Object checkLiteral(String field, Object value) {
    if (value instanceof Long || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Double d && Double.isFinite(d)) {
      return value;
    }
    if (value instanceof String s) {
      return checkUnicode(field, s);
    }
    return literal(field, value);
  }

  private static String checkUnicode(String field, String s) {
    int bad = unpairedSurrogate(s);
    if (bad >= 0) {
      throw new InvalidInputException("The string value for filter field '" + field + "' holds an unpaired "
          + "surrogate at index " + bad + ", which is not valid Unicode; pass a valid string.");
    }
    return s;
  }

  /** The index of the first unpaired surrogate in {@code s}, or -1. */
  static int unpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      } else if (Character.isLowSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** The kind of a literal, for messages: "a number", "a string", "a boolean". */
  static String kind(Object literal) {
    if (literal instanceof String) {
      return "a string";
    }
    if (literal instanceof Boolean) {
      return "a boolean";
    }
    return "a number";
  }

  static boolean sameKind(Object literal, Object other) {
    return literal instanceof Number ? other instanceof Number : literal.getClass() == other.getClass();
  }

  // ---- rendering ---------------------------------------------------------------------------------------------

  /** Appends a literal in Milvus syntax: strings in double quotes, escaped; numbers that parse back exactly. */
  static void render(Object literal, StringBuilder sb) {
    if (literal instanceof String s) {
      renderString(s, sb);
    } else if (literal instanceof Double d) {
      // Double.toString gives the shortest digits that read back to the same double, always with a '.'.
      sb.append(Double.toString(d));
    } else {
      sb.append(literal);
    }
  }

  static void renderString(String s, StringBuilder sb) {
    sb.ensureCapacity(sb.length() + s.length() + 2);
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  // ---- comparison ----------------------------------------------------------------------------------------------

  /**
   * Compares two strings by Unicode code point (the order of their UTF-8 bytes, as Milvus compares), which
   * differs from {@link String#compareTo} for characters above U+FFFF.
   */
  static int compareStrings(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        return Integer.signum(codePointOrder(x) - codePointOrder(y));
      }
    }
    // signum: a difference of 2 would read as UNORDERED
    return Integer.signum(a.length() - b.length());
  }

  /** Maps a UTF-16 unit so that unit order equals code point order: surrogates sort above U+E000..U+FFFF. */
  private static int codePointOrder(char c) {
    if (c >= 0xD800) {
      return c <= 0xDFFF ? c + 0x2000 : c - 0x800;
    }
    return c;
  }

  /**
   * Compares a row's number with a literal ({@link Long} or {@link Double}) exactly: two integers as longs, an
   * integer with a double without rounding the integer; a {@link Float} row with a double literal at float
   * precision (as Milvus does for FLOAT fields). Returns negative, zero, positive, or {@link #UNORDERED} for NaN.
   */
  static int compareNumbers(Number row, Object literal) {
    if (row instanceof Long || row instanceof Integer || row instanceof Short || row instanceof Byte
        || row instanceof AtomicInteger || row instanceof AtomicLong) {
      long r = row.longValue();
      return literal instanceof Long l ? Long.compare(r, l) : compareLongDouble(r, (Double) literal);
    }
    if (row instanceof Double d) {
      return literal instanceof Long l ? reverse(compareLongDouble(l, d)) : compareDoubles(d, (Double) literal);
    }
    if (row instanceof Float f) {
      return literal instanceof Long l ? reverse(compareLongDouble(l, f))
          : compareDoubles(f, ((Double) literal).floatValue());
    }
    BigDecimal exact = exact(row);
    if (exact == null) {
      return compareNumbers(row.doubleValue(), literal);
    }
    BigDecimal lit = literal instanceof Long l ? BigDecimal.valueOf(l) : new BigDecimal((Double) literal);
    return Integer.signum(exact.compareTo(lit));
  }

  private static int reverse(int cmp) {
    return cmp == UNORDERED ? UNORDERED : -cmp;
  }

  private static int compareDoubles(double a, double b) {
    if (a < b) {
      return -1;
    }
    if (a > b) {
      return 1;
    }
    return a == b ? 0 : UNORDERED;
  }

  /** Compares a long with a double exactly (no rounding of the long to a double). */
  static int compareLongDouble(long l, double d) {
    if (Double.isNaN(d)) {
      return UNORDERED;
    }
    if (d >= 0x1p63) {
      return -1;
    }
    if (d < -0x1p63) {
      return 1;
    }
    long whole = (long) d; // truncates toward zero; exact since |d| < 2^63
    if (l != whole) {
      return Long.compare(l, whole);
    }
    double fraction = d - whole; // exact
    return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
  }

  /** A number of another class (BigInteger, BigDecimal, a JSON library's lazily parsed number) as a BigDecimal. */
  private static BigDecimal exact(Number n) {
    if (n instanceof BigDecimal b) {
      return b;
    }
    if (n instanceof BigInteger b) {
      return new BigDecimal(b);
    }
    try {
      return new BigDecimal(n.toString());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The key under which a value is found in a set of literals: strings and booleans as they are, numbers as a
   * {@link Long} when they are whole and fit, else as a {@link Double}; null for NaN and numbers no literal can
   * equal.
   */
  static Object key(Object value) {
    if (value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
        || value instanceof AtomicInteger || value instanceof AtomicLong) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      return key(((Number) value).doubleValue());
    }
    if (value instanceof Number n) {
      BigDecimal exact = exact(n);
      if (exact == null) {
        return key(n.doubleValue());
      }
      try {
        return exact.longValueExact();
      } catch (ArithmeticException notALong) {
        double d = exact.doubleValue();
        return Double.isFinite(d) && new BigDecimal(d).compareTo(exact) == 0 ? key(d) : null;
      }
    }
    return null;
  }

  static Object key(double d) {
    if (Double.isNaN(d)) {
      return null;
    }
    if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
      return (long) d;
    }
    return d;
  }
}
