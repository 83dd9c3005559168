package dev.imgsearch.core.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.InvalidInputException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FilterParserTest {

  /** Parses, checks that the canonical rendering parses back to an equal filter, and returns the filter. */
  private static Filter roundTrip(String expression) {
    Filter f = Filter.parse(expression);
    Filter again = Filter.parse(f.toExpression());
    assertThat(again).isEqualTo(f).hasSameHashCodeAs(f);
    assertThat(again.toExpression()).isEqualTo(f.toExpression());
    return f;
  }

  @ParameterizedTest
  @CsvSource(delimiterString = " => ", quoteCharacter = '`', value = {
      "random > 0.5 => random > 0.5",
      "pk in [\"a\", \"b\"] => pk in [\"a\", \"b\"]",
      "category == \"tech\" and price < 100 => category == \"tech\" and price < 100",
      "name like \"cat%\" => name like \"cat%\"",
      "not (price >= 10) => not (price >= 10)",
      "x != 'single' => x != \"single\"",
      "x <= -3 => x <= -3",
      "flag == True => flag == true",
      "id not in [1, 2, 3,] => id not in [1, 2, 3]",
      "id NOT IN [] => id not in []",
      "a == 1 && b == 2 || !(c == 3) => a == 1 and b == 2 or not (c == 3)",
      "x == 1e3 => x == 1000.0",
      "x > .5 => x > 0.5",
      "x == -0.0 => x == -0.0",
      "x > -9223372036854775808 => x > -9223372036854775808",
      "x LIKE '%a\\\\%' => x like \"%a\\\\%\"",
  })
  void rendersCanonicalSyntaxAndRoundTrips(String expression, String canonical) {
    assertThat(roundTrip(expression).toExpression()).isEqualTo(canonical);
  }

  @Test
  void designExamplesParseIntoTheExpectedTree() {
    assertThat(Filter.parse("random > 0.5")).isEqualTo(Filters.gt("random", 0.5));
    assertThat(Filter.parse("pk in [\"a\", \"b\"]")).isEqualTo(Filters.in("pk", List.of("a", "b")));
    assertThat(Filter.parse("category == \"tech\" and price < 100"))
        .isEqualTo(Filters.and(Filters.eq("category", "tech"), Filters.lt("price", 100)));
    assertThat(Filter.parse("not (category == \"tech\")")).isEqualTo(Filters.not(Filters.eq("category", "tech")));
  }

  @Test
  void andBindsTighterThanOr() {
    Filter f = roundTrip("a == 1 or b == 2 and c == 3");
    assertThat(f).isInstanceOf(Or.class);
    assertThat(((Or) f).operands()).containsExactly(Filters.eq("a", 1),
        Filters.and(Filters.eq("b", 2), Filters.eq("c", 3)));
  }

  @Test
  void notBindsTighterThanAnd() {
    Filter f = roundTrip("not a == 1 and b == 2");
    assertThat(f).isEqualTo(Filters.and(Filters.not(Filters.eq("a", 1)), Filters.eq("b", 2)));
    assertThat(f.toExpression()).isEqualTo("not (a == 1) and b == 2");
  }

  @Test
  void parenthesesOverridePrecedenceAndSurviveRendering() {
    Filter f = roundTrip("(a == 1 or b == 2) and c == 3");
    assertThat(f).isInstanceOf(And.class);
    assertThat(f.toExpression()).isEqualTo("(a == 1 or b == 2) and c == 3");
    assertThat(roundTrip("((((a == 1))))")).isEqualTo(Filters.eq("a", 1));
    assertThat(roundTrip("not (a == 1 or b == 2)").toExpression()).isEqualTo("not (a == 1 or b == 2)");
  }

  @Test
  void chainsFlattenSoNestingOfTheSameOperatorDoesNotMatter() {
    assertThat(Filter.parse("a == 1 and (b == 2 and c == 3)")).isEqualTo(Filter.parse("a == 1 and b == 2 and c == 3"));
    assertThat(((Or) Filter.parse("(a == 1 or b == 2) or c == 3")).operands()).hasSize(3);
  }

  @Test
  void literalOnTheLeftIsMirrored() {
    assertThat(Filter.parse("100 > price")).isEqualTo(Filters.lt("price", 100));
    assertThat(Filter.parse("\"x\" == name")).isEqualTo(Filters.eq("name", "x"));
  }

  @Test
  void rangeChainsBecomeTwoComparisons() {
    assertThat(roundTrip("1 < x <= 5")).isEqualTo(Filters.and(Filters.gt("x", 1), Filters.le("x", 5)));
    assertThat(roundTrip("5 >= x > 1.5")).isEqualTo(Filters.and(Filters.le("x", 5), Filters.gt("x", 1.5)));
  }

  @Test
  void keywordsInLowerAndUpperCaseButMixedCaseIsAFieldName() {
    assertThat(Filter.parse("a == 1 AND b == 2 OR NOT c LIKE \"x\""))
        .isEqualTo(Filter.parse("a == 1 and b == 2 or not c like \"x\""));
    assertThat(Filter.parse("And == 1")).isEqualTo(Filters.eq("And", 1));
    assertThat(Filter.parse("x == FALSE")).isEqualTo(Filters.eq("x", false));
  }

  @Test
  void stringEscapesDecode() {
    Comparison c = (Comparison) roundTrip("s == \"q\\\"uo\\'te\\\\ \\n\\t\\r \\u00e9 \\U0001F600 \\uD83D\\uDE00\"");
    assertThat(c.value()).isEqualTo("q\"uo'te\\ \n\t\r é 😀 😀");
    assertThat(((Comparison) Filter.parse("s == 'it\\'s \"x\"'")).value()).isEqualTo("it's \"x\"");
    assertThat(c.toExpression()).isEqualTo("s == \"q\\\"uo'te\\\\ \\n\\t\\r é 😀 😀\"");
  }

  @Test
  void numbersKeepTheirKindAndExactValue() {
    assertThat(((Comparison) Filter.parse("x == 9223372036854775807")).value()).isEqualTo(Long.MAX_VALUE);
    assertThat(((Comparison) Filter.parse("x == 3")).value()).isEqualTo(3L);
    assertThat(((Comparison) Filter.parse("x == 3.0")).value()).isEqualTo(3.0);
    assertThat(Filter.parse("x == 3")).isNotEqualTo(Filter.parse("x == 3.0"));
    for (double d : new double[] {0.1, 1e-300, 4.9e-324, 1.7976931348623157e308, 123456789.123456789, -2.5e-7}) {
      Comparison c = (Comparison) Filters.eq("x", d);
      assertThat(((Comparison) Filter.parse(c.toExpression())).value()).isEqualTo(d);
    }
  }

  @Test
  void fieldsAreCollected() {
    assertThat(Filter.parse("a == 1 and (b in [1] or not c like \"x\") and a > 0").fields())
        .containsExactly("a", "b", "c");
  }

  // ---- errors, with the exact position -------------------------------------------------------------------

  private static FilterSyntaxException error(String expression) {
    try {
      Filter.parse(expression);
    } catch (FilterSyntaxException e) {
      assertThat(e).isInstanceOf(InvalidInputException.class);
      assertThat(e.expression()).isEqualTo(expression);
      return e;
    }
    throw new AssertionError("expected a syntax error for " + expression);
  }

  @Test
  void missingValueShowsPositionAndCaret() {
    FilterSyntaxException e = error("random == )");
    assertThat(e.position()).isEqualTo(10);
    assertThat(e.getMessage()).isEqualTo("Filter syntax error at position 10: expected a value after '==' but found "
        + "')'; write a number, a string in double quotes, true or false.\n  random == )\n            ^");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "name == \"abc                 | 8  | unterminated string",
      "name == 'abc\\'               | 8  | unterminated string",
      "price <                       | 7  | expected a value after '<' but found the end",
      "== 1                          | 0  | expected a condition but found '=='",
      "a == 1 and                    | 10 | expected a condition after 'and'",
      "x = 1                         | 2  | unknown operator '='",
      "x <> 1                        | 2  | unknown operator '<>'",
      "x & y                         | 2  | unknown operator '&'",
      "x between 1                   | 2  | expected an operator after 'x' but found 'between'",
      "x == 1 y == 2                 | 7  | unexpected 'y' after a complete condition",
      "x == 1)                       | 6  | unbalanced ')'",
      "(x == 1                       | 7  | expected ')' to close the '(' at position 0",
      "((x == 1) and (y == 2)        | 22 | expected ')' to close the '(' at position 0",
      "''                            | 2  | expected a comparison operator after the string ''",
      "x in 1                        | 5  | expected a list after 'in'",
      "x in [1, 2                    | 10 | expected ',' or ']'",
      "x in [1, \"a\"]               | 9  | mixes a number and a string",
      "x like 5                      | 7  | expected a string pattern after 'like'",
      "1 == 2                        | 0  | needs a field name on one side",
      "a == b                        | 5  | comparing two fields",
      "flag < true                   | 5  | booleans support only == and !=",
      "x == 010                      | 5  | starts with 0",
      "x == 12abc                    | 5  | malformed number",
      "x == 1e                       | 6  | an exponent needs digits",
      "x == 99999999999999999999     | 5  | does not fit in 64 bits",
      "x == \"a\\qb\"                | 7  | unknown escape '\\q'",
      "x == \"\\u12\"                | 6  | needs 4 hex digits",
      "x == \"\\uD800\"              | 5  | unpaired surrogate",
      "x == # 1                      | 5  | unexpected character '#'",
      "价格 < 5                      | 0  | unexpected character '价'",
      "x < 5 < 6                     | 6  | with the field in the middle",
      "1 < x > 6                     | 6  | same direction",
      "x ! in [1]                    | 2  | expected an operator after 'x'",
      "x like \"a\\\\\"              | 7  | ends with a lone backslash",
      "and == 1                      | 0  | expected a condition but found 'and'",
      "exists == 1                   | 0  | keyword",
      "1 < ARRAY_LENGTH              | 4  | keyword",
  })
  void errorsPointAtTheMistake(String expression, int position, String message) {
    FilterSyntaxException e = error(expression);
    assertThat(e.position()).as(e.getMessage()).isEqualTo(position);
    assertThat(e.problem()).as(e.getMessage()).contains(message);
    String[] lines = e.getMessage().split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[2].indexOf('^') - 2).isEqualTo(position);
  }

  @Test
  void lineBreakInsideAStringIsRefused() {
    assertThat(error("x == \"a\nb\"").position()).isEqualTo(7);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\n\t"})
  void emptyExpressionIsRefused(String expression) {
    FilterSyntaxException e = error(expression);
    assertThat(e.position()).isEqualTo(expression.length());
    assertThat(e.problem()).contains("empty");
  }

  @Test
  void nullExpressionIsRefused() {
    assertThatThrownBy(() -> Filter.parse(null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("null");
  }

  @Test
  void deepNestingIsRefusedWithoutStackOverflow() {
    String deep = "(".repeat(100_000) + "x == 1" + ")".repeat(100_000);
    FilterSyntaxException e = error(deep);
    assertThat(e.position()).isEqualTo(FilterParser.MAX_NESTING);
    assertThat(e.getMessage()).contains("levels deep");
    String nots = "not ".repeat(50_000) + "x == 1";
    assertThat(error(nots).position()).isEqualTo(4 * FilterParser.MAX_NESTING);
    // Within the limit it parses.
    assertThat(Filter.parse("(".repeat(200) + "x == 1" + ")".repeat(200))).isEqualTo(Filters.eq("x", 1));
  }

  @Test
  void deepTreesAreRefusedButEveryAcceptedTreeRendersToAParsableExpression() {
    Filter f = Filters.eq("x", 1);
    for (int i = 0; ((Node) f).depth() < Node.MAX_DEPTH; i++) {
      boolean room = ((Node) f).depth() + 2 <= Node.MAX_DEPTH;
      f = i % 2 == 0 && room ? Filters.or(Filters.and(f, Filters.eq("y", i)), Filters.eq("z", i)) : Filters.not(f);
    }
    assertThat(Filter.parse(f.toExpression())).isEqualTo(f);
    Filter deepest = f;
    assertThatThrownBy(() -> Filters.not(deepest)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("nested");
    String tooDeep = "not (".repeat(Node.MAX_DEPTH) + "x == 1" + ")".repeat(Node.MAX_DEPTH);
    FilterSyntaxException e = error(tooDeep);
    assertThat(e.problem()).contains("nested");
    assertThat(e.position()).isZero();
  }

  @Test
  void tooLongExpressionIsRefused() {
    String longOne = "x in [" + "1, ".repeat(FilterParser.MAX_LENGTH / 3) + "1]";
    FilterSyntaxException e = error(longOne);
    assertThat(e.position()).isEqualTo(FilterParser.MAX_LENGTH);
    assertThat(e.getMessage()).contains("limit").hasSizeLessThan(600);
  }

  @Test
  void errorExcerptOfALongExpressionIsAWindowAroundTheMistake() {
    String expr = "a == 1 and ".repeat(1000) + "b === 2";
    FilterSyntaxException e = error(expr);
    assertThat(e.position()).isEqualTo(expr.length() - 3);
    String[] lines = e.getMessage().split("\n");
    assertThat(lines[1]).startsWith("  ...").hasSizeLessThan(100);
    assertThat(lines[1].charAt(lines[2].indexOf('^'))).isEqualTo('=');
  }
}
