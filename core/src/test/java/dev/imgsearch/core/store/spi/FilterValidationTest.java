package dev.imgsearch.core.store.spi;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.MetricType;
import org.junit.jupiter.api.Test;

class FilterValidationTest {
  private static final CollectionSpec SPEC = CollectionSpec.builder("images")
      .primaryKey(FieldSpec.varchar("pk", 64))
      .field(FieldSpec.scalar("price", FieldType.INT64))
      .field(FieldSpec.scalar("random", FieldType.DOUBLE))
      .field(FieldSpec.scalar("flag", FieldType.BOOL))
      .field(FieldSpec.varchar("category", 32))
      .field(FieldSpec.scalar("meta", FieldType.JSON))
      .field(FieldSpec.vector("embedding", 4, MetricType.COSINE))
      .build();

  @Test
  void acceptsFiltersThatSuitTheSchema() {
    assertThatCode(() -> FilterValidation.check(Filter.parse("pk in [\"a\", \"b\"] and price < 100.5 and random > 0 "
        + "and flag != false and category like \"t%\" and not (meta == 1)"), SPEC)).doesNotThrowAnyException();
  }

  @Test
  void unknownFieldIsNamedWithTheKnownOnes() {
    assertThatThrownBy(() -> FilterValidation.check(Filter.parse("price < 1 or colour == \"red\""), SPEC))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("'colour'")
        .hasMessageContaining("[pk, price, random, flag, category, meta, embedding]");
  }

  @Test
  void dynamicFieldsAcceptAnyName() {
    CollectionSpec dynamic = SPEC.toBuilder().dynamicFields(true).build();
    assertThatCode(() -> FilterValidation.check(Filter.parse("colour == \"red\""), dynamic))
        .doesNotThrowAnyException();
  }

  @Test
  void mismatchedLiteralsAndVectorFieldsAreRefused() {
    assertThatThrownBy(() -> FilterValidation.check(Filter.parse("price == \"cheap\""), SPEC))
        .isInstanceOf(SchemaException.class).hasMessageContaining("INT64 field 'price'");
    assertThatThrownBy(() -> FilterValidation.check(Filter.parse("category in [1, 2]"), SPEC))
        .isInstanceOf(SchemaException.class).hasMessageContaining("VARCHAR field 'category'");
    assertThatThrownBy(() -> FilterValidation.check(Filter.parse("flag == 1"), SPEC))
        .isInstanceOf(SchemaException.class).hasMessageContaining("BOOL");
    assertThatThrownBy(() -> FilterValidation.check(Filter.parse("price like \"1%\""), SPEC))
        .isInstanceOf(SchemaException.class).hasMessageContaining("'like'");
    assertThatThrownBy(() -> FilterValidation.check(Filter.parse("embedding == 1"), SPEC))
        .isInstanceOf(SchemaException.class).hasMessageContaining("vector field");
  }
}
