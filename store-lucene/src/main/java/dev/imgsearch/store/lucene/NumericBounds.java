package dev.imgsearch.store.lucene;

import dev.imgsearch.core.filter.Comparison.Operator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Inclusive bounds, in the domain of the indexed values (long, float or double), of the values that satisfy
 * {@code value OP literal} under {@link dev.imgsearch.core.filter.Comparison}'s exact semantics: an integer
 * literal is never rounded, a fractional literal compares with FLOAT values at float precision. Stored values
 * never hold {@code -0.0} (it is indexed as {@code 0.0}, which it equals) and NaN sorts above every bound, so NaN
 * matches no range. {@code null} stands for the empty set. {@link Operator#NE} is not handled here.
 */
final class NumericBounds {
  private static final double TWO_POW_63 = 0x1p63;

  private NumericBounds() {}

  static long[] longRange(Operator op, Object literal) {
    long min = Long.MIN_VALUE;
    long max = Long.MAX_VALUE;
    if (literal instanceof Long l) {
      return switch (op) {
        case EQ -> new long[] {l, l};
        case LT -> l == min ? null : new long[] {min, l - 1};
        case LE -> new long[] {min, l};
        case GT -> l == max ? null : new long[] {l + 1, max};
        case GE -> new long[] {l, max};
        default -> throw new IllegalArgumentException(op.toString());
      };
    }
    double d = (Double) literal;
    if (d >= TWO_POW_63) {
      return op == Operator.LT || op == Operator.LE ? new long[] {min, max} : null;
    }
    if (d < -TWO_POW_63) {
      return op == Operator.GT || op == Operator.GE ? new long[] {min, max} : null;
    }
    long whole = (long) d; // exact: |d| < 2^63
    double fraction = d - whole;
    long floor = fraction < 0 ? whole - 1 : whole;
    long ceil = fraction > 0 ? whole + 1 : whole;
    return switch (op) {
      case EQ -> fraction == 0 ? new long[] {whole, whole} : null;
      case LT -> ceil == min ? null : new long[] {min, ceil - 1};
      case LE -> new long[] {min, floor};
      case GT -> floor == max ? null : new long[] {floor + 1, max};
      case GE -> new long[] {ceil, max};
      default -> throw new IllegalArgumentException(op.toString());
    };
  }

  static double[] doubleRange(Operator op, Object literal) {
    double inf = Double.POSITIVE_INFINITY;
    if (literal instanceof Double x) {
      double d = x + 0.0; // -0.0 becomes 0.0
      return switch (op) {
        case EQ -> new double[] {d, d};
        case LT -> d == -inf ? null : new double[] {-inf, Math.nextDown(d)};
        case LE -> new double[] {-inf, d};
        case GT -> d == inf ? null : new double[] {Math.nextUp(d), inf};
        case GE -> new double[] {d, inf};
        default -> throw new IllegalArgumentException(op.toString());
      };
    }
    long l = (Long) literal;
    double near = (double) l;
    int c = compareLongDouble(l, near); // sign of l - near
    return switch (op) {
      case EQ -> c == 0 ? new double[] {near, near} : null;
      case LT -> new double[] {-inf, c > 0 ? near : Math.nextDown(near)};
      case LE -> new double[] {-inf, c >= 0 ? near : Math.nextDown(near)};
      case GT -> new double[] {c < 0 ? near : Math.nextUp(near), inf};
      case GE -> new double[] {c <= 0 ? near : Math.nextUp(near), inf};
      default -> throw new IllegalArgumentException(op.toString());
    };
  }

  static float[] floatRange(Operator op, Object literal) {
    float inf = Float.POSITIVE_INFINITY;
    if (literal instanceof Double x) {
      float f = x.floatValue() + 0f; // at float precision, as Milvus compares FLOAT fields; -0 becomes 0
      return switch (op) {
        case EQ -> new float[] {f, f};
        case LT -> f == -inf ? null : new float[] {-inf, Math.nextDown(f)};
        case LE -> new float[] {-inf, f};
        case GT -> f == inf ? null : new float[] {Math.nextUp(f), inf};
        case GE -> new float[] {f, inf};
        default -> throw new IllegalArgumentException(op.toString());
      };
    }
    long l = (Long) literal;
    float near = (float) l;
    int c = compareLongDouble(l, near); // exact: a float widens to double without rounding
    return switch (op) {
      case EQ -> c == 0 ? new float[] {near, near} : null;
      case LT -> new float[] {-inf, c > 0 ? near : Math.nextDown(near)};
      case LE -> new float[] {-inf, c >= 0 ? near : Math.nextDown(near)};
      case GT -> new float[] {c < 0 ? near : Math.nextUp(near), inf};
      case GE -> new float[] {c <= 0 ? near : Math.nextUp(near), inf};
      default -> throw new IllegalArgumentException(op.toString());
    };
  }

  /** Compares a long with a finite double exactly: negative, zero or positive as {@code l - d}. */
  static int compareLongDouble(long l, double d) {
    if (d >= TWO_POW_63) {
      return -1;
    }
    if (d < -TWO_POW_63) {
      return 1;
    }
    long whole = (long) d;
    if (l != whole) {
      return Long.compare(l, whole);
    }
    double fraction = d - whole;
    return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
  }

  // ---- sets for "in": the indexed values equal to some literal (In's equality) -----------------------------

  /** Long values equal to a literal: integer literals, and whole double literals in range. */
  static long[] longSet(List<Object> literals) {
    Set<Long> out = new LinkedHashSet<>();
    for (Object v : literals) {
      if (v instanceof Long l) {
        out.add(l);
      } else {
        double d = (Double) v;
        if (d == Math.rint(d) && d >= -TWO_POW_63 && d < TWO_POW_63) {
          out.add((long) d);
        }
      }
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  /** Double values equal to a literal: fractional doubles as they are, integers exactly representable. */
  static double[] doubleSet(List<Object> literals) {
    Set<Double> out = new LinkedHashSet<>();
    for (Object v : literals) {
      if (v instanceof Long l) {
        double d = (double) l;
        if (compareLongDouble(l, d) == 0 && d < TWO_POW_63) {
          out.add(d);
        }
      } else {
        out.add((Double) v + 0.0);
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * Float values in the list under {@link dev.imgsearch.core.filter.In}'s equality for FLOAT values: a fractional
   * literal at float precision, or a float whose exact value is a whole literal.
   */
  static float[] floatSet(List<Object> literals) {
    Set<Float> out = new LinkedHashSet<>();
    for (Object v : literals) {
      if (v instanceof Long l) {
        float f = (float) l;
        if (compareLongDouble(l, f) == 0 && f < TWO_POW_63) {
          out.add(f);
        }
      } else {
        double d = (Double) v;
        if (d == Math.rint(d) && d >= -TWO_POW_63 && d < TWO_POW_63) {
          // A whole literal: equal to the floats whose exact value it is.
          float f = (float) d;
          if ((double) f == d) {
            out.add(f + 0f);
          }
        } else {
          // A fractional (or huge) literal: compared at float precision.
          out.add((float) d + 0f);
        }
      }
    }
    float[] a = new float[out.size()];
    int i = 0;
    for (Float f : out) {
      a[i++] = f;
    }
    return a;
  }
}
