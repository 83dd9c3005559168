package dev.imgsearch.core.store;

import dev.imgsearch.core.CollectionNotFoundException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import java.util.List;

/**
 * A store that searches several routes at once (dense vector fields and BM25 {@link FullTextField full-text}
 * fields) and fuses their rankings into one list. Implemented by {@code MilvusVectorStore} (Milvus's BM25 function and
 * its RRF or weighted ranker) and {@code LuceneVectorStore} (Lucene's BM25, fused the same way); check with
 * {@code store instanceof HybridSearch}.
 */
public interface HybridSearch {

  /**
   * Runs every route of the request, fuses the rankings with the request's ranker and returns the best
   * {@code topK} hits, best first. Hit scores are the ranker's (see {@link HybridSearchRequest}); with a single
   * route, they are that route's own scores (the metric's, or BM25 for a text route).
   *
   * @throws InvalidInputException when a query vector has the wrong dimension or holds NaN or infinity
   * @throws SchemaException when a route names a field that is not a vector or full-text field of the collection
   * @throws CollectionNotFoundException when the collection does not exist
   */
  List<Hit> hybridSearch(HybridSearchRequest request);
}
