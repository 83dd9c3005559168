package dev.imgsearch.store.lucene;

import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.IndexType;
import dev.imgsearch.store.lucene.codec.FlatVectorsFormat;
import dev.imgsearch.store.lucene.codec.HnswVectorsFormat;
import dev.imgsearch.store.lucene.codec.QuantizedHnswVectorsFormat;
import java.util.Locale;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one vector field is indexed in Lucene: exact (raw vectors, scanned), an HNSW graph, or an HNSW graph over
 * int8-quantised vectors, with the graph's {@code M} and {@code efConstruction}. Decided once, when the collection
 * is created, from the field's {@link IndexSpec}, and stored with the collection.
 *
 * <p>Milvus index types map as follows: FLAT is exact; HNSW is HNSW (with {@code "sq_type": "SQ8"} among its
 * parameters, as Milvus's HNSW_SQ, it is quantised); IVF_FLAT and AUTOINDEX become HNSW; IVF_SQ8 and IVF_PQ become
 * int8-quantised HNSW. A mapped type is logged once at creation.
 */
record VectorPlan(Structure structure, int maxConnections, int beamWidth) {
  private static final Logger LOG = LoggerFactory.getLogger(VectorPlan.class);

  /** Lucene's defaults, also Milvus's usual starting values. */
  static final int DEFAULT_M = Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN;
  static final int DEFAULT_EF_CONSTRUCTION = Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH;

  /** The index structures. */
  enum Structure {
    FLAT,
    HNSW,
    HNSW_INT8
  }

  static VectorPlan exact() {
    return new VectorPlan(Structure.FLAT, 0, 0);
  }

  /**
   * The plan for a vector field.
   *
   * @param quantizeGraphs whether every graph index is int8-quantised (a store option)
   */
  static VectorPlan forField(String collection, FieldSpec field, boolean quantizeGraphs) {
    IndexSpec index = field.index();
    IndexType type = index.type();
    Structure graph = quantizeGraphs ? Structure.HNSW_INT8 : Structure.HNSW;
    return switch (type) {
      case FLAT -> exact();
      case HNSW -> {
        Object sq = index.params().get("sq_type");
        Structure s = sq != null && String.valueOf(sq).toUpperCase(Locale.ROOT).startsWith("SQ")
            ? Structure.HNSW_INT8 : graph;
        yield graph(collection, field, s, index.intParam("M", DEFAULT_M),
            index.intParam("efConstruction", DEFAULT_EF_CONSTRUCTION));
      }
      case IVF_FLAT, AUTOINDEX -> {
        LOG.info("Collection '{}', field '{}': index {} is built as a Lucene HNSW graph (M={}, efConstruction={}){}.",
            collection, field.name(), index, DEFAULT_M, DEFAULT_EF_CONSTRUCTION,
            graph == Structure.HNSW_INT8 ? " over int8-quantised vectors" : "");
        yield graph(collection, field, graph, DEFAULT_M, DEFAULT_EF_CONSTRUCTION);
      }
      case IVF_SQ8, IVF_PQ -> {
        LOG.info("Collection '{}', field '{}': index {} is built as a Lucene HNSW graph over int8-quantised vectors "
            + "(M={}, efConstruction={}).", collection, field.name(), index, DEFAULT_M, DEFAULT_EF_CONSTRUCTION);
        yield graph(collection, field, Structure.HNSW_INT8, DEFAULT_M, DEFAULT_EF_CONSTRUCTION);
      }
    };
  }

  private static VectorPlan graph(String collection, FieldSpec field, Structure s, int m, int efConstruction) {
    int maxM = Lucene99HnswVectorsFormat.MAXIMUM_MAX_CONN;
    int maxEf = Lucene99HnswVectorsFormat.MAXIMUM_BEAM_WIDTH;
    if (m > maxM || efConstruction > maxEf) {
      LOG.warn("Collection '{}', field '{}': Lucene's HNSW allows M <= {} and efConstruction <= {}; using M={}, "
          + "efConstruction={} instead of {}, {}.", collection, field.name(), maxM, maxEf, Math.min(m, maxM),
          Math.min(efConstruction, maxEf), m, efConstruction);
    }
    return new VectorPlan(s, Math.min(m, maxM), Math.min(efConstruction, maxEf));
  }

  /** Whether the graph holds unit vectors compared by dot product (COSINE graphs); see {@link Documents}. */
  boolean normalizes(dev.imgsearch.core.store.MetricType metric) {
    return structure != Structure.FLAT && metric == dev.imgsearch.core.store.MetricType.COSINE;
  }

  boolean isExact() {
    return structure == Structure.FLAT;
  }

  /** The Lucene format that writes this plan. */
  KnnVectorsFormat format() {
    return switch (structure) {
      case FLAT -> new FlatVectorsFormat();
      case HNSW -> new HnswVectorsFormat(maxConnections, beamWidth);
      case HNSW_INT8 -> new QuantizedHnswVectorsFormat(maxConnections, beamWidth);
    };
  }

  /** Lucene's similarity for a metric; scores are recomputed exactly before they are returned. */
  static VectorSimilarityFunction similarity(dev.imgsearch.core.store.MetricType metric) {
    return switch (metric) {
      case L2 -> VectorSimilarityFunction.EUCLIDEAN;
      case IP -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
      case COSINE -> VectorSimilarityFunction.COSINE;
    };
  }
}
