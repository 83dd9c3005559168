package dev.imgsearch.store.lucene.codec;

import org.apache.lucene.codecs.hnsw.FlatVectorScorerUtil;
import org.apache.lucene.codecs.lucene99.Lucene99FlatVectorsFormat;

/**
 * Raw vectors without a graph, for exact (FLAT) fields: the store scans them itself. Internal to the Lucene store;
 * public only so that Lucene's service loader can create it when reading an index.
 */
public final class FlatVectorsFormat extends DelegatingVectorsFormat {
  /** The name recorded in the index. */
  public static final String NAME = "ImgsearchFlat99";

  /** Creates the format (for the service loader). */
  public FlatVectorsFormat() {
    super(NAME, new Lucene99FlatVectorsFormat(FlatVectorScorerUtil.getLucene99FlatVectorsScorer()));
  }
}
