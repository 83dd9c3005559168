package dev.imgsearch.core.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.InvalidInputException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FiltersTest {

  static Stream<String> hostileValues() {
    return Stream.of(
        "\" or 1 == 1",
        "\") or (x == \"",
        "') or (x == '",
        "\\",
        "\\\"",
        "a\\\" or name != \"",
        "\" or name like \"%",
        "quote\"inside",
        "line\nbreak\r\nand\ttab",
        "\u0000nul\u0001\u001f\u007f",
        "中文标签 🐱 emoji 👩‍👩‍👧 e\u0301",
        "\uD83D\uDE00",
        "%_%",
        "not (x == 1)",
        "] or pk in [\"a\"",
        "",
        "   ",
        "x".repeat(100_000) + "\" or 1 == 1",
        "\\u0022 or 1 == 1",
        "\\x22");
  }

  /** The rendered expression parses back to one comparison holding exactly the input value. */
  @ParameterizedTest
  @MethodSource("hostileValues")
  void hostileStringsNeverChangeTheMeaning(String value) {
    Filter f = Filters.eq("name", value);
    Filter parsed = Filter.parse(f.toExpression());
    assertThat(parsed).isEqualTo(f).isInstanceOf(Comparison.class);
    Comparison c = (Comparison) parsed;
    assertThat(c.field()).isEqualTo("name");
    assertThat(c.operator()).isEqualTo(Comparison.Operator.EQ);
    assertThat(c.value()).isEqualTo(value);
    assertThat(parsed.fields()).containsExactly("name");
    // Only the exact value matches.
    assertThat(parsed.matches(Map.of("name", value))).isTrue();
    assertThat(parsed.matches(Map.of("name", value + " "))).isFalse();
    assertThat(parsed.matches(Map.of("name", "x"))).isFalse();
    assertThat(parsed.matches(Map.of("name", "1", "x", 1))).isFalse();
    // In a larger expression the value stays in its place too.
    Filter combined = Filters.and(Filters.eq("a", 1), f, Filters.not(Filters.eq("b", value)));
    Filter combinedParsed = Filter.parse(combined.toExpression());
    assertThat(combinedParsed).isEqualTo(combined);
    assertThat(((And) combinedParsed).operands()).hasSize(3);
    assertThat(combinedParsed.fields()).containsExactly("a", "name", "b");
  }

  @ParameterizedTest
  @MethodSource("hostileValues")
  void hostileValuesInListsAndPrefixesStayLiteral(String value) {
    Filter in = Filters.in("pk", List.of(value, "other"));
    In parsed = (In) Filter.parse(in.toExpression());
    assertThat(parsed.values()).containsExactly(value, "other");
    assertThat(parsed.matches(Map.of("pk", value))).isTrue();
    assertThat(parsed.matches(Map.of("pk", "x"))).isFalse();

    Filter prefix = Filters.startsWith("path", value);
    Filter parsedPrefix = Filter.parse(prefix.toExpression());
    assertThat(parsedPrefix).isEqualTo(prefix).isInstanceOf(Like.class);
    assertThat(parsedPrefix.matches(Map.of("path", value + "/rest"))).isTrue();
    assertThat(parsedPrefix.matches(Map.of("path", value))).isTrue();
    if (!value.isEmpty()) {
      assertThat(parsedPrefix.matches(Map.of("path", "Z" + value))).isFalse();
      assertThat(Filters.contains("path", value).matches(Map.of("path", "<" + value + ">"))).isTrue();
      assertThat(Filters.endsWith("path", value).matches(Map.of("path", value.substring(1)))).isFalse();
    }
  }

  @Test
  void startsWithEscapesLikeWildcards() {
    assertThat(Filters.escapeLike("50%_off\\")).isEqualTo("50\\%\\_off\\\\");
    Filter f = Filters.startsWith("s", "50%_");
    assertThat(f.toExpression()).isEqualTo("s like \"50\\\\%\\\\_%\"");
    assertThat(f.matches(Map.of("s", "50%_ off"))).isTrue();
    assertThat(f.matches(Map.of("s", "500x off"))).isFalse();
    assertThat(Filters.like("s", "50%").matches(Map.of("s", "500x off"))).isTrue();
  }

  @Test
  void everyBuilderOperatorRendersAndRoundTrips() {
    List<Filter> all = List.of(
        Filters.eq("a", 1), Filters.ne("a", "x"), Filters.lt("a", 2.5), Filters.le("a", -3L),
        Filters.gt("a", (short) 4), Filters.ge("a", 0.1f), Filters.eq("a", true), Filters.ne("a", 'c'),
        Filters.in("a", List.of(1, 2L)), Filters.notIn("a", List.of("x")), Filters.in("a", List.of()),
        Filters.like("a", "x%"), Filters.startsWith("a", "p"), Filters.endsWith("a", "s"), Filters.contains("a", "c"),
        Filters.and(Filters.eq("a", 1), Filters.eq("b", 2)), Filters.or(Filters.eq("a", 1), Filters.eq("b", 2)),
        Filters.not(Filters.eq("a", 1)));
    List<String> expressions = new ArrayList<>();
    for (Filter f : all) {
      assertThat(Filter.parse(f.toExpression())).as(f.toExpression()).isEqualTo(f);
      expressions.add(f.toExpression());
    }
    assertThat(expressions).containsExactly(
        "a == 1", "a != \"x\"", "a < 2.5", "a <= -3", "a > 4", "a >= 0.10000000149011612", "a == true",
        "a != \"c\"", "a in [1, 2]", "a not in [\"x\"]", "a in []", "a like \"x%\"", "a like \"p%\"",
        "a like \"%s\"", "a like \"%c%\"", "a == 1 and b == 2", "a == 1 or b == 2", "not (a == 1)");
  }

  @Test
  void mixedAndOrKeepTheirGrouping() {
    Filter f = Filters.and(Filters.or(Filters.eq("a", 1), Filters.eq("b", 2)), Filters.eq("c", 3));
    assertThat(f.toExpression()).isEqualTo("(a == 1 or b == 2) and c == 3");
    assertThat(f.matches(Map.of("a", 1, "c", 4))).isFalse();
    assertThat(Filter.parse(f.toExpression())).isEqualTo(f);
    Filter g = Filters.or(Filters.and(Filters.eq("a", 1), Filters.eq("b", 2)), Filters.eq("c", 3));
    assertThat(g.toExpression()).isEqualTo("a == 1 and b == 2 or c == 3");
    assertThat(Filters.and(Filters.eq("a", 1))).isEqualTo(Filters.eq("a", 1));
  }

  static Stream<String> hostileFieldNames() {
    return Stream.of("", "1abc", "a b", "a==1 or b", "x\"", "price)", "名字", "and", "OR", "True", "a-b", "$meta",
        "exists", "ARRAY_CONTAINS", "x".repeat(256), null);
  }

  @ParameterizedTest
  @MethodSource("hostileFieldNames")
  void hostileFieldNamesAreRejected(String field) {
    assertThatThrownBy(() -> Filters.eq(field, 1)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("field name");
    assertThatThrownBy(() -> Filters.in(field, List.of(1))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Filters.like(field, "x")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void unsupportedValuesAreRejected() {
    assertThatThrownBy(() -> Filters.eq("a", null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("null");
    assertThatThrownBy(() -> Filters.eq("a", LocalDate.of(2024, 1, 1))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("LocalDate").hasMessageContaining("pass a String");
    assertThatThrownBy(() -> Filters.eq("a", Double.NaN)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> Filters.gt("a", Float.POSITIVE_INFINITY)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Filters.eq("a", List.of(1))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Filters.eq("a", "bad \uD800 surrogate")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("surrogate");
    assertThatThrownBy(() -> Filters.lt("a", true)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("only == and !=");
    assertThatThrownBy(() -> Filters.in("a", Arrays.asList(1, null))).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Filters.in("a", List.of(1, "1"))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("mixes");
    assertThatThrownBy(() -> Filters.in("a", null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Filters.like("a", "ends with \\")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("backslash");
    assertThatThrownBy(() -> Filters.and()).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Filters.or(List.of())).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Filters.not(null)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Filters.eq("a", "x".repeat(FilterParser.MAX_LENGTH)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("limit");
  }

  /** A filter of another class is taken through its expression, which cannot break out of its place. */
  @Test
  void foreignFiltersAreParsedNotPasted() {
    Filter foreign = new Filter() {
      @Override
      public boolean matches(Map<String, ?> row) {
        return true;
      }

      @Override
      public java.util.Set<String> fields() {
        return java.util.Set.of("a");
      }

      @Override
      public String toExpression() {
        return "a == 1 or b == 2";
      }
    };
    Filter f = Filters.and(foreign, Filters.eq("c", 3));
    assertThat(f.toExpression()).isEqualTo("(a == 1 or b == 2) and c == 3");
    Filter broken = new Filter() {
      @Override
      public boolean matches(Map<String, ?> row) {
        return true;
      }

      @Override
      public java.util.Set<String> fields() {
        return java.util.Set.of();
      }

      @Override
      public String toExpression() {
        return "a == 1) or (1";
      }
    };
    assertThatThrownBy(() -> Filters.not(broken)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("does not parse");
  }
}
