package dev.imgsearch.core;

/** An embedder, store or other resource was used after it was closed. */
public class ClosedException extends ImageSearchException {
  private static final long serialVersionUID = 1L;

  public ClosedException(String what) {
    super(what + " is closed. Create a new instance; closed instances cannot be reopened.");
  }
}
