package dev.imgsearch.store.lucene;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.IndexType;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.store.lucene.codec.FlatVectorsFormat;
import dev.imgsearch.store.lucene.codec.HnswVectorsFormat;
import dev.imgsearch.store.lucene.codec.ScalarQuantizedHnswVectorsFormat;
import java.util.Locale;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one vector field is indexed in Lucene: exact (raw vectors, scanned), an HNSW graph over the float vectors, or
 * an HNSW graph over scalar-quantised vectors (8, 4, 2 or 1 bits per dimension; Lucene's optimised scalar
 * quantisation), with the graph's {@code M} and {@code efConstruction}, and for a quantised graph whether its
 * candidates are re-scored on the raw vectors. Decided once, when the collection is created, from the field's
 * {@link IndexSpec}, and stored with the collection.
 *
 * <p>Milvus index types map as follows: FLAT is exact; HNSW is a float graph, or a quantised one with the index
 * parameter {@code "sq_type"} (as Milvus's HNSW_SQ): {@code "SQ8"} (and Milvus's {@code "SQ6"}) 8 bits,
 * {@code "SQ4"} 4 bits, {@code "SQ2"} 2 bits, {@code "SQ1"} 1 bit; the parameter {@code "refine"} (Milvus's name,
 * default true here) says whether the graph's candidates are re-ranked on the raw vectors. IVF_FLAT and AUTOINDEX
 * become a float graph; IVF_SQ8 and IVF_PQ an 8-bit graph with re-ranking. A mapped type is logged once at
 * creation. Whatever the structure, returned scores are computed exactly from the raw vectors.
 *
 * @param structure the index structure
 * @param maxConnections HNSW's M (0 for FLAT)
 * @param beamWidth HNSW's efConstruction (0 for FLAT)
 * @param bits bits per dimension of a quantised graph (8, 4, 2, 1); 32 for float graphs and FLAT
 * @param rescore for a quantised graph, whether its candidates are re-ranked on the raw vectors
 */
record VectorPlan(Structure structure, int maxConnections, int beamWidth, int bits, boolean rescore) {
  private static final Logger LOG = LoggerFactory.getLogger(VectorPlan.class);

  /** Lucene's defaults, also Milvus's usual starting values. */
  static final int DEFAULT_M = Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN;
  static final int DEFAULT_EF_CONSTRUCTION = Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH;
  static final int FLOAT_BITS = 32;

  /** The index structures. */
  enum Structure {
    FLAT,
    HNSW,
    /** HNSW over scalar-quantised vectors ({@link #bits}, {@link #rescore}). */
    HNSW_SQ
  }

  VectorPlan {
    if (structure == Structure.HNSW_SQ && bits != 8 && bits != 4 && bits != 2 && bits != 1) {
      throw new IllegalArgumentException("bits " + bits);
    }
  }

  static VectorPlan exact() {
    return new VectorPlan(Structure.FLAT, 0, 0, FLOAT_BITS, false);
  }

  /**
   * The plan for a vector field.
   *
   * @param quantizeGraphs whether every graph index without an {@code sq_type} is 8-bit quantised (a store option)
   * @throws InvalidInputException when {@code sq_type} or {@code refine} has a value the store does not know
   */
  static VectorPlan forField(String collection, FieldSpec field, boolean quantizeGraphs) {
    IndexSpec index = field.index();
    IndexType type = index.type();
    int defaultBits = quantizeGraphs ? 8 : FLOAT_BITS;
    return switch (type) {
      case FLAT -> exact();
      case HNSW -> graph(collection, field, bits(collection, field, defaultBits), refine(collection, field),
          index.intParam("M", DEFAULT_M), index.intParam("efConstruction", DEFAULT_EF_CONSTRUCTION));
      case IVF_FLAT, AUTOINDEX -> {
        LOG.info("Collection '{}', field '{}': index {} is built as a Lucene HNSW graph (M={}, efConstruction={}){}.",
            collection, field.name(), index, DEFAULT_M, DEFAULT_EF_CONSTRUCTION,
            quantizeGraphs ? " over 8-bit quantised vectors" : "");
        yield graph(collection, field, defaultBits, true, DEFAULT_M, DEFAULT_EF_CONSTRUCTION);
      }
      case IVF_SQ8, IVF_PQ -> {
        LOG.info("Collection '{}', field '{}': index {} is built as a Lucene HNSW graph over 8-bit quantised vectors "
            + "(M={}, efConstruction={}).", collection, field.name(), index, DEFAULT_M, DEFAULT_EF_CONSTRUCTION);
        yield graph(collection, field, 8, true, DEFAULT_M, DEFAULT_EF_CONSTRUCTION);
      }
    };
  }

  /** Bits per dimension from {@code sq_type}: SQ8 (and SQ6) 8, SQ4 4, SQ2 2, SQ1 1; other types keep floats. */
  private static int bits(String collection, FieldSpec field, int defaultBits) {
    Object sq = field.index().params().get("sq_type");
    if (sq == null) {
      return defaultBits;
    }
    String s = String.valueOf(sq).trim().toUpperCase(Locale.ROOT);
    return switch (s) {
      case "SQ8", "SQ6" -> 8;
      case "SQ4" -> 4;
      case "SQ2" -> 2;
      case "SQ1" -> 1;
      case "FP16", "BF16", "FP32" -> {
        LOG.info("Collection '{}', field '{}': sq_type {} is built as a Lucene HNSW graph over float vectors.",
            collection, field.name(), sq);
        yield FLOAT_BITS;
      }
      default -> throw new InvalidInputException("Collection '" + collection + "', field '" + field.name()
          + "': index parameter sq_type is '" + sq + "'; the Lucene store accepts SQ8 (or SQ6), SQ4, SQ2 or SQ1 "
          + "(bits per dimension of the quantised graph), or FP16, BF16, FP32 (a float graph).");
    };
  }

  /** The {@code refine} parameter: a Boolean or "true"/"false"; default true. */
  private static boolean refine(String collection, FieldSpec field) {
    Object refine = field.index().params().get("refine");
    if (refine == null || refine instanceof Boolean) {
      return refine == null || (Boolean) refine;
    }
    String s = String.valueOf(refine).trim().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return Boolean.parseBoolean(s);
    }
    throw new InvalidInputException("Collection '" + collection + "', field '" + field.name() + "': index parameter "
        + "refine is '" + refine + "'; use true (re-rank the quantised graph's candidates on the raw vectors, the "
        + "default) or false.");
  }

  private static VectorPlan graph(String collection, FieldSpec field, int bits, boolean rescore, int m,
      int efConstruction) {
    int maxM = Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN;
    int maxEf = Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH;
    if (m > maxM || efConstruction > maxEf) {
      LOG.warn("Collection '{}', field '{}': Lucene's HNSW allows M <= {} and efConstruction <= {}; using M={}, "
          + "efConstruction={} instead of {}, {}.", collection, field.name(), maxM, maxEf, Math.min(m, maxM),
          Math.min(efConstruction, maxEf), m, efConstruction);
    }
    return bits == FLOAT_BITS
        ? new VectorPlan(Structure.HNSW, Math.min(m, maxM), Math.min(efConstruction, maxEf), FLOAT_BITS, false)
        : new VectorPlan(Structure.HNSW_SQ, Math.min(m, maxM), Math.min(efConstruction, maxEf), bits, rescore);
  }

  /** Whether the graph holds unit vectors compared by dot product (COSINE graphs); see {@link Documents}. */
  boolean normalizes(MetricType metric) {
    return structure != Structure.FLAT && metric == MetricType.COSINE;
  }

  boolean isExact() {
    return structure == Structure.FLAT;
  }

  boolean isQuantized() {
    return structure == Structure.HNSW_SQ;
  }

  /** The Lucene format that writes this plan. */
  KnnVectorsFormat format() {
    return switch (structure) {
      case FLAT -> new FlatVectorsFormat();
      case HNSW -> new HnswVectorsFormat(maxConnections, beamWidth);
      case HNSW_SQ -> new ScalarQuantizedHnswVectorsFormat(bits, maxConnections, beamWidth);
    };
  }

  /** Lucene's similarity for a metric; scores are recomputed exactly before they are returned. */
  static VectorSimilarityFunction similarity(MetricType metric) {
    return switch (metric) {
      case L2 -> VectorSimilarityFunction.EUCLIDEAN;
      case IP -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
      case COSINE -> VectorSimilarityFunction.COSINE;
    };
  }
}
