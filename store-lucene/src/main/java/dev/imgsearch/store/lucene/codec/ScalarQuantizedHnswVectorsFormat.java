package dev.imgsearch.store.lucene.codec;

import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * Vectors with an HNSW graph built and searched on scalar-quantised copies (Lucene's
 * {@link Lucene104HnswScalarQuantizedVectorsFormat}, optimised scalar quantisation) with 8, 4, 2 or 1 bits per
 * dimension; the raw vectors are kept too, for re-scoring and exact scores. The encoding is recorded in the index,
 * so one name reads every encoding. Internal to the Lucene store; public only so that Lucene's service loader can
 * create it when reading an index.
 */
public final class ScalarQuantizedHnswVectorsFormat extends DelegatingVectorsFormat {
  /** The name recorded in the index. */
  public static final String NAME = "ImgsearchHnswSq104";

  /** Creates the format with Lucene's default parameters (for the service loader, which only reads). */
  public ScalarQuantizedHnswVectorsFormat() {
    super(NAME, new Lucene104HnswScalarQuantizedVectorsFormat());
  }

  /**
   * Creates the format for writing.
   *
   * @param bits bits per dimension of the stored vectors: 8, 4, 2 or 1
   * @param maxConnections HNSW's {@code M}
   * @param beamWidth HNSW's {@code efConstruction}
   */
  public ScalarQuantizedHnswVectorsFormat(int bits, int maxConnections, int beamWidth) {
    super(NAME, new Lucene104HnswScalarQuantizedVectorsFormat(encoding(bits), maxConnections, beamWidth));
  }

  /** Lucene's encoding for a number of bits per dimension (asymmetric for 1 and 2 bits: 4-bit queries). */
  public static ScalarEncoding encoding(int bits) {
    return switch (bits) {
      case 8 -> ScalarEncoding.UNSIGNED_BYTE;
      case 4 -> ScalarEncoding.PACKED_NIBBLE;
      case 2 -> ScalarEncoding.DIBIT_QUERY_NIBBLE;
      case 1 -> ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE;
      default -> throw new IllegalArgumentException("bits is " + bits + "; use 8, 4, 2 or 1.");
    };
  }
}
