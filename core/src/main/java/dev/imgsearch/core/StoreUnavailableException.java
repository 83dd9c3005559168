package dev.imgsearch.core;

/**
 * The vector store cannot be reached or did not answer in time. The operation may succeed when retried later;
 * the message names the endpoint (never a secret) and says how to check or start the server.
 */
public class StoreUnavailableException extends ImageSearchException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message) {
    super(message);
  }

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
