package dev.imgsearch.store.lucene.codec;

import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;

/**
 * Raw vectors with an HNSW graph (Lucene's {@link Lucene99HnswVectorsFormat}). Internal to the Lucene store; public
 * only so that Lucene's service loader can create it when reading an index.
 */
public final class HnswVectorsFormat extends DelegatingVectorsFormat {
  /** The name recorded in the index. */
  public static final String NAME = "ImgsearchHnsw99";

  /** Creates the format with Lucene's default parameters (for the service loader, which only reads). */
  public HnswVectorsFormat() {
    super(NAME, new Lucene99HnswVectorsFormat());
  }

  /**
   * Creates the format for writing.
   *
   * @param maxConnections HNSW's {@code M}
   * @param beamWidth HNSW's {@code efConstruction}
   */
  public HnswVectorsFormat(int maxConnections, int beamWidth) {
    super(NAME, new Lucene99HnswVectorsFormat(maxConnections, beamWidth));
  }
}
