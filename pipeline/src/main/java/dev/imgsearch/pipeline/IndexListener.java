package dev.imgsearch.pipeline;

/**
 * Follows an indexing run, e.g. to draw a progress bar. Calls come from the run's threads, one at a time (never
 * concurrently), so an implementation needs no locking; it should return quickly. A listener that throws is
 * logged and otherwise ignored.
 */
public interface IndexListener {
  /** A listener that does nothing. */
  IndexListener NONE = new IndexListener() {};

  /** Progress so far: at most about ten times a second, and once more when the run ends. */
  default void onProgress(IndexProgress progress) {}

  /** An image that was not indexed, as soon as it is known. */
  default void onFailure(IndexFailure failure) {}
}
