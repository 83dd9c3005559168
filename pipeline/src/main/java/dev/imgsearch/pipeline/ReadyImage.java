package dev.imgsearch.pipeline;

/**
 * A candidate on its way from decoding to the store: with its pixels (to embed) or its vector (to write).
 * Owned by one stage of a run at a time.
 */
final class ReadyImage {
  /** What writing the image does. */
  enum Outcome {
    /** A new vector is written. */
    INDEXED,
    /** A stored vector is written again under a new id, path or attributes. */
    MOVED,
    /** An intact copy of the image is stored already: nothing is written. */
    DUPLICATE
  }

  final Candidate c;
  final Outcome outcome;
  /** The preprocessed pixels until the image is embedded; then null. */
  float[] pixels;
  /** The vector, once known; checked by the store when written. */
  float[] vector;

  ReadyImage(Candidate c, float[] pixels, float[] vector, Outcome outcome) {
    this.c = c;
    this.pixels = pixels;
    this.vector = vector;
    this.outcome = outcome;
  }
}
