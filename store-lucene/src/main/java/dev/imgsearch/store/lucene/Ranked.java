package dev.imgsearch.store.lucene;

import java.util.Arrays;
import org.apache.lucene.util.BytesRef;

/** Documents (global ids) with scores and primary keys, best first (ties by primary key). */
record Ranked(int[] docs, double[] scores, Object[] keys) {
  static Ranked sort(int[] docs, double[] scores, Object[] keys, boolean higherIsBetter) {
    Integer[] order = new Integer[docs.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      if (scores[a] != scores[b]) {
        return (scores[a] > scores[b]) == higherIsBetter ? -1 : 1;
      }
      return compareKeys(keys[a], keys[b]);
    });
    int[] d = new int[docs.length];
    double[] sc = new double[docs.length];
    Object[] k = new Object[docs.length];
    for (int i = 0; i < order.length; i++) {
      d[i] = docs[order[i]];
      sc[i] = scores[order[i]];
      k[i] = keys[order[i]];
    }
    return new Ranked(d, sc, k);
  }

  /** The best {@code n}. */
  Ranked first(int n) {
    return n >= docs.length ? this
        : new Ranked(Arrays.copyOf(docs, n), Arrays.copyOf(scores, n), Arrays.copyOf(keys, n));
  }

  /** Primary keys in code-point order for strings, numeric order for longs, as every store orders them. */
  static int compareKeys(Object a, Object b) {
    if (a instanceof Long x && b instanceof Long y) {
      return Long.compare(x, y);
    }
    return new BytesRef((String) a).compareTo(new BytesRef((String) b));
  }
}
