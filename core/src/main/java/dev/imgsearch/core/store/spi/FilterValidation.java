package dev.imgsearch.core.store.spi;

import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.filter.And;
import dev.imgsearch.core.filter.Comparison;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.filter.Filters;
import dev.imgsearch.core.filter.In;
import dev.imgsearch.core.filter.Like;
import dev.imgsearch.core.filter.Not;
import dev.imgsearch.core.filter.Or;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import java.util.Optional;

/**
 * Checks a filter against a collection's schema before a store runs it, so that embedded stores refuse the same
 * filters Milvus refuses: every field must be known to the collection ({@link CollectionSpec#knowsField}), vector
 * fields cannot be filtered, and each literal must suit its declared field (numbers for numeric fields, strings
 * for VARCHAR, booleans for BOOL with {@code ==}, {@code !=} and {@code in} only; {@code like} on VARCHAR and
 * JSON). Dynamic and JSON fields take any literal.
 */
public final class FilterValidation {
  private FilterValidation() {}

  /**
   * Checks {@code filter} against {@code spec}; a null filter (no filter) passes.
   *
   * @throws SchemaException naming the first unknown or mismatched field, with the collection's fields
   */
  public static void check(Filter filter, CollectionSpec spec) {
    if (filter == null) {
      return;
    }
    check(Filters.tree(filter), filter, spec);
  }

  private static void check(Filter node, Filter whole, CollectionSpec spec) {
    if (node instanceof And and) {
      and.operands().forEach(o -> check(o, whole, spec));
    } else if (node instanceof Or or) {
      or.operands().forEach(o -> check(o, whole, spec));
    } else if (node instanceof Not not) {
      check(not.operand(), whole, spec);
    } else if (node instanceof Comparison c) {
      field(c.field(), whole, spec).ifPresent(f -> {
        checkValue(f, c.value(), whole);
        if (f.type() == FieldType.BOOL && c.operator().isOrdering()) {
          throw mismatch(whole, "orders BOOL field '" + f.name() + "' with " + c.operator().symbol()
              + "; booleans support only == and !=.");
        }
      });
    } else if (node instanceof In in) {
      field(in.field(), whole, spec).ifPresent(f -> in.values().forEach(v -> checkValue(f, v, whole)));
    } else if (node instanceof Like like) {
      field(like.field(), whole, spec).ifPresent(f -> {
        if (f.type() != FieldType.VARCHAR && f.type() != FieldType.JSON) {
          throw mismatch(whole, "applies 'like' to " + f.type() + " field '" + f.name() + "'; 'like' matches "
              + "VARCHAR (and JSON) fields only.");
        }
      });
    }
  }

  /** The declared field, or empty for a dynamic one; refuses unknown and vector fields. */
  private static Optional<FieldSpec> field(String name, Filter whole, CollectionSpec spec) {
    if (!spec.knowsField(name)) {
      throw new SchemaException("Filter '" + shorten(whole.toExpression()) + "' refers to field '" + name
          + "', which collection '" + spec.name() + "' does not have; its fields are "
          + spec.fields().stream().map(FieldSpec::name).toList() + ". Fix the field name, or create the collection "
          + "with dynamic fields enabled.");
    }
    Optional<FieldSpec> field = spec.field(name);
    if (field.isPresent() && field.get().isVector()) {
      throw mismatch(whole, "refers to vector field '" + name + "'; filters test scalar fields only (search the "
          + "vector field instead).");
    }
    return field;
  }

  private static void checkValue(FieldSpec field, Object value, Filter whole) {
    FieldType type = field.type();
    boolean ok = switch (type) {
      case INT32, INT64, FLOAT, DOUBLE -> value instanceof Number;
      case VARCHAR -> value instanceof String;
      case BOOL -> value instanceof Boolean;
      default -> true;
    };
    if (!ok) {
      throw mismatch(whole, "compares " + type + " field '" + field.name() + "' with " + kind(value) + " ("
          + shorten(String.valueOf(value)) + "); compare it with "
          + (type == FieldType.VARCHAR ? "a string in double quotes"
              : type == FieldType.BOOL ? "true or false" : "a number") + ".");
    }
  }

  private static SchemaException mismatch(Filter whole, String problem) {
    return new SchemaException("Filter '" + shorten(whole.toExpression()) + "' " + problem);
  }

  private static String kind(Object literal) {
    return literal instanceof String ? "a string" : literal instanceof Boolean ? "a boolean" : "a number";
  }

  private static String shorten(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
