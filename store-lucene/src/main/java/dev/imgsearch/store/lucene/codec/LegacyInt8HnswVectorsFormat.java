package dev.imgsearch.store.lucene.codec;

import org.apache.lucene.backward_codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;

/**
 * Reads the int8-quantised HNSW graphs that the store wrote on Lucene 9.x (Lucene's
 * {@code Lucene99HnswScalarQuantizedVectorsFormat}, now in {@code lucene-backward-codecs}, read-only). Segments of
 * a collection opened from a 9.x store keep this format until they are merged (or the collection is compacted);
 * new segments are written with {@link ScalarQuantizedHnswVectorsFormat}. Internal to the Lucene store; public only
 * so that Lucene's service loader can create it when reading an index.
 */
public final class LegacyInt8HnswVectorsFormat extends DelegatingVectorsFormat {
  /** The name recorded in indexes written by the 9.x store. */
  public static final String NAME = "ImgsearchHnswInt8";

  /** Creates the format (for the service loader; it reads only). */
  public LegacyInt8HnswVectorsFormat() {
    super(NAME, new Lucene99HnswScalarQuantizedVectorsFormat());
  }
}
