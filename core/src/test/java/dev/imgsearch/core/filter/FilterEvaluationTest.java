package dev.imgsearch.core.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FilterEvaluationTest {

  private static boolean eval(String expression, Map<String, ?> row) {
    return Filter.parse(expression).matches(row);
  }

  private static Map<String, Object> row(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void comparisonOperatorsOnNumbers() {
    Map<String, Object> r = row("x", 5L);
    assertThat(eval("x == 5", r)).isTrue();
    assertThat(eval("x != 5", r)).isFalse();
    assertThat(eval("x < 6", r)).isTrue();
    assertThat(eval("x < 5", r)).isFalse();
    assertThat(eval("x <= 5", r)).isTrue();
    assertThat(eval("x > 4.999", r)).isTrue();
    assertThat(eval("x > 5", r)).isFalse();
    assertThat(eval("x >= 5.0", r)).isTrue();
    assertThat(eval("6 > x", r)).isTrue();
    assertThat(eval("1 < x < 5", r)).isFalse();
    assertThat(eval("1 < x <= 5", r)).isTrue();
  }

  @Test
  void numbersWidenAcrossIntegerLongFloatDouble() {
    for (Object five : List.of(5, 5L, (short) 5, (byte) 5, 5.0f, 5.0, BigInteger.valueOf(5), new BigDecimal("5.00"))) {
      Map<String, Object> r = row("x", five);
      assertThat(eval("x == 5", r)).as("%s", five.getClass()).isTrue();
      assertThat(eval("x == 5.0", r)).as("%s", five.getClass()).isTrue();
      assertThat(eval("x in [4, 5]", r)).as("%s", five.getClass()).isTrue();
      assertThat(eval("x in [5.0]", r)).as("%s", five.getClass()).isTrue();
      assertThat(eval("x not in [5]", r)).as("%s", five.getClass()).isFalse();
      assertThat(eval("x > 4.5 and x < 5.5", r)).as("%s", five.getClass()).isTrue();
    }
  }

  @Test
  void longsCompareExactlyWithoutGoingThroughDouble() {
    long big = (1L << 53) + 1; // not representable as a double
    Map<String, Object> r = row("x", big);
    assertThat(eval("x == 9007199254740993", r)).isTrue();
    assertThat(eval("x == 9007199254740992", r)).isFalse();
    assertThat(eval("x > 9007199254740992", r)).isTrue();
    assertThat(eval("x in [9007199254740992]", r)).isFalse();
    assertThat(eval("x in [9007199254740993]", r)).isTrue();
    // The double 9007199254740992.0 is exactly 2^53, below the row's value.
    assertThat(eval("x > 9007199254740992.0", r)).isTrue();
    assertThat(eval("x == 9007199254740992.0", r)).isFalse();
    assertThat(eval("x == 9223372036854775807", row("x", Long.MAX_VALUE))).isTrue();
    assertThat(eval("x < 9223372036854775807.0", row("x", Long.MAX_VALUE))).isTrue(); // the double is 2^63
  }

  @Test
  void floatFieldsCompareAtFloatPrecisionAsMilvusDoes() {
    Map<String, Object> r = row("f", 0.1f);
    assertThat(eval("f == 0.1", r)).isTrue();
    assertThat(eval("f in [0.1, 0.2]", r)).isTrue();
    assertThat(eval("f > 0.1", r)).isFalse();
    assertThat(eval("f == 0.1", row("f", 0.1))).isTrue();
    assertThat(eval("f == 0.1", row("f", (double) 0.1f))).isFalse();
  }

  @Test
  void nanComparesUnordered() {
    Map<String, Object> r = row("x", Double.NaN);
    assertThat(eval("x == 1", r)).isFalse();
    assertThat(eval("x < 1", r)).isFalse();
    assertThat(eval("x >= 1", r)).isFalse();
    assertThat(eval("x != 1", r)).isTrue();
    assertThat(eval("x in [1.5]", r)).isFalse();
  }

  @Test
  void stringsCompareByCodePoint() {
    Map<String, Object> r = row("s", "b");
    assertThat(eval("s == \"b\"", r)).isTrue();
    assertThat(eval("s > \"a\" and s < \"c\"", r)).isTrue();
    assertThat(eval("s >= \"ba\"", r)).isFalse();
    // U+1F600 (a surrogate pair in UTF-16) sorts above U+FF5E by code point, unlike String.compareTo.
    assertThat("\uD83D\uDE00".compareTo("\uFF5E")).isNegative();
    assertThat(eval("s > \"\uFF5E\"", row("s", "\uD83D\uDE00"))).isTrue();
    assertThat(eval("s < \"\uFF5E\"", row("s", "\uD83D\uDE00"))).isFalse();
  }

  @Test
  void booleansSupportEquality() {
    assertThat(eval("b == true", row("b", true))).isTrue();
    assertThat(eval("b == true", row("b", false))).isFalse();
    assertThat(eval("b != true", row("b", false))).isTrue();
    assertThat(eval("b in [true]", row("b", true))).isTrue();
    assertThat(eval("b not in [true]", row("b", false))).isTrue();
  }

  @Test
  void typeMismatchIsFalseNotAnError() {
    assertThat(eval("x == \"5\"", row("x", 5))).isFalse();
    assertThat(eval("x != \"5\"", row("x", 5))).isFalse();
    assertThat(eval("x < 10", row("x", "5"))).isFalse();
    assertThat(eval("x == 1", row("x", true))).isFalse();
    assertThat(eval("x == true", row("x", 1))).isFalse();
    assertThat(eval("x like \"5%\"", row("x", 5))).isFalse();
    assertThat(eval("x in [\"5\"]", row("x", 5))).isFalse();
    assertThat(eval("x not in [\"5\"]", row("x", 5))).isFalse();
    assertThat(eval("x == 1", row("x", Map.of("a", 1)))).isFalse();
  }

  @Test
  void missingFieldOrNullMakesEveryConditionFalseAndItsNegationTrue() {
    for (Map<String, Object> r : List.of(row(), row("x", null))) {
      for (String condition : List.of("x == 1", "x != 1", "x < 1", "x >= 1", "x in [1]", "x not in [1]",
          "x not in []", "x like \"%\"", "x == \"a\"", "x != false")) {
        assertThat(eval(condition, r)).as(condition).isFalse();
        assertThat(eval("not (" + condition + ")", r)).as(condition).isTrue();
      }
    }
  }

  @Test
  void inAndNotIn() {
    assertThat(eval("pk in [\"a\", \"b\"]", row("pk", "b"))).isTrue();
    assertThat(eval("pk in [\"a\", \"b\"]", row("pk", "c"))).isFalse();
    assertThat(eval("pk not in [\"a\", \"b\"]", row("pk", "c"))).isTrue();
    assertThat(eval("pk in []", row("pk", "c"))).isFalse();
    assertThat(eval("pk not in []", row("pk", "c"))).isTrue();
    assertThat(eval("x in [-0.0]", row("x", 0.0f))).isTrue();
    assertThat(eval("x in [0]", row("x", -0.0))).isTrue();
  }

  @Test
  void likePrefixSuffixInfixAndGeneralPatterns() {
    Map<String, Object> r = row("s", "photo_2024.jpg");
    assertThat(eval("s like \"photo%\"", r)).isTrue();
    assertThat(eval("s like \"%.jpg\"", r)).isTrue();
    assertThat(eval("s like \"%2024%\"", r)).isTrue();
    assertThat(eval("s like \"%2025%\"", r)).isFalse();
    assertThat(eval("s like \"photo_2024.jpg\"", r)).isTrue();
    assertThat(eval("s like \"photo_2024.jp\"", r)).isFalse();
    assertThat(eval("s like \"p%o%4.jpg\"", r)).isTrue();
    assertThat(eval("s like \"p%o%4.png\"", r)).isFalse();
    assertThat(eval("s like \"photo?2024%\"", r)).isFalse();
    assertThat(eval("s like \"%%\"", row("s", ""))).isTrue();
    assertThat(eval("s like \"\"", row("s", ""))).isTrue();
    assertThat(eval("s like \"_\"", row("s", ""))).isFalse();
    // '_' is one code point, also outside the BMP.
    assertThat(eval("s like \"a_b\"", row("s", "a😀b"))).isTrue();
    assertThat(eval("s like \"a__b\"", row("s", "a😀b"))).isFalse();
  }

  @Test
  void likeTreatsRegexMetacharactersAndEscapedWildcardsLiterally() {
    assertThat(eval("s like \"a.c\"", row("s", "abc"))).isFalse();
    assertThat(eval("s like \"a.c\"", row("s", "a.c"))).isTrue();
    assertThat(eval("s like \"(x|y)*%\"", row("s", "(x|y)*z"))).isTrue();
    assertThat(eval("s like \"(x|y)*%\"", row("s", "x"))).isFalse();
    assertThat(eval("s like \"[a-z]+\\\\Q%\"", row("s", "[a-z]+Q!"))).isTrue();
    assertThat(eval("s like \"100\\\\%\"", row("s", "100%"))).isTrue();
    assertThat(eval("s like \"100\\\\%\"", row("s", "1000"))).isFalse();
    assertThat(eval("s like \"a\\\\_b%\"", row("s", "a_bc"))).isTrue();
    assertThat(eval("s like \"a\\\\_b%\"", row("s", "axbc"))).isFalse();
    assertThat(eval("s like \"%\\\\\\\\%\"", row("s", "back\\slash"))).isTrue();
  }

  @Test
  void likeGeneralPatternIsNotExponential() {
    String value = "a".repeat(20_000);
    long start = System.nanoTime();
    assertThat(eval("s like \"%a%a%a%a%a%a%a%a%b\"", row("s", value))).isFalse();
    assertThat(System.nanoTime() - start).isLessThan(2_000_000_000L);
  }

  @Test
  void logicalOperatorsCombine() {
    Map<String, Object> r = row("category", "tech", "price", 50);
    assertThat(eval("category == \"tech\" and price < 100", r)).isTrue();
    assertThat(eval("category == \"art\" and price < 100", r)).isFalse();
    assertThat(eval("category == \"art\" or price < 100", r)).isTrue();
    assertThat(eval("not (category == \"tech\")", r)).isFalse();
    assertThat(eval("category == \"art\" or price > 10 and price < 20", r)).isFalse();
    assertThat(eval("(category == \"tech\" or price > 10) and price < 20", r)).isFalse();
  }
}
