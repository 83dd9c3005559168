package dev.imgsearch.store.lucene;

import dev.imgsearch.core.store.HybridSearchRequest;
import dev.imgsearch.core.store.MetricType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuses the rankings of a hybrid search's routes as Milvus's rankers do.
 *
 * <ul>
 *   <li>RRF: a document scores {@code sum over routes of 1 / (k + rank)}, rank counted from 1 in each route.
 *   <li>Weighted: a document scores {@code sum over routes of weight * normalised score}; a route that did not
 *       return the document adds 0. Scores are normalised to [0, 1] as Milvus normalises them: COSINE
 *       {@code (1 + s) / 2}, IP {@code 1/2 + atan(s) / pi}, BM25 {@code 2 atan(s) / pi}, L2 (a distance)
 *       {@code 1 - 2 atan(d) / pi}.
 * </ul>
 *
 * <p>Hand-written rather than Lucene 10's {@code TopDocs.rrf}: that one has no weighted ranker (nor Milvus's score
 * normalisation), rounds the fused scores to float, and breaks ties by document id, where the store breaks them by
 * primary key as Milvus and the other stores do (RRF ties are common: a document first in one route and one first in
 * the other score the same); {@code LogOddsFusionQuery} is another formula. The store's results would then differ
 * from Milvus's on the same data.
 */
final class HybridFusion {
  private HybridFusion() {}

  /** How a route's raw scores are normalised for the weighted ranker. */
  enum Scale {
    L2,
    IP,
    COSINE,
    BM25;

    static Scale of(MetricType metric) {
      return switch (metric) {
        case L2 -> L2;
        case IP -> IP;
        case COSINE -> COSINE;
      };
    }

    double normalise(double s) {
      return switch (this) {
        case COSINE -> (1 + s) * 0.5;
        case IP -> 0.5 + Math.atan(s) / Math.PI;
        case BM25 -> 2 * Math.atan(s) / Math.PI;
        case L2 -> 1 - 2 * Math.atan(s) / Math.PI;
      };
    }
  }

  /**
   * One route's hits, best first.
   *
   * @param docs document ids
   * @param scores the route's raw scores (metric or BM25)
   * @param scale how the scores normalise
   */
  record RouteHits(int[] docs, double[] scores, Scale scale) {}

  /** The fused score of every document any route returned, in no particular order. */
  static Map<Integer, Double> fuse(List<RouteHits> routes, HybridSearchRequest.RankerType ranker, int rrfK,
      List<Float> weights) {
    Map<Integer, Double> fused = new LinkedHashMap<>();
    for (int r = 0; r < routes.size(); r++) {
      RouteHits route = routes.get(r);
      for (int i = 0; i < route.docs().length; i++) {
        double contribution = ranker == HybridSearchRequest.RankerType.RRF
            ? 1.0 / (rrfK + i + 1)
            : weights.get(r) * route.scale().normalise(route.scores()[i]);
        fused.merge(route.docs()[i], contribution, Double::sum);
      }
    }
    return fused;
  }
}
