package dev.imgsearch.core.store;

import com.google.common.collect.ImmutableMap;
import dev.imgsearch.core.InvalidInputException;
import java.util.Map;
import java.util.Objects;

/**
 * An index type with its build parameters, using Milvus's parameter names ({@code nlist}, {@code m},
 * {@code nbits}, {@code M}, {@code efConstruction}). Immutable.
 *
 * <pre>{@code
 * IndexSpec.ivfFlat(128)        // the Milvus tutorials
 * IndexSpec.hnsw(16, 200)
 * IndexSpec.flat()              // exact search
 * }</pre>
 */
public final class IndexSpec {
  private final IndexType type;
  private final ImmutableMap<String, Object> params;

  private IndexSpec(IndexType type, Map<String, ?> params) {
    this.type = Objects.requireNonNull(type, "type");
    this.params = ImmutableMap.copyOf(params);
  }

  /** Any type with explicit parameters. */
  public static IndexSpec of(IndexType type, Map<String, ?> params) {
    return new IndexSpec(type, params);
  }

  /** Exact search. */
  public static IndexSpec flat() {
    return new IndexSpec(IndexType.FLAT, Map.of());
  }

  /** The store's own choice. */
  public static IndexSpec autoIndex() {
    return new IndexSpec(IndexType.AUTOINDEX, Map.of());
  }

  /** IVF_FLAT with {@code nlist} clusters (1..65536). */
  public static IndexSpec ivfFlat(int nlist) {
    return new IndexSpec(IndexType.IVF_FLAT, Map.of("nlist", checkRange("nlist", nlist, 1, 65536)));
  }

  /** IVF_SQ8 with {@code nlist} clusters (1..65536). */
  public static IndexSpec ivfSq8(int nlist) {
    return new IndexSpec(IndexType.IVF_SQ8, Map.of("nlist", checkRange("nlist", nlist, 1, 65536)));
  }

  /** IVF_PQ with {@code nlist} clusters, {@code m} sub-quantisers (must divide the dimension) and {@code nbits}. */
  public static IndexSpec ivfPq(int nlist, int m, int nbits) {
    return new IndexSpec(IndexType.IVF_PQ, Map.of(
        "nlist", checkRange("nlist", nlist, 1, 65536),
        "m", checkRange("m", m, 1, 65536),
        "nbits", checkRange("nbits", nbits, 1, 16)));
  }

  /** HNSW with {@code M} links per node (2..2048) and {@code efConstruction} (1..). */
  public static IndexSpec hnsw(int maxConnections, int efConstruction) {
    return new IndexSpec(IndexType.HNSW, Map.of(
        "M", checkRange("M", maxConnections, 2, 2048),
        "efConstruction", checkRange("efConstruction", efConstruction, 1, Integer.MAX_VALUE)));
  }

  private static int checkRange(String name, int value, int min, int max) {
    if (value < min || value > max) {
      throw new InvalidInputException("Index parameter " + name + "=" + value + " is out of range; use a value in ["
          + min + ", " + max + "].");
    }
    return value;
  }

  public IndexType type() {
    return type;
  }

  /** Build parameters by Milvus name; unmodifiable. */
  public Map<String, Object> params() {
    return params;
  }

  /** An integer parameter, or {@code defaultValue} when it is not set. */
  public int intParam(String name, int defaultValue) {
    Object v = params.get(name);
    return v instanceof Number n ? n.intValue() : defaultValue;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IndexSpec other && type == other.type && params.equals(other.params);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, params);
  }

  @Override
  public String toString() {
    return type + (params.isEmpty() ? "" : params.toString());
  }
}
