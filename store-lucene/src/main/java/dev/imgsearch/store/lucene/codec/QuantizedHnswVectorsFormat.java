package dev.imgsearch.store.lucene.codec;

import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;

/**
 * Vectors with an HNSW graph built and searched on int8 scalar-quantised copies (Lucene's
 * {@link Lucene99HnswScalarQuantizedVectorsFormat}); the raw vectors are kept too, for exact scores. Internal to
 * the Lucene store; public only so that Lucene's service loader can create it when reading an index.
 */
public final class QuantizedHnswVectorsFormat extends DelegatingVectorsFormat {
  /** The name recorded in the index. */
  public static final String NAME = "ImgsearchHnswInt8";

  /** Creates the format with Lucene's default parameters (for the service loader, which only reads). */
  public QuantizedHnswVectorsFormat() {
    super(NAME, new Lucene99HnswScalarQuantizedVectorsFormat());
  }

  /**
   * Creates the format for writing.
   *
   * @param maxConnections HNSW's {@code M}
   * @param beamWidth HNSW's {@code efConstruction}
   */
  public QuantizedHnswVectorsFormat(int maxConnections, int beamWidth) {
    super(NAME, new Lucene99HnswScalarQuantizedVectorsFormat(maxConnections, beamWidth));
  }
}
