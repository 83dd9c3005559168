package dev.imgsearch.core.store;

/**
 * How vectors are compared. Scores mean exactly what Milvus means, on every store of the SDK.
 */
public enum MetricType {
  /** Squared Euclidean distance, {@code sum((a-b)^2)}: smaller is closer. */
  L2(false),
  /** Inner product, {@code sum(a*b)}: larger is closer. */
  IP(true),
  /** Cosine similarity in [-1, 1]: larger is closer. */
  COSINE(true);

  private final boolean higherIsCloser;

  MetricType(boolean higherIsCloser) {
    this.higherIsCloser = higherIsCloser;
  }

  /** True for IP and COSINE (similarities), false for L2 (a distance). */
  public boolean higherIsCloser() {
    return higherIsCloser;
  }

  /** Whether score {@code a} ranks before score {@code b} under this metric. */
  public boolean isBetter(double a, double b) {
    return higherIsCloser ? a > b : a < b;
  }

  /**
   * The score of two vectors under this metric, computed in double precision. Both arrays must have the same
   * length. For COSINE, a zero vector scores 0.
   */
  public double score(float[] a, float[] b) {
    // One loop per metric: the switch stays out of the hot loop.
    switch (this) {
      case L2 -> {
        double l2 = 0;
        for (int i = 0; i < a.length; i++) {
          double d = (double) a[i] - b[i];
          l2 += d * d;
        }
        return l2;
      }
      case IP -> {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
          dot += (double) a[i] * b[i];
        }
        return dot;
      }
      case COSINE -> {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
          double x = a[i];
          double y = b[i];
          dot += x * y;
          na += x * x;
          nb += y * y;
        }
        return (na == 0 || nb == 0) ? 0 : dot / (Math.sqrt(na) * Math.sqrt(nb));
      }
      default -> throw new AssertionError(this);
    }
  }
}
